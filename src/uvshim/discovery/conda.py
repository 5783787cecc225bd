"""An active conda environment, as ``uvx`` / ``uv tool run`` sees it.

uvx discovers with ``EnvironmentPreference::OnlySystem``, whose candidate chain is the parent
interpreter, then the *base* conda environment, then the managed installations and PATH
(``python_executables`` in ``crates/uv-python/src/discovery.rs``, the same at 0.5.0, 0.6.4,
0.7.13, 0.8.0, 0.8.24, 0.9.30, 0.10.12, 0.11.33 and 0.12.5). A named ("child") conda
environment is looked at only by ``from_virtual_environments``, which that chain leaves out: for
uvx it does not exist (its ``bin`` on PATH is searched like any other folder). The base
environment's ``bin/python3`` (``virtualenv_python_executable``) is tried before everything
else, whatever the python preference orders.

Which of the two ``CONDA_PREFIX`` names is ``CondaEnvironmentKind::from_prefix_path``
(``crates/uv-python/src/virtualenv.rs``), in three forms:

- 0.5.0-0.8.17: base only when ``CONDA_DEFAULT_ENV`` is ``base`` or ``root`` *and* the prefix's
  last component is that same name;
- 0.8.18-0.11.x (``_CONDA_ROOT`` read since 0.8.18): base when ``_CONDA_ROOT`` equals the
  prefix; otherwise child without ``CONDA_DEFAULT_ENV``, child when it equals the prefix as a
  path, base when it is ``base`` or ``root``, child when the prefix's last component is that
  name, base otherwise. From 0.9.9 a prefix holding ``conda-meta/pixi`` is a child first of all.
  From 0.9.29 the preview feature ``special-conda-env-names`` drops the ``base``/``root`` rule;
- 0.12.0 on (read at 0.12.5; 0.12.6-0.13.9 observed the same): the ``base``/``root`` rule is
  gone for good.

Variables are read as Rust's ``env::var`` does: a missing one is unset, an empty one is a value
(only an empty ``CONDA_PREFIX`` counts as unset). Paths compare as Rust's ``Path`` does.
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError
from uvshim.uv.releases import (
    CONDA_BASE_HEURISTICS,
    CONDA_NAME_RULE_PREVIEW,
    CONDA_NAME_RULE_REMOVED,
    PIXI_ENVIRONMENTS,
)
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_SPECIAL_NAMES = ("base", "root")


def base_environment(environ: Mapping[str, str], uv: Version) -> str | None:
    """``CONDA_PREFIX`` when uv takes it for the base environment, else None."""
    prefix = environ.get("CONDA_PREFIX", "")
    if not prefix:
        return None
    if not os.path.isabs(prefix):
        raise UndecidableError(f"CONDA_PREFIX={prefix!r} is not an absolute path")
    if uv < CONDA_BASE_HEURISTICS:
        return prefix if _is_base_by_folder_name(prefix, environ) else None
    return prefix if _is_base(prefix, environ, uv) else None


def _is_base_by_folder_name(prefix: str, environ: Mapping[str, str]) -> bool:
    current = environ.get("CONDA_DEFAULT_ENV")
    if current not in _SPECIAL_NAMES:
        return False
    return _file_name(prefix) == current


def _is_base(prefix: str, environ: Mapping[str, str], uv: Version) -> bool:
    if uv >= PIXI_ENVIRONMENTS and os.path.isfile(os.path.join(prefix, "conda-meta", "pixi")):
        return False
    root = environ.get("_CONDA_ROOT")
    if root is not None and _same_path(prefix, root):
        return True
    current = environ.get("CONDA_DEFAULT_ENV")
    if current is None or _same_path(prefix, current):
        return False
    by_name = _file_name(prefix) not in (None, current)
    if uv < CONDA_NAME_RULE_REMOVED and current in _SPECIAL_NAMES:
        if uv >= CONDA_NAME_RULE_PREVIEW and not by_name:
            raise UndecidableError(
                f"whether conda environment {prefix} is the base one depends on uv's preview "
                "feature special-conda-env-names")
        return True
    return by_name


def _parts(path: str) -> list[str]:
    # Rust's ``Path`` components: repeated separators and inner "." do not count.
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return (["/"] if path.startswith("/") else []) + parts


def _same_path(one: str, other: str) -> bool:
    return _parts(one) == _parts(other)


def _file_name(path: str) -> str | None:
    """``Path::file_name``: the last component unless it is the root or ``..``."""
    parts = _parts(path)
    if not parts or parts[-1] in ("/", ".."):
        return None
    return parts[-1]
