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

from uvshim.discovery.identity import InterpreterIdentity
from uvshim.discovery.request import (
    DEFAULT,
    DIRECTORY,
    FILE,
    IMPLEMENTATION,
    NAME,
    PythonRequest,
    VersionRequest,
    is_release,
    parse_request,
    parse_tool_name,
)
from uvshim.errors import InterpreterError, UndecidableError
from uvshim.record import Record
from uvshim.uv.settings import user_config_dir
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
    return InterpreterChoice(executable, identity, f"{why}: {origin}" if why else origin, managed)


def _refuse_unmodelled_platform(environ: Mapping[str, str], uv: Version) -> None:
    if os.name != "posix":
        raise UndecidableError("interpreter discovery is modelled on POSIX only (no registry)")
    # Variables that add interpreters ahead of the search (all versions): a parent interpreter,
    # an active base conda environment, uv's own test hooks.
    for name in ("UV_INTERNAL__PARENT_INTERPRETER", "CONDA_PREFIX", "UV_TEST_PYTHON_PATH",
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
    return _implicit_request(target, tool is not None, environ, uv)


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
                      uv: Version) -> tuple[PythonRequest, str]:
    # 0.11.17+: with no request, a directory or git source's static requires-python is used
    # (#19577, ``ToolPython::from_request``); that needs the source's pyproject.toml.
    if uv >= Version("0.11.17") and target is not None and not is_python_target \
            and not _is_plain_requirement(target):
        raise UndecidableError(f"uv {uv} may infer requires-python from {target!r}")
    if uv >= Version("0.10.0"):
        pinned = _global_pin(environ)
        if pinned is not None:
            return pinned
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
    folder = os.path.join(user_config_dir(environ), "uv")
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


def _home(environ: Mapping[str, str]) -> str:
    home = environ.get("HOME", "")
    if not home:
        raise UndecidableError("HOME is not set")
    return home


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
    return _first_usable(search, _installed_candidates(search))


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
    origin: str  # "managed" or "search path"
    why: str
    managed: str | None = None


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
        if not version.matches(python.version):
            continue
        executable = python.executable(use_minor_link=not version.has_patch)
        why = f"managed installation {python.name}"
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
    else is found (0.8.5+).
    """
    held_back: _Found | None = None
    for group in groups:
        for candidate, identity in _identified(search, group):
            verdict = _verdict(search, candidate, identity)
            found = (candidate.path, identity, candidate.why, candidate.managed)
            if verdict == "hold" and held_back is None:
                held_back = found
            elif verdict == "use":
                return found
    return held_back


def _identified(search: _Search,
                group: list[_Candidate]) -> list[tuple[_Candidate, InterpreterIdentity]]:
    identified = []
    for candidate in group:
        identity = _identify(search, candidate.path)
        if identity is not None:
            identified.append((candidate, identity))
    if len(group) > 1 and search.uv >= Version("0.12.5"):
        # Equal-priority files are ordered by installation key, newest first (#21134).
        identified.sort(key=lambda item: _release(item[1]), reverse=True)
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


def _release(identity: InterpreterIdentity) -> tuple[int, ...]:
    if identity.version.count(".") != 2 or not is_release(identity.version):
        raise UndecidableError(
            f"{identity.sys_executable} is Python {identity.version}: pre-releases not modelled")
    return tuple(int(part) for part in identity.version.split("."))


def _verdict(search: _Search, candidate: _Candidate, identity: InterpreterIdentity) -> str:
    """"use", "skip" or "hold" (a managed interpreter under the system preference)."""
    if identity.is_virtualenv:
        return "skip"  # EnvironmentPreference::OnlySystem, every version
    if search.request.kind == NAME:
        _refuse_unusual_build(identity)
        return _preference_verdict(search, candidate, identity)
    if not search.request.version.matches(_release(identity)):
        return "skip"
    _refuse_unusual_build(identity)
    if search.request.kind == IMPLEMENTATION and identity.implementation != "CPython":
        return "skip"
    return _preference_verdict(search, candidate, identity)


def _refuse_unusual_build(identity: InterpreterIdentity) -> None:
    _release(identity)
    if identity.implementation != "CPython":
        raise UndecidableError(f"{identity.sys_executable} is {identity.implementation}")
    if identity.gil_disabled or "d" in identity.abiflags:
        raise UndecidableError(f"{identity.sys_executable} is a free-threaded or debug build")


def _preference_verdict(search: _Search, candidate: _Candidate,
                        identity: InterpreterIdentity) -> str:
    if candidate.origin == "managed":
        return "use"
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


class ManagedPython(Record):
    folder: str  # absolute, as ``std::path::absolute`` makes it
    name: str
    version: tuple[int, int, int]
    uv: Version

    def executable(self, *, use_minor_link: bool) -> str:
        """``<folder>[/install]/bin/python3.X``, or the same through the minor-version link.

        The link ``cpython-3.X-<platform>`` is used for a request without a patch version
        when it is a symlink whose target is exactly this folder: code since 0.7.14 (#13954),
        links created by default since 0.10.0; 0.6.4 ignores them.
        """
        home = os.path.join(self.folder, "install")
        if not os.path.isdir(home):
            home = self.folder
        name = f"python{self.version[0]}.{self.version[1]}"
        direct = os.path.join(home, "bin", name)
        if not use_minor_link or self.uv < Version("0.7.14"):
            return direct
        platform_part = self.name.split("-", 2)[2]
        minor = f"{self.version[0]}.{self.version[1]}"
        link = os.path.join(os.path.dirname(home), f"cpython-{minor}-{platform_part}")
        if link != home and _is_link_to(link, home):
            return os.path.join(link, "bin", name)
        return direct


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


def managed_root(environ: Mapping[str, str], cwd: str) -> str:
    """``UV_PYTHON_INSTALL_DIR``, else ``$XDG_DATA_HOME/uv/python``, else under ``~/.local``."""
    if "UV_PYTHON_INSTALL_DIR" in environ:
        value = environ["UV_PYTHON_INSTALL_DIR"]
        if not value:
            # Ignored from some release on, used as "" (the working directory) before.
            raise UndecidableError("UV_PYTHON_INSTALL_DIR is set but empty")
        return _absolute(value, cwd)
    xdg = environ.get("XDG_DATA_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(_home(environ), ".local", "share")
    return os.path.join(base, "uv", "python")


def _absolute(path: str, cwd: str) -> str:
    joined = os.path.join(cwd, path)
    return "/" + "/".join(_components(joined)[1:])


def find_managed_pythons(environ: Mapping[str, str], cwd: str, uv: Version) -> list[ManagedPython]:
    """``find_matching_current_platform``: real folders (not links, not ``.``-names) whose name
    is a key for this platform, newest first; with ``UV_PYTHON_CPYTHON_BUILD`` (0.8.14+, #15314)
    only those whose ``BUILD`` file says that build.
    """
    root = managed_root(environ, cwd)
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
    return sorted(found, key=lambda python: python.version, reverse=True)


def _managed_python(folder: str, name: str, uv: Version) -> ManagedPython | None:
    key = _parse_key(name)
    if key is None:
        return None  # not a key: uv warns and ignores it
    if key["os"] != "linux" or os.uname().sysname != "Linux":
        if os.uname().sysname == "Linux":
            return None  # another operating system's build
        raise UndecidableError("managed Pythons are modelled on Linux only")
    stable = key["version"].count(".") == 2 and is_release(key["version"])
    if key["impl"] != "cpython" or not stable \
            or (key["arch"], key["libc"]) != _host_platform():
        # Other implementations, variants, pre-releases and compatible-but-different
        # platforms (x86_64_v3, musl, i686) follow rules not modelled here.
        raise UndecidableError(f"managed Python {name} is not modelled")
    major, minor, patch = (int(part) for part in key["version"].split("."))
    return ManagedPython(folder, name, (major, minor, patch), uv)


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
    root = managed_root(environ, cwd)
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
