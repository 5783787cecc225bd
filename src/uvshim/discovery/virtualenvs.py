"""The virtual environments uv's discovery tries before any installed interpreter when it may
take one (``EnvironmentPreference::Any``, as ``uv run`` outside a project does).

``python_executables_from_virtual_environments`` (``crates/uv-python/src/discovery.rs``) and
``virtualenv_from_env`` / ``virtualenv_from_working_dir`` (``virtualenv.rs``), the same at 0.5.0,
0.6.4 and 0.12.5: ``VIRTUAL_ENV`` when it is set and not empty, then the working folder or its
nearest ancestor that is a virtual environment itself (holds ``pyvenv.cfg``) or holds a
``.venv``. A ``.venv`` without ``pyvenv.cfg`` is an error uv skips, and it ends that walk.
Between the two, an active conda environment that is not the base one (``conda.py`` tells
them apart; the base one comes later, after every virtual environment).
"""

from __future__ import annotations

import os

from uvshim.discovery.conda import base_environment
from uvshim.discovery.shim_resolution import ancestors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from uvshim.versions import Version


def virtualenv_roots(environ: Mapping[str, str], cwd: str,
                     uv: Version) -> Iterator[tuple[str, str, bool]]:
    """Each environment's folder, why uv looks there, and whether that is an explicit source
    (``PythonSource::is_explicit``: active ones are, one found nearby is not), in uv's order."""
    active = environ.get("VIRTUAL_ENV")
    if active:
        yield os.path.join(cwd, active), "the active virtual environment (VIRTUAL_ENV)", True
    conda = environ.get("CONDA_PREFIX")
    if conda and base_environment(environ, uv) is None:
        yield conda, "the active conda environment (CONDA_PREFIX)", True
    nearby = _nearby(cwd)
    if nearby is not None:
        yield nearby, "the virtual environment found from the working folder", False


def _nearby(cwd: str) -> str | None:
    for folder in ancestors(cwd):
        if os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
            return folder
        dot_venv = os.path.join(folder, ".venv")
        if os.path.isdir(dot_venv) or os.path.islink(dot_venv):
            return dot_venv if os.path.isfile(os.path.join(dot_venv, "pyvenv.cfg")) else None
    return None
