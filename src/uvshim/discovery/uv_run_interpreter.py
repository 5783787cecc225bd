"""Which interpreter's bucket ``uv run --with …`` layers its cached environment from.

A model of ``crates/uv/src/commands/project/run.rs`` (read at 0.5.0, 0.5.31, 0.6.4 and
0.12.5): uv finds a base interpreter, then ``CachedEnvironment::from_spec`` takes the base
interpreter of that (``project.base_python`` when it is a virtual environment) and keys the
environment with its path, as for uvx. How the base interpreter is found:

- in a project (``project.find_project``, alone or a workspace's member or root, whichever
  ``--package`` names; not with ``--no-project``): the project environment, if uv keeps it,
  else a new one on the interpreter that discovery finds for the project (``--python``/
  ``UV_PYTHON``, else the workspace root's ``.python-version``, else every member's
  ``requires-python``; ``EnvironmentPreference::OnlySystem``, the search uvx makes); with
  ``--isolated``, a throw-away environment on what the same request finds with
  ``EnvironmentPreference::Any``;
- otherwise (``EnvironmentPreference::Any``): the active or nearby virtual environment, then
  the installed interpreters with virtual environments on PATH among them, the first that
  satisfies ``--python``/``UV_PYTHON`` or a ``.python-version``; a virtual environment
  through its base interpreter. A PATH folder is a virtual environment only through the
  interpreters uv finds in it, so a folder of launchers inside one is not.

Whether uv keeps an existing project environment is ``kept_environment.keeps_environment``
(per release); where it cannot tell (a request by path or name), the check raises
``UndecidableError`` unless the kept environment and one made anew have the same base
interpreter, as after an interpreter swap at one path. Never runs uv; interpreters are
identified through the stat-keyed cache (``identify``).
"""

from __future__ import annotations

import os

from uvshim.discovery.dependency_groups import group_selection
from uvshim.discovery.kept_environment import keeps_environment
from uvshim.discovery.project import (
    Project,
    base_python,
    environment_python,
    find_project,
    follow_to_landmark,
)
from uvshim.discovery.query import RequestedPython
from uvshim.discovery.request import (
    DEFAULT,
    PythonRequest,
    parse_request,
    requires_python_contains,
)
from uvshim.discovery.search import InterpreterChoice, find_interpreter
from uvshim.discovery.shim_resolution import ancestors
from uvshim.discovery.tool_request import explicit_request
from uvshim.discovery.version_files import first_request
from uvshim.errors import InterpreterError, UndecidableError
from uvshim.record import Record
from uvshim.uv.argv import layers_requirements, runs_local_script, runs_remote_script
from uvshim.uv.cache_key import hashed_paths
from uvshim.uv.releases import (
    BASE_PYTHON_BY_LANDMARK,
    ENVIRONMENT_PATH_FILE,
    GLOBAL_PIN_YIELDS_TO_REQUIRES_PYTHON,
    KEY_WITH_PREFIX,
    KEY_WITHOUT_PREFIX,
    LOCAL_SCRIPTS_PERSISTENT,
    UV_RUN_GLOBAL_PIN,
    UV_RUN_ISOLATED_VARIABLE,
    UV_RUN_NO_PROJECT_VARIABLE,
)
from uvshim.uv.settings import is_true, user_config_dir
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.discovery.query import DiscoveryQuery
    from uvshim.interpreter_identity import InterpreterIdentity
    from uvshim.uv.argv import UvInvocation



class NothingCachedError(Exception):
    """This ``uv run`` reuses no cached environment after all (a script without metadata)."""


def choose_uv_run_interpreter(query: DiscoveryQuery) -> InterpreterChoice | None:
    """The interpreter whose bucket holds the environments this ``uv run`` may reuse, or None
    when uv finds none."""
    inv = query.invocation
    _refuse_unmodelled(inv, query)
    project_dir = os.path.join(query.cwd, inv.project) if inv.project else query.cwd
    isolated = _isolated(inv, query)
    if isolated and KEY_WITH_PREFIX <= query.uv_version < KEY_WITHOUT_PREFIX:
        raise NothingCachedError(f"uv {query.uv_version} keys the environments of uv run "
                                 "--isolated by its throw-away environment: none is reused")
    no_project = _no_project(inv, query)
    project = None if no_project else find_project(
        project_dir, query.environ, query.uv_version,
        group_selection(inv, query.environ, query.uv_version), _last(inv.values("package")))
    if project is not None:
        if isolated:
            return _isolated_project(inv, query, project, project_dir)
        return _in_project(inv, query, project, project_dir)
    return _outside_project(inv, query, project_dir)


def _last(values: tuple[str | None, ...]) -> str | None:
    return values[-1] if values else None


def _refuse_unmodelled(inv: UvInvocation, query: DiscoveryQuery) -> None:
    # The same tests as ``argv.reuses_cached_environment``, which let this command through.
    if runs_remote_script(inv):
        raise UndecidableError("uv run of a script from stdin or a URL: its inline metadata "
                               "cannot be read beforehand")
    if runs_local_script(inv):
        _refuse_script(inv, query, inv.command or "")


def _refuse_script(inv: UvInvocation, query: DiscoveryQuery, command: str) -> None:
    """A PEP 723 script has its own environment: up to 0.5.30 a cached one for its
    requirements, from 0.5.31 a persistent one that uv recreates itself."""
    path = os.path.join(query.cwd, command)
    if not _has_inline_metadata(path) and not inv.values("script"):
        if not layers_requirements(inv):
            raise NothingCachedError(f"{command} has no inline metadata: uv runs it without "
                                     "a cached environment")
        return  # a plain Python file, run with --with: as any other command
    if query.uv_version < LOCAL_SCRIPTS_PERSISTENT:
        raise UndecidableError(f"{command} is a PEP 723 script, which uv {query.uv_version} "
                               "keeps as a cached environment; scripts are not modelled")
    raise UndecidableError(f"uv run --with on the PEP 723 script {command}, layered on the "
                           "script's own environment, is not modelled")


def _has_inline_metadata(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return any(line.rstrip() == b"# /// script" for line in handle)
    except OSError:
        return False  # uv treats a missing file as a command, and fails


def _no_project(inv: UvInvocation, query: DiscoveryQuery) -> bool:
    if inv.values("no-project"):
        return True
    variable = query.environ.get("UV_NO_PROJECT")
    if variable and query.uv_version < UV_RUN_NO_PROJECT_VARIABLE:
        raise UndecidableError("UV_NO_PROJECT is set; this uv release is not verified to read it")
    return is_true(variable)


def _isolated(inv: UvInvocation, query: DiscoveryQuery) -> bool:
    read = query.uv_version >= UV_RUN_ISOLATED_VARIABLE
    variable = query.environ.get("UV_ISOLATED") if read else None
    return bool(inv.values("isolated")) or is_true(variable)


# --- in a project --------------------------------------------------------------------------


def _in_project(inv: UvInvocation, query: DiscoveryQuery, project: Project,
                project_dir: str) -> InterpreterChoice | None:
    environment = _project_environment(inv, query, project)
    asked = _project_request(inv, query, project, project_dir)
    kept = _kept_base(environment, query)
    try:
        keep = kept is not None and keeps_environment(
            query, environment, kept[1], asked.text if asked else None, project.requires_python)
    except UndecidableError as exc:
        undecided: UndecidableError | None = exc
        keep = False
    else:
        undecided = None
    if keep and kept is not None:
        return InterpreterChoice(kept[0], kept[1], "the base interpreter of the project "
                                 f"environment {environment}", None, environment)
    fresh = _discover(query, asked)
    if fresh is None:
        if undecided is not None:
            raise undecided
        return None
    made = _base_of_new(fresh, query)
    made_identity = fresh.identity if made == fresh.executable else _identify(query, made)
    # Whether uv keeps the environment or makes it anew on `fresh` does not matter when both
    # bases hash alike, as after an interpreter swap at one path.
    if undecided is not None and kept is not None \
            and not _same_bucket(kept[1], made_identity, query.uv_version, environment):
        raise undecided
    if made == fresh.executable:
        return InterpreterChoice(made, made_identity, fresh.source, fresh.managed_install,
                                 environment)
    return InterpreterChoice(made, made_identity,
                             f"the base interpreter of the project environment {environment}",
                             None, environment)


def _isolated_project(inv: UvInvocation, query: DiscoveryQuery, project: Project,
                      project_dir: str) -> InterpreterChoice | None:
    """``--isolated``: the project's request as for its environment, but searched with
    ``EnvironmentPreference::Any`` (a virtual environment may serve, the project's own
    ``.venv`` among them), and a throw-away environment made on what is found (run.rs,
    0.5.0-0.12.5). Its base interpreter is that of the environment found, or the one found."""
    found = _discover(query, _project_request(inv, query, project, project_dir),
                      virtualenvs=True)
    if found is None:
        return None
    if found.identity.is_virtualenv:
        return _base_of_found(found, query)
    made = _base_of_new(found, query)
    if made == found.executable:
        return found
    return InterpreterChoice(made, _identify(query, made), found.source, None)


def _project_request(inv: UvInvocation, query: DiscoveryQuery, project: Project,
                     project_dir: str) -> _Asked | None:
    """``WorkspacePython::from_request``: ``--python``/``UV_PYTHON``, else the pin, else the
    workspace's ``requires-python``."""
    return _explicit(query) or _pin(inv, query, project_dir, project) \
        or _requires_python(project)


def _project_environment(inv: UvInvocation, query: DiscoveryQuery, project: Project) -> str:
    active = query.environ.get("VIRTUAL_ENV")
    if inv.values("active"):
        if not active:
            raise UndecidableError("uv run --active without VIRTUAL_ENV is not modelled")
        return os.path.join(query.cwd, active)
    return project.environment


def _kept_base(environment: str, query: DiscoveryQuery) -> tuple[str, InterpreterIdentity] | None:
    """The base interpreter of the existing project environment; None when uv has to create
    it (missing, or its interpreter is gone)."""
    if query.uv_version >= ENVIRONMENT_PATH_FILE and os.path.isfile(environment):
        raise UndecidableError(f"the project environment {environment} is a file naming "
                               "another folder, which is not modelled")
    executable = environment_python(environment)
    if executable is None:
        return None
    path = _base_of(executable, query)
    return path, _identify(query, path)


def _base_of_new(fresh: InterpreterChoice, query: DiscoveryQuery) -> str:
    """The base interpreter of an environment uv makes in this run on ``fresh``: uv's own
    record of the executable it made it from (``Interpreter::with_virtualenv``: its
    "base executable for virtual environment", the path as discovered), from 0.5.29 followed to
    a landmark like any other (checked: uv 0.5.0 and 0.6.4 key a project environment made in
    the same run by ``python3`` as discovered, a later run by the link's target)."""
    if query.uv_version < BASE_PYTHON_BY_LANDMARK:
        return fresh.executable
    return follow_to_landmark(fresh.executable, _minor(fresh.identity))


def _same_bucket(kept: InterpreterIdentity, made: InterpreterIdentity, uv: Version,
                 environment: str) -> bool:
    return hashed_paths(kept, uv, environment) == hashed_paths(made, uv, environment)


# --- outside a project ----------------------------------------------------------------------


def _outside_project(inv: UvInvocation, query: DiscoveryQuery,
                     project_dir: str) -> InterpreterChoice | None:
    """``EnvironmentPreference::Any``: the active or nearby virtual environment, then the
    installed interpreters, virtual environments on PATH included; each taken only when it
    satisfies the request (``--python``, ``UV_PYTHON``, else a pin). A virtual environment
    found is the base of ``--with`` through its base interpreter."""
    request = _explicit(query) or _pin(inv, query, project_dir, None)
    found = _discover(query, request, virtualenvs=True)
    if found is None or not found.identity.is_virtualenv:
        return found
    return _base_of_found(found, query)


def _base_of_found(found: InterpreterChoice, query: DiscoveryQuery) -> InterpreterChoice:
    """The base interpreter of the virtual environment discovery found."""
    path = _base_of(found.executable, query)
    return InterpreterChoice(path, _identify(query, path),
                             f"the base interpreter of {found.source}", None,
                             found.identity.prefix)


# --- shared ---------------------------------------------------------------------------------


class _Asked(Record):
    """A Python request as written, and where it came from (for explain's why)."""

    text: str
    origin: str


def _explicit(query: DiscoveryQuery) -> _Asked | None:
    explicit = explicit_request(query)
    return None if explicit is None else _Asked(*explicit)


def _requires_python(project: Project) -> _Asked | None:
    needed = project.requires_python
    if not needed:
        return None
    # A workspace's is that of every member together: named by the project, not one file.
    return _Asked(needed, f"requires-python {needed} of the project at {project.root}")


def _pin(inv: UvInvocation, query: DiscoveryQuery, start: str,
         project: Project | None) -> _Asked | None:
    """The ``.python-version`` (else ``.python-versions``) uv run reads, or None.

    Outside a project: the nearest one from ``start`` up. In a project: only the one in the
    workspace root's folder, not one in a member's or any other folder below it, nor above it
    (checked with every release of the matrix: tests/integration/test_discovery_differential.py).
    Then the global one, from 0.6.7 (#12115). ``--no-config`` leaves every pin unread
    (``PythonVersionFile::discover``, 0.5.0 and 0.12.5).
    """
    if inv.no_config or is_true(query.environ.get("UV_NO_CONFIG")):
        return None
    folders = [project.root] if project is not None else ancestors(start)
    for folder in folders:
        found = _pin_in(folder)
        if found is not None:
            return _asked(_checked_pin(found), f"the .python-version at {found}")
    config = user_config_dir(query.environ, query.uv_version, query.cwd)
    found = _pin_in(os.path.join(config, "uv")) if config else None
    if found is None:
        return None
    if query.uv_version < UV_RUN_GLOBAL_PIN:
        return None
    text = _checked_pin(found)
    if project is not None and query.uv_version >= GLOBAL_PIN_YIELDS_TO_REQUIRES_PYTHON \
            and not _pin_fits(text, project.requires_python):
        return None
    return _asked(text, f"global .python-version ({found})")


def _asked(text: str | None, origin: str) -> _Asked | None:
    return None if text is None else _Asked(text, origin)


def _pin_in(folder: str) -> str | None:
    """``find_in_directory``: ``.python-version`` before ``.python-versions`` (0.5.0-0.12.5);
    of either, the first request counts."""
    for name in (".python-version", ".python-versions"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def _checked_pin(path: str) -> str | None:
    text = first_request(path)
    if text is not None and "/" in text:
        raise UndecidableError(f"the pin {text!r} in {path} is not modelled")
    return text


def _pin_fits(text: str | None, requires_python: str | None) -> bool:
    """Whether a global pin is compatible with the project's ``requires-python``: uv asks
    this only of a pin that is a plain version (``as_pep440_version``)."""
    if text is None or requires_python is None:
        return True
    if not all(part.isdigit() for part in text.split(".")):
        return True
    return requires_python_contains(requires_python, text)


def _discover(query: DiscoveryQuery, asked: _Asked | None, *,
              virtualenvs: bool = False) -> InterpreterChoice | None:
    """uv's search: for a system interpreter (``EnvironmentPreference::OnlySystem``, as uvx),
    or for any (``Any``) with ``virtualenvs``."""
    if asked is None:
        requested = RequestedPython(PythonRequest(DEFAULT), "")
    else:
        requested = RequestedPython(parse_request(asked.text, query.cwd), asked.origin)
    return find_interpreter(query, requested, virtualenvs=virtualenvs)


def _base_of(executable: str, query: DiscoveryQuery) -> str:
    identity = _identify(query, os.path.realpath(executable))
    if identity.implementation != "CPython":
        raise UndecidableError(f"{executable} is {identity.implementation}; only CPython "
                               "virtual environments are modelled")
    return base_python(executable, _minor(identity), query.uv_version)


def _minor(identity: InterpreterIdentity) -> tuple[int, int]:
    major, minor = identity.version.split(".")[:2]
    return int(major), int(minor)


def _identify(query: DiscoveryQuery, path: str) -> InterpreterIdentity:
    try:
        return query.identify(path)
    except InterpreterError as exc:
        raise UndecidableError(f"cannot identify {path}: {exc}") from None
