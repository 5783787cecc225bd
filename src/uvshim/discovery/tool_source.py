"""The Python a tool's own source asks for: uvx's ``requires-python`` inference.

From 0.11.17 (#19577, ``ToolPython::from_request`` and ``infer_requires_python_from_requirement``
in ``crates/uv/src/commands/tool/common.rs``), when no Python is requested, uv reads the static
``requires-python`` of the tool's source when that source is a source tree: a directory (a local
project, ``uvx --from ./my-project tool``) or a Git repository. Anything else (a name, a
version, an archive or wheel, by path or URL) infers nothing. ``StaticMetadataDatabase`` reads
``[project] requires-python`` from the tree's pyproject.toml; no pyproject.toml, no
``[project]`` table, no ``requires-python``, a dynamic one or any error reading it infer
nothing either (uv logs the error and goes on). Empty specifiers make no request
(``PythonRequest::from_requires_python``).
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def source_tree(target: str, cwd: str) -> str | None:
    """The directory ``target`` names as a tool's source, or None when it is no source tree.
    ``UndecidableError`` for a Git source: its tree is only known after a fetch."""
    _, named, url = target.partition(" @ ")  # ``name @ url-or-path``
    spec = url.strip() if named else target.strip()
    if spec.startswith("git+"):
        raise UndecidableError(f"uv infers requires-python from the Git source {target!r}, "
                               "which it fetches first")
    path = spec[len("file://"):] if spec.startswith("file://") else spec
    if path.startswith("~"):
        raise UndecidableError(f"whether uv expands '~' in the source {target!r} is not known")
    if "://" in path or not (path.startswith(".") or "/" in path):
        return None  # a name, a version, a URL: nothing to infer from
    folder = os.path.join(cwd, path)
    return folder if os.path.isdir(folder) else None  # an archive or wheel: nothing either


def requires_python(folder: str) -> str | None:
    """The static ``requires-python`` of the project in ``folder``, None when it has none."""
    data = _pyproject(os.path.join(folder, "pyproject.toml"))
    project = data.get("project") if data is not None else None
    if not isinstance(project, dict):
        return None
    dynamic = project.get("dynamic")
    if isinstance(dynamic, list) and "requires-python" in dynamic:
        return None
    value = project.get("requires-python")
    return value.strip() or None if isinstance(value, str) else None


def _pyproject(path: str) -> Mapping[str, object] | None:
    from uvshim.uv.settings import parse_toml  # noqa: PLC0415  -- tomllib only for a tree

    try:
        with open(path, encoding="utf-8") as handle:
            return parse_toml(path, handle.read())
    except (OSError, UnicodeDecodeError, UndecidableError):
        return None  # uv fails to read it and infers nothing
