"""Which interpreter ``uvx`` / ``uv tool run`` will use for one call, worked out without uv.

A model of ``get_or_create_environment`` (``crates/uv/src/commands/tool/run.rs``) and of
``find_python_installation`` with ``EnvironmentPreference::OnlySystem``
(``crates/uv-python/src/discovery.rs``, ``managed.rs``, ``version_files.rs``), read at the tags
0.5.0, 0.5.26, 0.6.4, 0.6.8, 0.7.9, 0.7.14, 0.8.5, 0.8.14, 0.8.24, 0.10.0, 0.10.12, 0.11.8,
0.11.17, 0.12.4 and 0.12.5 of the uv repository, and checked against the real uv binaries by
``tests/integration/test_discovery_differential.py``. Versions after 0.12.5 (up to 0.13.9) have
no source here: their rules are those of 0.12.5, confirmed only by that test.

Reads only the file system (directory listings, stat, readlink, the global ``.python-version``);
interpreters are identified through the ``identify`` callable (a stat-keyed cache). Anything not
modelled with certainty raises ``UndecidableError``.
"""

from __future__ import annotations

import os

from uvshim.discovery.managed import find_managed_pythons, is_managed
from uvshim.discovery.preference import PythonPreference, python_preference
from uvshim.discovery.request import (
    DEFAULT,
    DIRECTORY,
    FILE,
    IMPLEMENTATION,
    NAME,
    PythonRequest,
    prerelease_rank,
    split_version,
)
from uvshim.discovery.tool_request import UvFailsError, is_plain_requirement, tool_request
from uvshim.discovery.version_managers import ShimAware
from uvshim.errors import InterpreterError, UndecidableError
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.record import Record
from uvshim.uv.releases import (
    DEBUG_BUILDS_LAST,
    DIRECTORY_PYTHON_FIRST,
    FREE_THREADED_314_DEFAULT,
    LAST_DIRECTORY_PYTHON3_FIRST,
    MINOR_NAMES_FROM_3_6,
    NEARBY_ENVIRONMENT_JUDGED,
    OLDEST_KNOWN,
    PREFERENCE_JUDGES_PATH,
    PYTHON_SEARCH_PATH,
    SAME_FILE_GROUPS,
    SORTED_EXECUTABLE_NAMES,
    SYSTEM_PREFERS_PATH,
)
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from typing import Final

    from uvshim.discovery.query import DiscoveryQuery, Identify, RequestedPython



class PythonSource:
    """Where discovery found a candidate, named after uv's ``PythonSource`` (plain strings:
    ``enum`` is a dear import on the hot path)."""

    PROVIDED_PATH: Final = "provided path"  # ``--python <file>`` / ``<dir>``
    VIRTUALENV: Final = "virtualenv"  # active (``VIRTUAL_ENV``) or a named conda environment
    DISCOVERED_ENVIRONMENT: Final = "discovered environment"  # a ``.venv`` found nearby
    BASE_CONDA_PREFIX: Final = "base conda prefix"
    SEARCH_PATH: Final = "search path"  # PATH or ``UV_PYTHON_SEARCH_PATH``
    MANAGED: Final = "managed"  # uv's managed installations


class CandidateVerdict:
    """What discovery does with a candidate it identified."""

    USE: Final = "use"
    SKIP: Final = "skip"
    HOLD: Final = "hold"  # a managed interpreter under the system preference: last but one
    FALLBACK: Final = "fallback"  # a managed pre-release or debug build: the last resort


class InterpreterChoice(Record):
    executable: str  # the path exactly as uv discovers it
    identity: InterpreterIdentity
    source: str  # why this one, for ``uvshim explain``
    managed_install: str | None  # the managed installation folder when it is one
    # The virtual environment uv runs in, whose base interpreter ``executable`` is (uv run):
    # uv 0.7.19-0.7.22 hash its prefix into the bucket too (``cache_key.hashed_paths``).
    environment: str | None = None


class _Search(Record):
    """One search: the query, what it looks for, and the preference it judges by."""

    query: DiscoveryQuery
    request: PythonRequest
    preference: str
    identify: Identify  # the query's, seeing a version manager's shim as its interpreter
    virtualenvs: bool  # EnvironmentPreference::Any (uv run) rather than OnlySystem (uvx)

    @property
    def environ(self) -> Mapping[str, str]:
        return self.query.environ

    @property
    def cwd(self) -> str:
        return self.query.cwd

    @property
    def uv(self) -> Version:
        return self.query.uv_version


def choose_tool_run_interpreter(query: DiscoveryQuery) -> InterpreterChoice | None:
    """The interpreter ``uvx`` will build its environment with, or None when it finds none."""
    _refuse_unmodelled_platform(query.environ, query.uv_version)
    try:
        requested = tool_request(query)
    except UvFailsError:
        return None
    choice = _search(query, requested, virtualenvs=False)
    if choice is not None and (requested.request.kind == DEFAULT
                               or requested.origin.startswith("global")):
        inv = query.invocation
        _refuse_a_refined_choice(inv.from_spec if inv.from_spec is not None else inv.command,
                                 query.cwd, choice.identity)
    return choice


def find_interpreter(query: DiscoveryQuery, requested: RequestedPython, *,
                     virtualenvs: bool = False) -> InterpreterChoice | None:
    """uv's search for a request already made, as ``uv run`` makes it; None when it finds
    none. For a system interpreter (``EnvironmentPreference::OnlySystem``, as uvx) or, with
    ``virtualenvs``, the search ``uv run`` makes outside a project, which also takes virtual
    environments: the active or nearby one first, and any found on PATH (``virtualenvs.py``)."""
    _refuse_unmodelled_platform(query.environ, query.uv_version)
    return _search(query, requested, virtualenvs=virtualenvs)


def _search(query: DiscoveryQuery, requested: RequestedPython, *,
            virtualenvs: bool) -> InterpreterChoice | None:
    inv = query.invocation
    preference = python_preference(inv.python_preference, query.config_preference,
                                   query.environ, query.uv_version)
    # A version manager's shim is identified as the interpreter it would exec.
    shims = ShimAware(query.identify, query.environ, query.cwd)
    found = _find(_Search(query, requested.request, preference, shims.identify, virtualenvs))
    if found is None:
        return None
    candidate = found.candidate
    origin = shims.describe(candidate.path, candidate.why)
    why = requested.origin
    return InterpreterChoice(candidate.path, found.identity,
                             f"{why}: {origin}" if why else origin, candidate.managed)


def _refuse_a_refined_choice(target: str | None, cwd: str, identity: InterpreterIdentity
                             ) -> None:
    """uv resolves the tool with the interpreter it found and, when the resolution's
    requires-python excludes it, looks for another one (``refine_interpreter``): which one is
    not modelled. Only a source tree's requires-python can be read without resolving; from
    0.11.17 it is the request itself, so the first interpreter found already satisfies it."""
    if target is None or is_plain_requirement(target):
        return  # a package from an index: only a resolution would tell
    from uvshim.discovery.tool_source import requires_python, source_tree  # noqa: PLC0415

    try:
        folder = source_tree(target, cwd)
    except UndecidableError:
        return  # a Git source: as for a package from an index, only a resolution would tell
    needed = requires_python(folder) if folder is not None else None
    if needed is None:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: PLC0415

    try:
        satisfied = SpecifierSet(needed).contains(identity.version, prereleases=True)
    except InvalidSpecifier:
        satisfied = False
    if not satisfied:
        raise UndecidableError(f"{target!r} requires Python {needed}, which excludes "
                               f"{identity.implementation} {identity.version}: uv looks for "
                               "another interpreter after resolving, and which one is not "
                               "modelled")


def _refuse_unmodelled_platform(environ: Mapping[str, str], uv: Version) -> None:
    if os.name != "posix":
        raise UndecidableError("interpreter discovery is modelled on POSIX only (no registry)")
    # Variables that add interpreters ahead of the search (all versions): a parent interpreter,
    # uv's own test hooks. An active conda environment is modelled (``conda.py``).
    for name in ("UV_INTERNAL__PARENT_INTERPRETER", "UV_TEST_PYTHON_PATH",
                 "UV_INTERNAL__TEST_PYTHON_MANAGED"):
        if environ.get(name):
            raise UndecidableError(f"{name} is set; its effect on discovery is not modelled")
    if uv < OLDEST_KNOWN:
        raise UndecidableError(f"uv {uv} is older than the oldest modelled release, "
                               f"{OLDEST_KNOWN}")


# --- discovery ---------------------------------------------------------------------------

class _Candidate(Record):
    path: str
    source: str  # a ``PythonSource``
    why: str
    managed: str | None = None
    unmodelled: str = ""  # why the shim cannot follow uv should uv reach this candidate


class _Found(Record):
    candidate: _Candidate
    identity: InterpreterIdentity


def _find(search: _Search) -> _Found | None:
    request = search.request
    if request.kind in (FILE, DIRECTORY):
        return _find_provided_path(search)
    if request.kind == NAME:
        if search.preference == PythonPreference.ONLY_MANAGED:
            return None  # SourceNotAllowed: uv fails
        return _first_usable(search, _named_candidates(search))
    return _first_usable(search, _all_candidates(search))


def _all_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """Virtual environments when allowed, the base conda environment, then the installed ones
    (``python_executables``)."""
    if search.virtualenvs:
        from uvshim.discovery.virtualenvs import virtualenv_roots  # noqa: PLC0415

        for root, why, explicit in virtualenv_roots(search.environ, search.cwd, search.uv):
            path = _python_in_directory(root, search.uv)
            source = PythonSource.VIRTUALENV if explicit else PythonSource.DISCOVERED_ENVIRONMENT
            yield [_Candidate(path, source, f"{why}: {root}")]
    prefix = None
    if search.environ.get("CONDA_PREFIX"):  # the model is loaded only for an active conda
        from uvshim.discovery.conda import base_environment  # noqa: PLC0415

        prefix = base_environment(search.environ, search.uv)
    if prefix is not None:
        path = _python_in_directory(prefix, search.uv)
        yield [_Candidate(path, PythonSource.BASE_CONDA_PREFIX,
                          f"the base conda environment ({prefix})")]
    yield from _installed_candidates(search)


def _find_provided_path(search: _Search) -> _Found | None:
    """``--python <file>`` / ``<dir>``: used as given, even in a virtual environment (all)."""
    path = search.request.path
    if search.request.kind == DIRECTORY:
        path = _python_in_directory(path, search.uv)
    if not os.path.exists(path):
        return None
    try:
        identity = search.identify(path)
    except InterpreterError:
        return None
    return _Found(_Candidate(path, PythonSource.PROVIDED_PATH, f"the path {path}"), identity)


def _python_in_directory(folder: str, uv: Version) -> str:
    """``virtualenv_python_executable``: ``bin/python3``, else ``bin/python`` up to 0.12.5
    (source); ``bin/python`` first in 0.12.24 and 0.13.9 (observed; no source after 0.12.5).
    """
    if LAST_DIRECTORY_PYTHON3_FIRST < uv < DIRECTORY_PYTHON_FIRST:
        raise UndecidableError(f"which file uv {uv} takes from a directory is not known")
    names = ("python", "python3") if uv >= DIRECTORY_PYTHON_FIRST else ("python3", "python")
    for name in names:
        path = os.path.join(folder, "bin", name)
        if os.path.exists(path):
            return path
    return os.path.join(folder, "bin", names[0])


def _installed_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """``python_executables_from_installed``: groups of candidates in preference order.

    only-managed: managed installations; managed: managed, then PATH; system: PATH, then
    managed; only-system: PATH (the registry only on Windows). Same in 0.5.0-0.12.5.
    """
    for source in _SOURCES_BY_PREFERENCE[search.preference]:
        if source == PythonSource.MANAGED:
            yield from _managed_candidates(search)
        else:
            yield from _path_candidates(search)


# ``PythonPreference::allows_source`` for the installed sources, in the order they are searched.
_SOURCES_BY_PREFERENCE = {
    PythonPreference.ONLY_MANAGED: (PythonSource.MANAGED,),
    PythonPreference.MANAGED: (PythonSource.MANAGED, PythonSource.SEARCH_PATH),
    PythonPreference.SYSTEM: (PythonSource.SEARCH_PATH, PythonSource.MANAGED),
    PythonPreference.ONLY_SYSTEM: (PythonSource.SEARCH_PATH,),
}


def _managed_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    version = search.request.version
    for python in find_managed_pythons(search.environ, search.cwd, search.uv):
        # ``matches_version`` on the folder's key, before any query (every version).
        if not version.matches(python.version):
            continue
        why = f"managed installation {python.name}"
        problem = python.unmodelled(version)
        if problem:
            yield [_Candidate("", PythonSource.MANAGED, why, python.folder, problem)]
            continue
        executable = python.executable(use_minor_link=not version.has_patch)
        yield [_Candidate(executable, PythonSource.MANAGED, why, python.folder)]


def _search_dirs(search: _Search) -> list[str]:
    # ``UV_PYTHON_SEARCH_PATH`` replaces PATH for discovery from 0.11.8 (#19034), even empty.
    if search.uv >= PYTHON_SEARCH_PATH and "UV_PYTHON_SEARCH_PATH" in search.environ:
        value = search.environ["UV_PYTHON_SEARCH_PATH"]
    else:
        value = search.environ.get("PATH", "")
    return [entry for entry in value.split(os.pathsep) if entry]


def _path_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """``python_executables_from_search_path``: directory by directory, in PATH order.

    In each directory the request's executable names in priority order, then (for a default,
    major-only or range request) every ``python3.N[t]`` file, which are one group sorted by the
    interpreters they turn out to be from 0.12.5 (#21134) and taken in directory order before.
    A directory seen before (same file) is skipped from 0.7.0; that changes no outcome.
    """
    request = search.request
    names = request.version.executable_names(request.implementation,
                                             sorted_names=search.uv >= SORTED_EXECUTABLE_NAMES)
    seen: set[tuple[int, int]] = set()
    for entry in _search_dirs(search):
        folder = os.path.join(search.cwd, entry)
        if not os.path.isdir(folder) or _already_seen(folder, seen):
            continue
        for name in names:
            path = os.path.join(folder, name)
            if _is_executable_file(path):
                yield [_Candidate(path, PythonSource.SEARCH_PATH, f"{name} on PATH ({entry})")]
        minors = _minor_version_files(folder, search)
        if minors:
            yield [_Candidate(path, PythonSource.SEARCH_PATH,
                              f"{os.path.basename(path)} on PATH ({entry})") for path in minors]


def _already_seen(folder: str, seen: set[tuple[int, int]]) -> bool:
    try:
        info = os.stat(folder)
    except OSError:
        return False
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return True
    seen.add(key)
    return False


def _is_executable_file(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _minor_version_files(folder: str, search: _Search) -> list[str]:
    """``find_all_minor``: ``python3.N`` and ``python3.Nt`` files, in directory order.

    Minor versions below 7 are skipped without a query up to 0.10.11, below 6 from 0.10.12.
    With an implementation requested, ``cpython3.N`` would match too; not modelled.
    """
    request = search.request
    if not request.version.scans_minor_names:
        return []
    floor = 6 if search.uv >= MINOR_NAMES_FROM_3_6 else 7
    found = []
    for name in os.listdir(folder):  # readdir order, as Rust's read_dir
        if request.implementation and _is_cpython_name(name):
            raise UndecidableError(f"{folder}/{name}: implementation names are not modelled")
        minor = _minor_of_name(name)
        if minor is None or minor < floor:
            continue
        if request.version.matches_minor(3, minor):
            path = os.path.join(folder, name)
            if _is_executable_file(path):
                found.append(path)
    return found


def _named_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """``--python <name>``: ``which_all(name)`` over PATH (not UV_PYTHON_SEARCH_PATH)."""
    name = search.request.path
    for entry in search.environ.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        path = os.path.join(search.cwd, entry, name)
        if _is_executable_file(path):
            yield [_Candidate(path, PythonSource.SEARCH_PATH, f"{name} on PATH ({entry})")]


# --- choosing among candidates -------------------------------------------------------------


def _first_usable(search: _Search, groups: Iterable[list[_Candidate]]) -> _Found | None:
    """``find_python_installation``: the first acceptable candidate.

    With the system preference a managed interpreter found early is held back until nothing
    else is found (0.8.5+). A managed pre-release (every version) or debug build (0.8.18+) is
    skipped but kept: uv falls back to the first one when nothing else qualifies.
    """
    held_back: _Found | None = None
    fallback: str = ""
    for group in groups:
        for candidate, identity in _identified(search, group):
            verdict = _verdict(search, candidate, identity)
            found = _Found(candidate, identity)
            if verdict == CandidateVerdict.HOLD and held_back is None:
                held_back = found
            elif verdict == CandidateVerdict.FALLBACK:
                fallback = fallback or candidate.path
            elif verdict == CandidateVerdict.USE:
                _refuse_unusual_build(search, identity)
                return found
    if held_back is None and fallback:
        raise UndecidableError(f"uv falls back to {fallback} (a pre-release or debug build), "
                               "which is not modelled")
    if held_back is not None:
        _refuse_unusual_build(search, held_back.identity)
    return held_back


def _identified(search: _Search,
                group: list[_Candidate]) -> list[tuple[_Candidate, InterpreterIdentity]]:
    identified = []
    for candidate in group:
        if candidate.unmodelled:
            # Reached: uv would query it and might take it.
            raise UndecidableError(candidate.unmodelled)
        identity = _identify(search, candidate.path)
        if identity is not None:
            identified.append((candidate, identity))
    if len(group) > 1 and search.uv >= SAME_FILE_GROUPS:
        # Equal-priority files are ordered by installation key, newest first (#21134).
        identified.sort(key=lambda item: _version_key(item[1]), reverse=True)
    return identified


def _identify(search: _Search, path: str) -> InterpreterIdentity | None:
    """The identity, or None for an interpreter uv would skip as broken.

    uv skips one that runs but answers badly (``Error::is_critical`` is false for a bad
    response or exit status) and stops on one it cannot start at all.
    """
    try:
        return search.identify(path)
    except InterpreterError:
        if _starts_like_a_program(path):
            return None
        raise UndecidableError(f"{path} cannot be run; uv may stop there") from None


def _starts_like_a_program(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return head.startswith((b"#!", b"\x7fELF"))


def _minor_of_name(name: str) -> int | None:
    """N of ``python3.N`` or ``python3.Nt`` (one or two digits), else None."""
    if not name.startswith("python3."):
        return None
    digits = name[len("python3."):].removesuffix("t")
    if 1 <= len(digits) <= 2 and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def _is_cpython_name(name: str) -> bool:
    """``^cpython3?\\.\\d``."""
    rest = name.removeprefix("cpython").removeprefix("3")
    return name.startswith("cpython") and rest[:1] == "." and rest[1:2].isdigit()


def _version_parts(identity: InterpreterIdentity) -> tuple[tuple[int, int, int], str]:
    parts = split_version(identity.version)
    if parts is None:
        raise UndecidableError(
            f"{identity.sys_executable} reports Python {identity.version}, not modelled")
    return parts


def _version_key(identity: InterpreterIdentity) -> tuple[object, ...]:
    """PEP 440 order of the versions Python reports: a pre-release before its release."""
    release, pre = _version_parts(identity)
    return (release, (0, *(prerelease_rank(pre) or ())) if pre else (1,))


def _verdict(search: _Search, candidate: _Candidate, identity: InterpreterIdentity) -> str:
    """A ``CandidateVerdict``: the request, then the opt-in rules, then the preference."""
    if identity.is_virtualenv and not search.virtualenvs:
        return CandidateVerdict.SKIP  # EnvironmentPreference::OnlySystem, every version
    if search.request.kind == NAME:
        return _allows_installation(search, candidate, identity)
    if not _satisfies_request(search, candidate, identity):
        return CandidateVerdict.SKIP
    opt_in = _opt_in_verdict(search, candidate, identity)
    if opt_in != CandidateVerdict.USE:
        return opt_in
    return _allows_installation(search, candidate, identity)


def _satisfies_request(search: _Search, candidate: _Candidate,
                       identity: InterpreterIdentity) -> bool:
    """``VersionRequest::matches_installation`` (0.5.0-0.12.5, the same rules).

    For a conda base prefix a default request becomes ``Any`` (``into_request_for_source``):
    any version, variant or implementation there will do. Otherwise the version must match;
    a patch request wants a final release; a free-threaded build needs opt-in up to Python 3.13,
    and from 3.14 on satisfies the default variant from uv 0.9.0 (#16142).
    """
    request = search.request
    if candidate.source in _ANY_PYTHON_THERE and request.kind == DEFAULT:
        return True  # ``into_request_for_source``: a default request is any Python there
    release, pre = _version_parts(identity)
    version = request.version
    if not version.matches(release) or (pre and version.has_patch):
        return False
    if pre and version.kind == "range":
        raise UndecidableError(f"{identity.sys_executable} is Python {identity.version}: "
                               "ranges against pre-releases are not modelled")
    if identity.gil_disabled and (release[:2] < (3, 14) or search.uv < FREE_THREADED_314_DEFAULT):
        return False
    return request.kind != IMPLEMENTATION or identity.implementation == "CPython"


# Sources where a default request is any Python (``into_request_for_source``).
_ANY_PYTHON_THERE = (PythonSource.BASE_CONDA_PREFIX, PythonSource.VIRTUALENV,
                     PythonSource.DISCOVERED_ENVIRONMENT)
_DEFAULT_NAMES = ("python", "python3")  # ``VersionRequest::Default.executable_names`` on Unix


def _opt_in_verdict(search: _Search, candidate: _Candidate,
                    identity: InterpreterIdentity) -> str:
    """The opt-in rules of ``find_python_installation`` for the requests modelled here.

    A conda prefix allows pre-releases, debug builds and other implementations. Elsewhere an
    interpreter found on PATH whose ``sys.executable`` has a default name (``python``,
    ``python3``) counts as opted in (0.4.16+). Other implementations are skipped otherwise
    (managed PyPy/GraalPy, a ``python3.N`` link to PyPy). A managed pre-release is skipped but
    kept as the last resort (every version); a managed debug build too from 0.8.18 (#11520).
    Pre-releases and debug builds on PATH are taken there (``SearchPath`` allows both); that
    choice is then refused as unmodelled by ``_refuse_unusual_build``.
    """
    if candidate.source in _ANY_PYTHON_THERE:
        return CandidateVerdict.USE  # they allow pre-releases, debug builds, other implementations
    default_name = candidate.source == PythonSource.SEARCH_PATH \
        and os.path.basename(identity.sys_executable) in _DEFAULT_NAMES
    if identity.implementation != "CPython":
        return CandidateVerdict.USE if default_name else CandidateVerdict.SKIP
    _, pre = _version_parts(identity)
    debug = "d" in identity.abiflags
    managed = candidate.source == PythonSource.MANAGED
    if managed and (pre or (debug and search.uv >= DEBUG_BUILDS_LAST)):
        return CandidateVerdict.FALLBACK
    if managed and debug:
        raise UndecidableError(f"{candidate.path} is a managed debug build: uv {search.uv} "
                               "is not modelled for it")
    return CandidateVerdict.USE


def _refuse_unusual_build(search: _Search, identity: InterpreterIdentity) -> None:
    """The interpreter uv will use must be a final, GIL, non-debug CPython release."""
    _, pre = _version_parts(identity)
    what = ""
    if identity.implementation != "CPython":
        what = identity.implementation
    elif identity.gil_disabled or "d" in identity.abiflags:
        what = "a free-threaded or debug build"
    elif pre:
        what = f"a pre-release ({identity.version})"
    if what:
        raise UndecidableError(f"uv {search.uv} would use {identity.sys_executable}, which is "
                               f"{what}; environments of such interpreters are not modelled")


def _allows_installation(search: _Search, candidate: _Candidate,
                         identity: InterpreterIdentity) -> str:
    """``PythonPreference::allows_installation``, as a verdict: a managed installation is
    allowed (its source passed ``allows_source``); the other sources are judged below."""
    if candidate.source == PythonSource.MANAGED:
        return CandidateVerdict.USE
    if candidate.source == PythonSource.VIRTUALENV:
        return CandidateVerdict.USE  # an explicit source: every preference allows it
    if candidate.source == PythonSource.DISCOVERED_ENVIRONMENT:
        return _allows_discovered_environment(search, identity)
    if candidate.source == PythonSource.BASE_CONDA_PREFIX:
        return _allows_base_conda_prefix(search, identity)
    return _allows_interpreter(search, identity)


def _allows_interpreter(search: _Search, identity: InterpreterIdentity) -> str:
    """An interpreter on PATH: from 0.10.12 judged by what it is, managed or not
    (``PythonPreference::allows_interpreter``); under the system preference a managed one is
    held back behind the system ones (0.8.5+)."""
    managed = is_managed(identity, search.environ, search.cwd, search.uv)
    if search.uv >= PREFERENCE_JUDGES_PATH:
        if search.preference == PythonPreference.ONLY_MANAGED and not managed:
            return CandidateVerdict.SKIP
        if search.preference == PythonPreference.ONLY_SYSTEM and managed:
            return CandidateVerdict.SKIP
    held = search.preference == PythonPreference.SYSTEM and search.uv >= SYSTEM_PREFERS_PATH
    if held and managed:
        return CandidateVerdict.HOLD
    return CandidateVerdict.USE


def _allows_discovered_environment(search: _Search, identity: InterpreterIdentity) -> str:
    """A ``.venv`` found nearby is no explicit source: from 0.8.0 an only- preference judges
    it by its base interpreter, managed or not (``satisfies_python_preference``, #7934; from
    0.10.12 ``allows_installation``, the same rule); before, every preference allows it."""
    only = (PythonPreference.ONLY_MANAGED, PythonPreference.ONLY_SYSTEM)
    if search.preference not in only or search.uv < NEARBY_ENVIRONMENT_JUDGED:
        return CandidateVerdict.USE
    return _only_kind_allowed(search, identity)


def environment_allowed(query: DiscoveryQuery, identity: InterpreterIdentity) -> bool:
    """Whether the preference allows a virtual environment uv found rather than was named,
    such as the project's, whose base interpreter is ``identity``."""
    inv = query.invocation
    preference = python_preference(inv.python_preference, query.config_preference,
                                   query.environ, query.uv_version)
    search = _Search(query, PythonRequest(DEFAULT), preference, query.identify, True)
    return _allows_discovered_environment(search, identity) == CandidateVerdict.USE


def _only_kind_allowed(search: _Search, identity: InterpreterIdentity) -> str:
    """Under only-managed or only-system, an interpreter of that kind is used, another
    skipped (``PythonPreference::allows_interpreter``)."""
    managed = is_managed(identity, search.environ, search.cwd, search.uv)
    allowed = managed == (search.preference == PythonPreference.ONLY_MANAGED)
    return CandidateVerdict.USE if allowed else CandidateVerdict.SKIP


def _allows_base_conda_prefix(search: _Search, identity: InterpreterIdentity) -> str:
    """``BaseCondaPrefix`` is no source a preference filters (``allows_source``) and not an
    explicit one: from 0.10.12 ``allows_installation`` judges it by what it is, so only-managed
    skips it unless it is managed and only-system skips it if it is."""
    preference = search.preference
    if preference in (PythonPreference.MANAGED, PythonPreference.SYSTEM):
        return CandidateVerdict.USE
    if search.uv >= PREFERENCE_JUDGES_PATH:
        return _only_kind_allowed(search, identity)
    if preference == PythonPreference.ONLY_MANAGED:
        raise UndecidableError(f"the base conda environment under only-managed is not modelled "
                               f"for uv {search.uv}")
    return CandidateVerdict.USE
