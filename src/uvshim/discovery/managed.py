"""uv's managed Python installations: where they are, what their folder names say, which a
request can use (``ManagedPythonInstallations``, ``crates/uv-python/src/managed.rs``).
"""

from __future__ import annotations

import os

from uvshim.discovery.request import VersionRequest, prerelease_rank, split_version
from uvshim.errors import UndecidableError
from uvshim.installation_key import parse_key
from uvshim.record import Record
from uvshim.uv.releases import (
    DEBUG_BUILDS_LAST,
    DEFAULT_VARIANT_FIRST,
    MANAGED_BUILD_FILE,
    MINOR_VERSION_LINKS,
)
from uvshim.uv.settings import home_folder
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.interpreter_identity import InterpreterIdentity


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
        pre = (0, *(prerelease_rank(self.prerelease) or ())) if self.prerelease else (1,)
        implementation = -_IMPLEMENTATIONS.index(self.implementation) \
            if self.implementation in _IMPLEMENTATIONS else -9
        variant = -_VARIANTS.index(self.variant) if self.variant in _VARIANTS else -9
        if self.uv < DEFAULT_VARIANT_FIRST:
            variant = -variant  # ``self.variant.cmp(..)`` not yet reversed: variants first
        return implementation, self.version, pre, variant

    def unmodelled(self, request: VersionRequest) -> str:
        """Why the shim cannot follow uv should uv reach this installation, else ""."""
        executable = self.executable(use_minor_link=False)
        problems = (
            (self.other_platform, "is built for another architecture or libc"),
            (self.implementation not in _IMPLEMENTATIONS or self.variant not in _VARIANTS,
             "is of a kind not modelled"),
            ("debug" in self.variant and self.uv < DEBUG_BUILDS_LAST,
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
        if self.uv < MINOR_VERSION_LINKS:
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
    key = parse_key(name)
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
    if uv < MANAGED_BUILD_FILE or wanted is None:
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
    return parse_key(inside[len(outside)]) is not None
