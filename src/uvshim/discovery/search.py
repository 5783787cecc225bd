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

from uvshim.discovery.conda import base_environment
from uvshim.discovery.identity import InterpreterIdentity
from uvshim.discovery.request import (
    DEFAULT,
    DIRECTORY,
    FILE,
    IMPLEMENTATION,
    NAME,
    VERSION,
    PythonRequest,
    VersionRequest,
    is_release,
    parse_request,
    parse_tool_name,
    parse_version,
)
from uvshim.discovery.tool_source import requires_python, source_tree
from uvshim.errors import InterpreterError, UndecidableError
from uvshim.record import Record
from uvshim.uv.releases import GLOBAL_PIN, INFERS_REQUIRES_PYTHON
from uvshim.uv.settings import home_folder, user_config_dir
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    Identify = Callable[[str], InterpreterIdentity]

PREFERENCES = ("only-managed", "managed", "system", "only-system")
_PLAIN_REQUIREMENT = (r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"
                      r"(\[[A-Za-z0-9._,\s-]*\])?"
                      r"(\s*(===|==|!=|~=|<=|>=|<|>)[^/\\@;]*)?$")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


class InterpreterChoice(Record):
    executable: str  # the path exactly as uv discovers it
    identity: InterpreterIdentity
    source: str  # why this one, for ``uvshim explain``
    managed_install: str | None  # the managed installation folder when it is one


class _UvFailsError(Exception):
    """uv stops with an error before it uses any interpreter."""


class _Search(Record):
    """What one discovery reads: the request, the preference and the process context."""

    request: PythonRequest
    preference: str
    environ: Mapping[str, str]
    cwd: str
    uv: Version
    identify: Identify


def choose_interpreter(*, python_flag: str | None, command: str | None, from_spec: str | None,
                       preference_flag: str | None, config_preference: str | None,
                       environ: Mapping[str, str], cwd: str, uv_version: Version,
                       identify: Identify) -> InterpreterChoice | None:
    """The interpreter ``uvx`` will build its environment with, or None when it finds none."""
    _refuse_unmodelled_platform(environ, uv_version)
    try:
        request, why = _python_request(python_flag, command, from_spec, environ=environ,
                                      cwd=cwd, uv=uv_version)
        preference = _python_preference(preference_flag, config_preference, environ, uv_version)
    except _UvFailsError:
        return None
    search = _Search(request, preference, environ, cwd, uv_version, identify)
    found = _find(search)
    if found is None:
        return None
    executable, identity, origin, managed = found
    if request.kind == DEFAULT or why.startswith("global"):
        _refuse_a_refined_choice(from_spec if from_spec is not None else command, cwd,
                                 identity)
    return InterpreterChoice(executable, identity, f"{why}: {origin}" if why else origin, managed)


def _refuse_a_refined_choice(target: str | None, cwd: str, identity: InterpreterIdentity
                             ) -> None:
    """uv resolves the tool with the interpreter it found and, when the resolution's
    requires-python excludes it, looks for another one (``refine_interpreter``): which one is
    not modelled. Only a source tree's requires-python can be read without resolving; from
    0.11.17 it is the request itself, so the first interpreter found already satisfies it."""
    try:
        folder = source_tree(target, cwd) if target is not None else None
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
    if uv < Version("0.5.0"):
        raise UndecidableError(f"uv {uv} is older than the oldest modelled release, 0.5.0")


# --- the request -------------------------------------------------------------------------


def _python_request(python_flag: str | None, command: str | None, from_spec: str | None, *,
                    environ: Mapping[str, str], cwd: str,
                    uv: Version) -> tuple[PythonRequest, str]:
    """The request uvx discovers with, and where it came from (``run.rs``, ``common.rs``)."""
    explicit, explicit_why = _explicit_request(python_flag, environ)
    target = from_spec if from_spec is not None else command
    tool = parse_tool_name(target, uv) if target is not None else None
    if tool is not None and tool.kind != DEFAULT and explicit is not None:
        # "Received multiple Python version requests" (0.5.26+).
        raise _UvFailsError
    if explicit is not None:
        return parse_request(explicit, cwd), explicit_why
    if tool is not None and tool.kind != DEFAULT:
        return tool, f"tool target {target}"
    return _implicit_request(target, tool is not None, environ, cwd, uv)


def _explicit_request(python_flag: str | None,
                      environ: Mapping[str, str]) -> tuple[str | None, str]:
    # ``--python`` has ``env = UV_PYTHON`` (clap) in every version; an empty value is unset.
    if python_flag:
        return python_flag, f"--python {python_flag}"
    value = environ.get("UV_PYTHON", "")
    if value:
        return value, f"UV_PYTHON={value}"
    return None, ""


def _implicit_request(target: str | None, is_python_target: bool, environ: Mapping[str, str],
                      cwd: str, uv: Version) -> tuple[PythonRequest, str]:
    """Without a request: the global pin (0.10.0+), and from 0.11.17 the static
    ``requires-python`` of a source tree (``tool_source``), which the pin yields to when they
    do not intersect."""
    inferred = None
    if uv >= INFERS_REQUIRES_PYTHON and target is not None and not is_python_target \
            and not _is_plain_requirement(target):
        folder = source_tree(target, cwd)
        inferred = requires_python(folder) if folder is not None else None
    pinned = _global_pin(environ) if uv >= GLOBAL_PIN else None
    if pinned is not None and inferred is not None:
        # ``intersects_requires_python``: a range intersection of release specifiers.
        raise UndecidableError(f"both a global Python pin and {target!r}'s requires-python "
                               f"({inferred}) apply, and their intersection is not modelled")
    if pinned is not None:
        return pinned
    if inferred is not None:
        version = parse_version(inferred)
        if version is None:
            raise UndecidableError(f"requires-python {inferred!r} of {target!r} is not modelled")
        return PythonRequest(VERSION, version=version), f"requires-python {inferred} of {target}"
    return PythonRequest(DEFAULT), ""


def _is_plain_requirement(target: str) -> bool:
    name, _, version = target.partition("@")
    if "/" in version:
        return False
    if name and set(name) <= _NAME_CHARS and name[0].isalnum() and name[-1].isalnum():
        return True  # a bare package name, the common case, without importing ``re``
    import re  # noqa: PLC0415

    return re.match(_PLAIN_REQUIREMENT, name) is not None


def _global_pin(environ: Mapping[str, str]) -> tuple[PythonRequest, str] | None:
    """The global ``.python-version`` (0.10.0+, #14112; never a local one, even --no-config).

    ``PythonVersionFile::discover(.., with_no_local(true))``: ``<config>/uv/.python-version``,
    else ``.python-versions``; its first line that is neither blank nor a comment, untrimmed.
    """
    config = user_config_dir(environ)  # read only by 0.10.0+, which ignore an empty HOME
    if config is None:
        return None
    folder = os.path.join(config, "uv")
    for name in (".python-version", ".python-versions"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return _read_pin(path)
    return None


def _read_pin(path: str) -> tuple[PythonRequest, str] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read the global Python pin {path}: {exc}") from None
    for line in lines:
        if line.strip() and not line.strip().startswith("#"):
            if line != line.strip():
                raise UndecidableError(f"the pin {line!r} in {path} has surrounding blanks")
            # uv resolves a relative path in the pin against its working directory, but a
            # pin holding a path is rare enough to leave to uv.
            request = parse_request(line, "/")
            if request.kind in (FILE, DIRECTORY):
                raise UndecidableError(f"the global pin {path} holds a path")
            return request, f"global .python-version ({path})"
    return None


# --- the preference ----------------------------------------------------------------------


def _python_preference(flag: str | None, config: str | None, environ: Mapping[str, str],
                       uv: Version) -> str:
    """``resolve_python_preference`` (``crates/uv/src/settings.rs``).

    ``--managed-python`` / ``UV_MANAGED_PYTHON`` mean only-managed and ``--no-managed-python`` /
    ``UV_NO_MANAGED_PYTHON`` only-system, from 0.6.8 (clap ``env``; 0.6.4 ignores both
    variables); they beat ``--python-preference`` / ``UV_PYTHON_PREFERENCE`` (all versions),
    which beats ``python-preference`` in uv.toml; the default is managed.
    """
    from_variables = _preference_from_variables(environ, uv)
    if flag is not None:
        _check_preference(flag, "the preference flag")
        if from_variables not in (None, flag):
            raise UndecidableError(f"the preference flag {flag} disagrees with the environment")
        return flag
    if from_variables is not None:
        return from_variables
    value = environ.get("UV_PYTHON_PREFERENCE", "") or config or "managed"
    _check_preference(value, "the python preference")
    return value


def _preference_from_variables(environ: Mapping[str, str], uv: Version) -> str | None:
    if uv < Version("0.6.8"):
        return None
    managed = _boolish(environ, "UV_MANAGED_PYTHON")
    unmanaged = _boolish(environ, "UV_NO_MANAGED_PYTHON")
    if managed and unmanaged:
        raise UndecidableError("both UV_MANAGED_PYTHON and UV_NO_MANAGED_PYTHON are set")
    if (managed or unmanaged) and environ.get("UV_PYTHON_PREFERENCE"):
        raise UndecidableError("UV_PYTHON_PREFERENCE conflicts with UV_(NO_)MANAGED_PYTHON")
    if managed:
        return "only-managed"
    return "only-system" if unmanaged else None


def _boolish(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name)
    if value is None:
        return False
    if value.lower() in ("1", "true"):
        return True
    if value.lower() in ("0", "false"):
        return False
    # clap's falsey parser (<=0.10) and uv's own boolish parser differ on other spellings.
    raise UndecidableError(f"{name}={value!r} is not modelled")


def _check_preference(value: str, what: str) -> None:
    if value not in PREFERENCES:
        raise UndecidableError(f"{what} {value!r} is not one uv accepts")


# --- discovery ---------------------------------------------------------------------------

_Found = tuple[str, InterpreterIdentity, str, "str | None"]


def _find(search: _Search) -> _Found | None:
    request = search.request
    if request.kind in (FILE, DIRECTORY):
        return _find_provided_path(search)
    if request.kind == NAME:
        if search.preference == "only-managed":
            return None  # SourceNotAllowed: uv fails
        return _first_usable(search, _named_candidates(search))
    return _first_usable(search, _all_candidates(search))


def _all_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """The base conda environment first, then the installed ones (``python_executables``)."""
    prefix = base_environment(search.environ, search.uv)
    if prefix is not None:
        path = _python_in_directory(prefix, search.uv)
        yield [_Candidate(path, "conda", f"the base conda environment ({prefix})")]
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
    return path, identity, f"the path {path}", None


def _python_in_directory(folder: str, uv: Version) -> str:
    """``virtualenv_python_executable``: ``bin/python3``, else ``bin/python`` up to 0.12.5
    (source); ``bin/python`` first in 0.12.24 and 0.13.9 (observed; no source after 0.12.5).
    """
    if Version("0.12.5") < uv < Version("0.12.24"):
        raise UndecidableError(f"which file uv {uv} takes from a directory is not known")
    names = ("python", "python3") if uv >= Version("0.12.24") else ("python3", "python")
    for name in names:
        path = os.path.join(folder, "bin", name)
        if os.path.exists(path):
            return path
    return os.path.join(folder, "bin", names[0])


class _Candidate(Record):
    path: str
    origin: str  # "managed", "search path" or "conda"
    why: str
    managed: str | None = None
    unmodelled: str = ""  # why the shim cannot follow uv should uv reach this candidate


def _installed_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    """``python_executables_from_installed``: groups of candidates in preference order.

    only-managed: managed installations; managed: managed, then PATH; system: PATH, then
    managed; only-system: PATH (the registry only on Windows). Same in 0.5.0-0.12.5.
    """
    order = {"only-managed": ("managed",), "managed": ("managed", "path"),
             "system": ("path", "managed"), "only-system": ("path",)}[search.preference]
    for part in order:
        yield from (_managed_candidates(search) if part == "managed" else _path_candidates(search))


def _managed_candidates(search: _Search) -> Iterator[list[_Candidate]]:
    version = search.request.version
    for python in find_managed_pythons(search.environ, search.cwd, search.uv):
        # ``matches_version`` on the folder's key, before any query (every version).
        if not version.matches(python.version):
            continue
        why = f"managed installation {python.name}"
        problem = python.unmodelled(version)
        if problem:
            yield [_Candidate("", "managed", why, python.folder, problem)]
            continue
        executable = python.executable(use_minor_link=not version.has_patch)
        yield [_Candidate(executable, "managed", why, python.folder)]


def _search_dirs(search: _Search) -> list[str]:
    # ``UV_PYTHON_SEARCH_PATH`` replaces PATH for discovery from 0.11.8 (#19034), even empty.
    if search.uv >= Version("0.11.8") and "UV_PYTHON_SEARCH_PATH" in search.environ:
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
                                             sorted_names=search.uv >= Version("0.5.2"))
    seen: set[tuple[int, int]] = set()
    for entry in _search_dirs(search):
        folder = os.path.join(search.cwd, entry)
        if not os.path.isdir(folder) or _already_seen(folder, seen):
            continue
        shown = _display_dir(entry)
        for name in names:
            path = os.path.join(folder, name)
            if _is_executable_file(path):
                yield [_Candidate(path, "search path", f"{name} on PATH ({shown})")]
        minors = _minor_version_files(folder, search)
        if minors:
            yield [_Candidate(path, "search path", f"{os.path.basename(path)} on PATH ({shown})")
                   for path in minors]


def _display_dir(entry: str) -> str:
    return entry


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
    floor = 6 if search.uv >= Version("0.10.12") else 7
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
            yield [_Candidate(path, "search path", f"{name} on PATH ({entry})")]


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
            found = (candidate.path, identity, candidate.why, candidate.managed)
            if verdict == "hold" and held_back is None:
                held_back = found
            elif verdict == "fallback":
                fallback = fallback or candidate.path
            elif verdict == "use":
                _refuse_unusual_build(search, identity)
                return found
    if held_back is None and fallback:
        raise UndecidableError(f"uv falls back to {fallback} (a pre-release or debug build), "
                               "which is not modelled")
    if held_back is not None:
        _refuse_unusual_build(search, held_back[1])
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
    if len(group) > 1 and search.uv >= Version("0.12.5"):
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


def split_version(text: str) -> tuple[tuple[int, int, int], str] | None:
    """``3.12.1`` -> ((3, 12, 1), ""); ``3.14.0rc1`` -> ((3, 14, 0), "rc1"); else None.

    Only the forms Python reports and python-build-standalone names: a three-part release and
    an optional ``a``/``b``/``rc`` pre-release with its number.
    """
    end = len(text)
    for index, char in enumerate(text):
        if not (char.isdigit() or char == "."):
            end = index
            break
    release, pre = text[:end], text[end:]
    if release.count(".") != 2 or not is_release(release):
        return None
    if pre and _pre_rank(pre) is None:
        return None
    major, minor, patch = (int(part) for part in release.split("."))
    return (major, minor, patch), pre


def _pre_rank(pre: str) -> tuple[int, int] | None:
    for rank, label in enumerate(("a", "b", "rc")):
        number = pre[len(label):]
        if pre.startswith(label) and number.isascii() and number.isdigit():
            return rank, int(number)
    return None


def _version_parts(identity: InterpreterIdentity) -> tuple[tuple[int, int, int], str]:
    parts = split_version(identity.version)
    if parts is None:
        raise UndecidableError(
            f"{identity.sys_executable} reports Python {identity.version}, not modelled")
    return parts


def _version_key(identity: InterpreterIdentity) -> tuple[object, ...]:
    """PEP 440 order of the versions Python reports: a pre-release before its release."""
    release, pre = _version_parts(identity)
    return (release, (0, *(_pre_rank(pre) or ())) if pre else (1,))


def _verdict(search: _Search, candidate: _Candidate, identity: InterpreterIdentity) -> str:
    """"use", "skip", "hold" (a managed interpreter under the system preference) or
    "fallback" (a managed pre-release or debug build, used only when nothing else is found)."""
    if identity.is_virtualenv:
        return "skip"  # EnvironmentPreference::OnlySystem, every version
    if search.request.kind == NAME:
        return _preference_verdict(search, candidate, identity)
    if not _satisfies_request(search, candidate, identity):
        return "skip"
    opt_in = _opt_in_verdict(search, candidate, identity)
    if opt_in != "use":
        return opt_in
    return _preference_verdict(search, candidate, identity)


def _satisfies_request(search: _Search, candidate: _Candidate,
                       identity: InterpreterIdentity) -> bool:
    """``VersionRequest::matches_installation`` (0.5.0-0.12.5, the same rules).

    For a conda base prefix a default request becomes ``Any`` (``into_request_for_source``):
    any version, variant or implementation there will do. Otherwise the version must match;
    a patch request wants a final release; a free-threaded build needs opt-in up to Python 3.13,
    and from 3.14 on satisfies the default variant from uv 0.9.0 (#16142).
    """
    request = search.request
    if candidate.origin == "conda" and request.kind == DEFAULT:
        return True
    release, pre = _version_parts(identity)
    version = request.version
    if not version.matches(release) or (pre and version.has_patch):
        return False
    if pre and version.kind == "range":
        raise UndecidableError(f"{identity.sys_executable} is Python {identity.version}: "
                               "ranges against pre-releases are not modelled")
    if identity.gil_disabled and (release[:2] < (3, 14) or search.uv < Version("0.9.0")):
        return False
    return request.kind != IMPLEMENTATION or identity.implementation == "CPython"


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
    if candidate.origin == "conda":
        return "use"
    default_name = candidate.origin == "search path" \
        and os.path.basename(identity.sys_executable) in _DEFAULT_NAMES
    if identity.implementation != "CPython":
        return "use" if default_name else "skip"
    _, pre = _version_parts(identity)
    debug = "d" in identity.abiflags
    if candidate.origin == "managed" and (pre or (debug and search.uv >= Version("0.8.18"))):
        return "fallback"
    if candidate.origin == "managed" and debug:
        raise UndecidableError(f"{candidate.path} is a managed debug build: uv {search.uv} "
                               "is not modelled for it")
    return "use"


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


def _preference_verdict(search: _Search, candidate: _Candidate,
                        identity: InterpreterIdentity) -> str:
    if candidate.origin == "managed":
        return "use"
    if candidate.origin == "conda":
        return _conda_preference_verdict(search, identity)
    managed = is_managed(identity, search.environ, search.cwd, search.uv)
    # 0.10.12+: an interpreter found on PATH is also judged by what it is
    # (``PythonPreference::allows_interpreter``).
    if search.uv >= Version("0.10.12"):
        if search.preference == "only-managed" and not managed:
            return "skip"
        if search.preference == "only-system" and managed:
            return "skip"
    if search.preference == "system" and managed and search.uv >= Version("0.8.5"):
        return "hold"
    return "use"


def _conda_preference_verdict(search: _Search, identity: InterpreterIdentity) -> str:
    """``BaseCondaPrefix`` is no source a preference filters (``allows_source``) and not an
    explicit one: from 0.10.12 ``allows_installation`` judges it by what it is, so only-managed
    skips it unless it is managed and only-system skips it if it is."""
    preference = search.preference
    if preference in ("managed", "system"):
        return "use"
    managed = is_managed(identity, search.environ, search.cwd, search.uv)
    if search.uv >= Version("0.10.12"):
        return "use" if managed == (preference == "only-managed") else "skip"
    if preference == "only-managed":
        raise UndecidableError(f"the base conda environment under only-managed is not modelled "
                               f"for uv {search.uv}")
    return "use"


# --- managed installations -----------------------------------------------------------------

_KEY_PARTS = ("impl", "version", "os", "arch", "libc")


def _parse_key(name: str) -> dict[str, str] | None:
    """``{implementation}-{version}[+variant]-{os}-{arch}-{libc}`` (``PythonInstallationKey``):
    five non-empty dash-free parts, implementation and os in lower-case letters."""
    parts = name.split("-")
    if len(parts) != len(_KEY_PARTS) or not all(parts):
        return None
    key = dict(zip(_KEY_PARTS, parts))
    if not all("a" <= char <= "z" for char in key["impl"] + key["os"]):
        return None
    return key


# Implementations and variants in the order uv sorts installation keys, newest key first
# (``impl Ord for PythonInstallationKey``, ``managed.rs`` ``find_all``; read at 0.12.5): CPython
# before PyPy and GraalPy, then the version (a pre-release before its final release), then
# the default variant before the others; up to 0.6.12 the other variants came first (seen with
# real 0.5.0 and 0.6.4). The order decides which interpreter is *queried* first; each is then
# judged by what it reports.
_IMPLEMENTATIONS = ("cpython", "pypy", "graalpy")
_VARIANTS = ("", "debug", "freethreaded", "freethreaded+debug")


class ManagedPython(Record):
    folder: str  # absolute, as ``std::path::absolute`` makes it
    name: str
    version: tuple[int, int, int]
    uv: Version
    implementation: str = "cpython"
    prerelease: str = ""  # "rc1"
    variant: str = ""  # "freethreaded", "debug", "freethreaded+debug"
    other_platform: bool = False  # an arch or libc of this OS the host may or may not run

    @property
    def is_plain(self) -> bool:
        return (self.implementation, self.prerelease, self.variant) == ("cpython", "", "")

    def order(self) -> tuple[object, ...]:
        pre = (0, *(_pre_rank(self.prerelease) or ())) if self.prerelease else (1,)
        implementation = -_IMPLEMENTATIONS.index(self.implementation) \
            if self.implementation in _IMPLEMENTATIONS else -9
        variant = -_VARIANTS.index(self.variant) if self.variant in _VARIANTS else -9
        if self.uv < Version("0.6.13"):
            variant = -variant  # ``self.variant.cmp(..)`` not yet reversed: variants first
        return implementation, self.version, pre, variant

    def unmodelled(self, request: VersionRequest) -> str:
        """Why the shim cannot follow uv should uv reach this installation, else ""."""
        executable = self.executable(use_minor_link=False)
        problems = (
            (self.other_platform, "is built for another architecture or libc"),
            (self.implementation not in _IMPLEMENTATIONS or self.variant not in _VARIANTS,
             "is of a kind not modelled"),
            ("debug" in self.variant and self.uv < Version("0.8.18"),
             "is a debug build, not modelled before uv 0.8.18"),
            (bool(self.prerelease) and request.kind == "range",
             "is a pre-release, not modelled against a range request"),
            (not self.is_plain and self._minor_link() is not None,
             "has a minor-version link, not modelled for variants"),
            (not os.path.isfile(executable), f"has no {os.path.basename(executable)}"),
        )
        for applies, problem in problems:
            if applies:
                return f"managed Python {self.name} {problem}"
        return ""

    def executable(self, *, use_minor_link: bool) -> str:
        """``<folder>[/install]/bin/<name>``, or the same through the minor-version link.

        The name is ``python3.X`` plus the variant's suffix (``t``, ``d``, ``td``) for CPython,
        ``pypy3.X`` for PyPy, ``graalpy`` for GraalPy (``ManagedPythonInstallation::
        executable``). The link ``cpython-3.X-<platform>`` is used for a request without a
        patch version when it is a symlink whose target is exactly this folder: code since
        0.7.14 (#13954), links created by default since 0.10.0; 0.6.4 ignores them.
        """
        home = os.path.join(self.folder, "install")
        if not os.path.isdir(home):
            home = self.folder
        direct = os.path.join(home, "bin", self._executable_name())
        if not use_minor_link or not self.is_plain:
            return direct
        link = self._minor_link()
        return os.path.join(link, "bin", self._executable_name()) if link else direct

    def _executable_name(self) -> str:
        minor = f"{self.version[0]}.{self.version[1]}"
        if self.implementation == "pypy":
            return f"pypy{minor}"
        if self.implementation == "graalpy":
            return "graalpy"
        suffix = {"freethreaded": "t", "debug": "d", "freethreaded+debug": "td"}
        return f"python{minor}{suffix.get(self.variant, '')}"

    def _minor_link(self) -> str | None:
        if self.uv < Version("0.7.14"):
            return None
        home = os.path.join(self.folder, "install")
        if not os.path.isdir(home):
            home = self.folder
        platform_part = self.name.split("-", 2)[2]
        minor = f"{self.version[0]}.{self.version[1]}"
        variant = f"+{self.variant}" if self.variant else ""
        link = os.path.join(os.path.dirname(home),
                            f"{self.implementation}-{minor}{variant}-{platform_part}")
        return link if link != home and _is_link_to(link, home) else None


def _is_link_to(link: str, target: str) -> bool:
    try:
        points_to = os.readlink(link)
    except OSError:
        return False
    return _components(points_to) == _components(target)


def _components(path: str) -> list[str]:
    # Rust's ``Path`` equality: repeated and trailing separators and inner "." do not count.
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return (["/"] if path.startswith("/") else []) + parts


def managed_root(environ: Mapping[str, str], cwd: str, uv: Version | None = None) -> str:
    """``UV_PYTHON_INSTALL_DIR``, else ``$XDG_DATA_HOME/uv/python``, else under ``~/.local``."""
    if "UV_PYTHON_INSTALL_DIR" in environ:
        value = environ["UV_PYTHON_INSTALL_DIR"]
        if not value:
            # Ignored from some release on, used as "" (the working directory) before.
            raise UndecidableError("UV_PYTHON_INSTALL_DIR is set but empty")
        return _absolute(value, cwd)
    xdg = environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "uv", "python")
    home = home_folder(environ, uv)
    if home is None:
        raise UndecidableError("uv has no home folder here, so where its managed Pythons are "
                               "is not known")
    return _absolute(os.path.join(home, ".local", "share", "uv", "python"), cwd)


def _absolute(path: str, cwd: str) -> str:
    joined = os.path.join(cwd, path)
    return "/" + "/".join(_components(joined)[1:])


def find_managed_pythons(environ: Mapping[str, str], cwd: str, uv: Version) -> list[ManagedPython]:
    """``find_matching_current_platform``: real folders (not links, not ``.``-names) whose name
    is a key for this platform, newest first; with ``UV_PYTHON_CPYTHON_BUILD`` (0.8.14+, #15314)
    only those whose ``BUILD`` file says that build.
    """
    root = managed_root(environ, cwd, uv)
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise UndecidableError(f"cannot list managed Pythons in {root}: {exc}") from None
    found = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        python = _managed_python(entry.path, entry.name, uv)
        if python is not None and _build_matches(python, environ, uv):
            found.append(python)
    return sorted(found, key=ManagedPython.order, reverse=True)


def _managed_python(folder: str, name: str, uv: Version) -> ManagedPython | None:
    """The installation a key-named folder holds, or None when uv would not list it.

    Another OS's builds are never candidates. Other implementations, variants and pre-releases
    are listed (uv queries them when it reaches them and judges what they report); an arch or
    libc other than the host's (``x86_64_v3``, ``musl``) may or may not run here, so it is
    unmodelled only once reached.
    """
    key = _parse_key(name)
    if key is None:
        return None  # not a key: uv warns and ignores it
    if key["os"] != "linux" or os.uname().sysname != "Linux":
        if os.uname().sysname == "Linux":
            return None  # another operating system's build
        raise UndecidableError("managed Pythons are modelled on Linux only")
    text, _, variant = key["version"].partition("+")
    parts = split_version(text) if text.count(".") == 2 else None
    if parts is None:
        raise UndecidableError(f"managed Python {name}: its version is not modelled")
    release, prerelease = parts
    other = (key["arch"], key["libc"]) != _host_platform()
    return ManagedPython(folder, name, release, uv, key["impl"], prerelease, variant, other)


def _host_platform() -> tuple[str, str]:
    machine = os.uname().machine
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    try:
        # What platform.libc_ver() asks first, without importing platform.
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""
    if not libc.startswith("glibc "):
        raise UndecidableError("managed Pythons are modelled on glibc only")
    return arch, "gnu"


def _build_matches(python: ManagedPython, environ: Mapping[str, str], uv: Version) -> bool:
    wanted = environ.get("UV_PYTHON_CPYTHON_BUILD")
    if uv < Version("0.8.14") or wanted is None:
        return True
    if not wanted:
        raise UndecidableError("UV_PYTHON_CPYTHON_BUILD is set but empty")
    try:
        with open(os.path.join(python.folder, "BUILD"), encoding="utf-8") as handle:
            return handle.read().strip() == wanted
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read {python.folder}/BUILD: {exc}") from None


def is_managed(identity: InterpreterIdentity, environ: Mapping[str, str], cwd: str,
               uv: Version) -> bool:
    """``Interpreter::is_managed``: its base prefix lies in a key-named folder of the root.

    0.10.12+ compares canonical paths; before, the raw base prefix with the raw root. Where
    the two readings disagree the answer depends on the exact release: undecidable.
    """
    root = managed_root(environ, cwd, uv)
    canonical = _first_component_is_key(os.path.realpath(identity.base_prefix),
                                        os.path.realpath(root))
    raw = _first_component_is_key(identity.base_prefix, root)
    if canonical != raw:
        raise UndecidableError(f"whether {identity.sys_executable} is managed depends on uv {uv}")
    return canonical


def _first_component_is_key(path: str, root: str) -> bool:
    inside, outside = _components(path), _components(root)
    if inside[: len(outside)] != outside or len(inside) == len(outside):
        return False
    return _parse_key(inside[len(outside)]) is not None


__all__ = ["PREFERENCES", "InterpreterChoice", "ManagedPython", "VersionRequest",
           "choose_interpreter"]
