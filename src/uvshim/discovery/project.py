"""The project ``uv run`` runs in, its environment, and the base interpreter of an environment.

A model of ``VirtualProject::discover`` and ``ProjectEnvironment::get_or_init``
(``crates/uv-workspace/src/workspace.rs``, ``crates/uv/src/commands/project/mod.rs``) and of
``CachedEnvironment::base_interpreter`` (``crates/uv/src/commands/project/environment.rs``),
read at the tags 0.5.0, 0.5.29, 0.5.31, 0.6.4 and 0.12.5 of the uv repository and checked
with real uv 0.5.0 to 0.13.9 by ``tests/integration/test_uv_run.py`` and
``tests/integration/test_discovery_differential.py``.

Only the plain case is modelled: one project (a ``pyproject.toml`` with a ``[project]``
table), not a workspace, whose environment is ``.venv`` or ``UV_PROJECT_ENVIRONMENT``.
Everything else (workspaces and their members, a ``pyproject.toml`` without ``[project]``,
``managed = false``) raises ``UndecidableError``.
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError
from uvshim.record import Record
from uvshim.uv.releases import BASE_PYTHON_BY_LANDMARK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.versions import Version

PYPROJECT = "pyproject.toml"


class Project(Record):
    root: str  # the folder holding its pyproject.toml
    requires_python: str | None
    environment: str  # the project environment's folder (it may not exist yet)


def find_project(start: str, environ: Mapping[str, str]) -> Project | None:
    """The project uv finds from ``start`` (the nearest ``pyproject.toml`` above it), or None."""
    folder = start
    while True:
        path = os.path.join(folder, PYPROJECT)
        if os.path.isfile(path):
            return _project_at(folder, _read_toml(path), environ)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _project_at(root: str, data: dict[str, object], environ: Mapping[str, str]) -> Project:
    path = os.path.join(root, PYPROJECT)
    uv = _table(_table(data, "tool", path), "uv", path)
    if "workspace" in uv:
        raise UndecidableError(f"{path} is a workspace root; uv run in workspaces is not "
                               "modelled")
    if uv.get("managed") is False:
        raise UndecidableError(f"{path} sets tool.uv.managed = false")
    if "project" not in data:
        raise UndecidableError(f"{path} has no [project] table; how uv run treats it is not "
                               "modelled")
    _refuse_workspace_above(root)
    requires = _table(data, "project", path).get("requires-python")
    if requires is not None and not isinstance(requires, str):
        raise UndecidableError(f"project.requires-python in {path} is not a string")
    return Project(root, requires, project_environment(root, environ))


def _refuse_workspace_above(root: str) -> None:
    """A project below a workspace root may be one of its members (its ``.venv`` and
    ``requires-python`` are the workspace's): not modelled."""
    folder = os.path.dirname(root)
    while True:
        path = os.path.join(folder, PYPROJECT)
        if os.path.isfile(path):
            uv = _table(_table(_read_toml(path), "tool", path), "uv", path)
            if "workspace" in uv:
                raise UndecidableError(f"{root} may be a member of the workspace at {path}; "
                                       "uv run in workspaces is not modelled")
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def project_environment(root: str, environ: Mapping[str, str]) -> str:
    """``UV_PROJECT_ENVIRONMENT`` (relative to the project root), else ``<root>/.venv``."""
    chosen = environ.get("UV_PROJECT_ENVIRONMENT")
    if chosen:
        if chosen.startswith("~"):
            raise UndecidableError("UV_PROJECT_ENVIRONMENT starts with '~'; not modelled")
        return os.path.normpath(os.path.join(root, chosen))
    return os.path.join(root, ".venv")


def _read_toml(path: str) -> dict[str, object]:
    from uvshim.uv.settings import parse_toml  # noqa: PLC0415  -- tomllib only in a project

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read {path}: {exc}") from None
    return parse_toml(path, text)


def _table(data: dict[str, object], key: str, path: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UndecidableError(f"{key} in {path} is not a table")
    return value


# --- the base interpreter of a virtual environment -------------------------------------------


def environment_python(root: str) -> str | None:
    """The executable uv queries in a virtual environment: ``bin/python3``, else ``bin/python``
    (``virtualenv_python_executable``, unchanged 0.5.0-0.12.5); None when the environment is
    missing or its executable leads nowhere (then uv creates or recreates it)."""
    if not os.path.isfile(os.path.join(root, "pyvenv.cfg")):
        return None
    for name in ("python3", "python"):
        path = os.path.join(root, "bin", name)
        if os.path.lexists(path):
            return path if os.path.isfile(path) else None
    return None


def base_python(executable: str, minor: tuple[int, int], uv_version: Version) -> str:
    """The executable whose bucket holds the cached environments ``uv run --with`` layers on
    a virtual environment whose interpreter is ``executable`` (CPython ``minor``).

    ``sys._base_executable`` of a virtual environment's CPython is the target of its
    executable's links from 3.11 (getpath.py), and the executable itself up to 3.10: checked
    with pyenv's CPython 3.10 to 3.13 in both layouts. Up to 0.5.28 uv uses that; from 0.5.29
    it follows links from there until a folder above holds ``lib/pythonX.Y/os.py``
    (``find_base_python``, ``releases.BASE_PYTHON_BY_LANDMARK``).
    """
    start = os.path.realpath(executable) if minor >= (3, 11) else executable
    if uv_version < BASE_PYTHON_BY_LANDMARK:
        return start
    return follow_to_landmark(start, minor)


def follow_to_landmark(path: str, minor: tuple[int, int]) -> str:
    landmark = os.path.join("lib", f"python{minor[0]}.{minor[1]}", "os.py")
    for _ in range(40):  # uv follows without a bound; a loop makes it fail, and us give up
        if _has_landmark(path, landmark):
            return path
        try:
            target = os.readlink(path)
        except OSError:
            return os.path.realpath(path)  # uv: "Failed to find base Python", then canonical
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    raise UndecidableError(f"{path}: too many levels of links")


def _has_landmark(path: str, landmark: str) -> bool:
    folder = os.path.dirname(path)
    while folder != os.path.dirname(folder):  # every ancestor but the root, as uv
        if os.path.isfile(os.path.join(folder, landmark)):
            return True
        folder = os.path.dirname(folder)
    return False
