"""Whether ``uv run`` keeps an existing project environment or makes it anew.

A model of the check ``ProjectInterpreter::discover`` makes of the environment it finds
(``crates/uv/src/commands/project/mod.rs``: inline at 0.5.0 and 0.6.4,
``environment_is_usable`` from 0.7.3, ``check_environment_compatibility`` at 0.12.5), checked
with real uv by ``tests/integration/test_discovery_differential.py``. uv keeps it when, in
order:

- from 0.7.3, ``--no-sync`` (or ``UV_NO_SYNC``) is given: it keeps any valid environment,
  compatible or not (#13287);
- from 0.7.0, the version ``pyvenv.cfg`` records is the one its interpreter reports now, to the
  minor or to the patch as recorded (``get_pyvenv_version_conflict``, #13027): an interpreter
  swapped at its base path fails this;
- its interpreter satisfies the Python request (``--python``/``UV_PYTHON``, the pin, else the
  workspace's ``requires-python``: ``PythonRequest::satisfied``);
- its version is in the workspace's ``requires-python``;
- from 0.8.0, under ``only-managed`` or ``only-system``, its base interpreter is of that kind
  (``satisfies_python_preference`` with ``DiscoveredEnvironment``, #7934).

An environment whose executable is no link, and interpreters that are not stable CPython
releases, raise ``UndecidableError``: the caller asks only when the answer changes the bucket.
"""

from __future__ import annotations

import os

from uvshim.discovery.project import environment_python
from uvshim.discovery.request import (
    DEFAULT,
    DIRECTORY,
    FILE,
    IMPLEMENTATION,
    VERSION,
    parse_request,
    requires_python_contains,
    split_version,
)
from uvshim.discovery.search import environment_allowed
from uvshim.environments import read_pyvenv_cfg
from uvshim.errors import UndecidableError
from uvshim.uv.releases import (
    DIRECTORY_SAME_EXECUTABLE,
    NEARBY_ENVIRONMENT_JUDGED,
    NO_SYNC_KEEPS_ENVIRONMENT,
    PYVENV_VERSION_CHECKED,
)
from uvshim.uv.settings import is_true

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.discovery.query import DiscoveryQuery
    from uvshim.interpreter_identity import InterpreterIdentity


def keeps_environment(query: DiscoveryQuery, environment: str, interpreter: InterpreterIdentity,
                      request: str | None, requires_python: str | None) -> bool:
    """Whether uv keeps the project environment at ``environment``, whose interpreter reports
    itself as ``interpreter`` (its base's identity: the same version), for the Python request
    ``request`` (as written) and ``requires_python``."""
    uv = query.uv_version
    if uv >= NO_SYNC_KEEPS_ENVIRONMENT and _no_sync(query):
        return True
    release = _release(interpreter)
    if uv >= PYVENV_VERSION_CHECKED and _recorded_differs(environment, release):
        return False
    if request is not None and not _satisfies(request, release, environment, query):
        return False
    if requires_python is not None \
            and not requires_python_contains(requires_python, ".".join(map(str, release))):
        return False
    return uv < NEARBY_ENVIRONMENT_JUDGED or environment_allowed(query, interpreter)


def _no_sync(query: DiscoveryQuery) -> bool:
    return bool(query.invocation.values("no-sync")) or is_true(query.environ.get("UV_NO_SYNC"))


def _release(interpreter: InterpreterIdentity) -> tuple[int, int, int]:
    parts = split_version(interpreter.version)
    if parts is None or parts[1] or interpreter.implementation != "CPython" \
            or interpreter.gil_disabled or "d" in interpreter.abiflags:
        raise UndecidableError(f"whether uv keeps an environment of {interpreter.sys_executable} "
                               f"(Python {interpreter.version}) is not modelled")
    return parts[0]


def _recorded_differs(environment: str, release: tuple[int, int, int]) -> bool:
    """``get_pyvenv_version_conflict``: ``version``/``version_info`` against the release, to
    as many parts as recorded (two or three); none recorded is no conflict. Other forms (the
    ``virtualenv`` package writes ``3.11.7.final.0``) are not modelled."""
    cfg = read_pyvenv_cfg(os.path.join(environment, "pyvenv.cfg")) or {}
    records = {cfg[key] for key in ("version", "version_info") if key in cfg}
    if len(records) > 1:
        raise UndecidableError(f"{environment}/pyvenv.cfg records two versions; which uv "
                               "reads is not modelled")
    if not records:
        return False
    recorded = records.pop().strip()
    parts = recorded.split(".")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
        raise UndecidableError(f"the version {recorded!r} in {environment}/pyvenv.cfg is not "
                               "modelled")
    return tuple(int(part) for part in parts) != release[: len(parts)]


def _satisfies(request: str, release: tuple[int, int, int], environment: str,
               query: DiscoveryQuery) -> bool:
    """``PythonRequest::satisfied`` (0.5.0-0.12.5) for the environment's interpreter: a version
    or ``cpython`` by its version; a file when it is the environment's executable or its base;
    a folder when it is the environment, or from 0.5.31 (#11290) holds the same executable. uv
    and ``venv`` make the executable a link on Linux, so its base is the file it leads to. A
    name (satisfied by any executable of that name on PATH) is not modelled."""
    parsed = parse_request(request, query.cwd)
    if parsed.kind == DEFAULT:
        return True
    if parsed.kind in (VERSION, IMPLEMENTATION):
        return parsed.version.matches(release)
    executable = environment_python(environment)
    if executable is None or not os.path.islink(executable):
        raise UndecidableError(f"whether {environment} satisfies {request!r} is not modelled")
    if parsed.kind == FILE:
        return _same_file(parsed.path, executable)
    if parsed.kind == DIRECTORY:
        return _same_file(parsed.path, environment) or (
            query.uv_version >= DIRECTORY_SAME_EXECUTABLE
            and _same_file(_python_in(parsed.path), executable))
    raise UndecidableError(f"whether {environment} satisfies the Python request {request!r} "
                           "(a name) is not modelled")


def _same_file(first: str, second: str) -> bool:
    return os.path.exists(first) and os.path.exists(second) and os.path.samefile(first, second)


def _python_in(folder: str) -> str:
    """``virtualenv_python_executable``: ``bin/python3`` when it is there, else ``bin/python``."""
    python3 = os.path.join(folder, "bin", "python3")
    return python3 if os.path.lexists(python3) else os.path.join(folder, "bin", "python")
