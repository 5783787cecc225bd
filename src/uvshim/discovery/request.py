"""uv's Python request strings (``--python``, ``UV_PYTHON``, a pin file, a ``python@3.12`` target).

A model of ``PythonRequest::parse`` and ``PythonRequest::try_from_tool_name`` in
``crates/uv-python/src/discovery.rs`` (read at 0.5.0, 0.6.4, 0.7.9, 0.8.24, 0.10.12 and 0.12.5).
Only the forms that every uv from 0.5.0 on treats the same way are modelled; anything else
raises ``UndecidableError`` so the caller runs uv unchanged.
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError
from uvshim.record import Record
from uvshim.uv.releases import PYTHON_TOOL_NAMES, PYTHON_TOOL_TARGETS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.versions import Version

# Kinds of request, as uv's ``PythonRequest`` variants.
DEFAULT, ANY, VERSION, IMPLEMENTATION, FILE, DIRECTORY, NAME = (
    "default", "any", "version", "implementation", "file", "directory", "name")

# uv's implementation names (long and short). Only CPython is modelled: the others bring
# their own executable names and "alternative implementation" rules.
_OTHER_IMPLEMENTATIONS = ("pypy", "pp", "graalpy", "gp", "pyodide")
_CPYTHON_NAMES = ("cpython", "cp")
_OPERATORS = ("===", "==", "!=", "~=", "<=", ">=", "<", ">")
# A download key such as ``cpython-3.12.1-linux-x86_64-gnu`` (``PythonDownloadRequest``).


class VersionRequest(Record):
    """uv's ``VersionRequest`` restricted to stable CPython versions of the default variant."""

    kind: str  # "default", "major", "minor", "patch" or "range"
    release: tuple[int, ...] = ()
    specifiers: str = ""

    @property
    def has_patch(self) -> bool:
        return self.kind == "patch"

    @property
    def scans_minor_names(self) -> bool:
        """Whether the PATH search also lists ``python3.N`` (``find_all_minor``)."""
        return self.kind in ("default", "major", "range")

    def matches(self, version: tuple[int, ...]) -> bool:
        """``matches_version`` / ``matches_interpreter`` for a stable release ``version``."""
        if self.kind == "default":
            return True
        if self.kind == "range":
            # packaging only for ranges: it is the dearest import of all on the hot path.
            from packaging.specifiers import SpecifierSet  # noqa: PLC0415
            from packaging.version import Version as Pep440Version  # noqa: PLC0415

            text = ".".join(map(str, version))
            return SpecifierSet(self.specifiers).contains(Pep440Version(text), prereleases=True)
        return version[: len(self.release)] == self.release

    def matches_minor(self, major: int, minor: int) -> bool:
        """``matches_major_minor``: the pre-filter on a ``python3.N`` file name."""
        if self.kind == "range":
            return any(self.matches((major, minor, patch)) for patch in range(100))
        return self.kind == "default" or self.release[:2] == (major, minor)[: len(self.release)]

    def executable_names(self, implementation: str | None, *, sorted_names: bool) -> list[str]:
        """``VersionRequest::executable_names``, in the order uv tries them in each directory.

        Built as ``python``, ``python3``, ``python3.12``, ``python3.12.1`` (the plain names, then
        the implementation's). 0.5.2+ sorts them (``ExecutableNameComparator``, unchanged to
        0.12.5): a default request keeps ``python`` before ``python3``, a versioned one tries
        the most specific name first, and a requested implementation's names come first.
        0.5.0 and 0.5.1 do not sort (``crates/uv-python/src/discovery.rs @ 0.5.0``).
        """
        suffixes = [""]
        if self.kind in ("major", "minor", "patch"):
            count = len(self.release)
            suffixes += [".".join(map(str, self.release[:n])) for n in range(1, count + 1)]
        else:
            suffixes.append("3")
        plain = [f"python{suffix}" for suffix in suffixes]
        named = [f"{implementation}{suffix}" for suffix in suffixes] if implementation else []
        if not sorted_names:
            return plain + named
        if self.kind != "default":
            plain, named = plain[::-1], named[::-1]  # most specific first
        return named + plain

    def describe(self) -> str:
        if self.kind == "range":
            return self.specifiers
        return ".".join(map(str, self.release)) or "default"


DEFAULT_VERSION = VersionRequest("default")


class PythonRequest(Record):
    kind: str
    version: VersionRequest = DEFAULT_VERSION
    implementation: str | None = None  # "cpython" when named
    path: str = ""  # FILE / DIRECTORY: the path as given; NAME: the executable name
    text: str = ""  # the request as the user wrote it


def parse_version(text: str) -> VersionRequest | None:
    """``VersionRequest::from_str`` for the forms modelled; None when it is not a version."""
    if is_release(text):
        return _release_request(text)
    if text.lstrip().startswith(_OPERATORS):
        return _range_request(text)
    if text[:1].isdigit():
        # Pre-releases (3.13rc1), variants (3.13t, 3.12+debug), post/dev/local versions.
        raise UndecidableError(f"Python version request {text!r} is not modelled")
    return None


def _release_request(text: str) -> VersionRequest:
    parts = tuple(int(part) for part in text.split("."))
    if len(parts) == 1 and (parts[0] > 9 or text != str(parts[0])):
        # ``312`` is split as a wheel tag (3.12) by newer uv only.
        raise UndecidableError(f"Python version request {text!r} (wheel-tag form) is not modelled")
    if any(part > 255 for part in parts):
        raise UndecidableError(f"Python version request {text!r} is out of range")
    kind = ("major", "minor", "patch")[len(parts) - 1]
    return VersionRequest(kind, parts)


def _range_request(text: str) -> VersionRequest:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: PLC0415

    try:
        specifiers = SpecifierSet(text)
    except InvalidSpecifier:
        raise UndecidableError(f"Python version specifiers {text!r} are not modelled") from None
    items = list(specifiers)
    if not items or any(item.prereleases for item in items):
        raise UndecidableError(f"Python version specifiers {text!r} are not modelled")
    if len(items) == 1 and items[0].operator in ("==", "==="):
        # A single ``==`` becomes a concrete version in newer uv (``from_specifiers``).
        raise UndecidableError(f"Python version request {text!r} (single ==) is not modelled")
    return VersionRequest("range", specifiers=str(specifiers))


def requires_python_contains(requires_python: str, version: str) -> bool:
    """Whether ``version`` (``3.12`` or ``3.12.1``) is in a ``requires-python``; pre-releases
    count, as uv's ``RequiresPython::contains``. Unreadable specifiers are undecidable."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: PLC0415

    try:
        return SpecifierSet(requires_python).contains(version, prereleases=True)
    except InvalidSpecifier:
        raise UndecidableError(f"requires-python {requires_python!r} cannot be read") from None


def parse_request(value: str, cwd: str) -> PythonRequest:
    """``PythonRequest::parse``: versions, ``cpython[@]X``, paths, download keys, names."""
    lowered = value.lower()
    if lowered in ("any", "default"):
        if lowered == "any":
            raise UndecidableError("the Python request `any` is not modelled")
        return PythonRequest(DEFAULT, text=value)
    versioned = _parse_prefixed(value)
    if versioned is not None:
        return versioned
    return _parse_path_or_name(value, cwd)


def _parse_prefixed(value: str) -> PythonRequest | None:
    if value != value.lower() and os.sep not in value:
        # 0.5.x matched ``python`` case-sensitively, later versions lower-case first.
        raise UndecidableError(f"the Python request {value!r} (upper case) is not modelled")
    for prefix in ("", "python"):
        rest = value[len(prefix):] if value.startswith(prefix) else None
        if rest and (prefix or not rest.startswith("@")):
            if rest.startswith("@"):
                # ``python@3.12`` is a version from 0.7.9, an executable name before.
                raise UndecidableError(f"the Python request {value!r} is not modelled")
            version = parse_version(rest)
            if version is not None:
                return PythonRequest(VERSION, version, text=value)
    return _parse_implementation(value)


def _parse_implementation(value: str) -> PythonRequest | None:
    for name in _OTHER_IMPLEMENTATIONS:
        if value.startswith(name):
            raise UndecidableError(f"the Python request {value!r} (not CPython) is not modelled")
    for name in _CPYTHON_NAMES:
        if not value.startswith(name):
            continue
        rest = value[len(name):]
        rest = rest[1:] if rest.startswith("@") else rest
        if not rest:
            return PythonRequest(IMPLEMENTATION, implementation="cpython", text=value)
        version = parse_version(rest)
        if version is not None:
            return PythonRequest(IMPLEMENTATION, version, "cpython", text=value)
    return None


def _parse_path_or_name(value: str, cwd: str) -> PythonRequest:
    # uv checks the path relative to its own working directory, which is ``cwd``.
    absolute = os.path.join(cwd, value)
    if os.path.isdir(absolute):
        return PythonRequest(DIRECTORY, path=absolute, text=value)
    if os.path.isfile(absolute) or os.sep in value:
        return PythonRequest(FILE, path=absolute, text=value)
    if _looks_like_key(value):
        raise UndecidableError(f"the Python request {value!r} (download key) is not modelled")
    return PythonRequest(NAME, path=value, text=value)


def parse_tool_name(target: str, uv_version: Version) -> PythonRequest | None:
    """The Python a ``python@3.12`` / ``python3.12`` / ``python`` tool target asks for.

    None when the target is a package. ``PythonRequest(DEFAULT)`` for plain ``python``.
    - 0.5.0-0.5.25: ``python`` is an ordinary package name (#11076 added ``uvx python``).
    - 0.5.26-0.7.8: ``python`` and ``python@<PEP 440 version>`` only (``ToolRequest::is_python``,
      ``crates/uv/src/commands/tool/run.rs @ 0.6.4``).
    - 0.7.9+: ``PythonRequest::try_from_tool_name`` (#13583): ``python3.12``, ``python312``,
      ``python@3.12``, ``cpython3.12``, ``pypy@3.10``...
    """
    if uv_version < PYTHON_TOOL_TARGETS:
        return None
    lowered = target.lower()
    if lowered == "python":
        return PythonRequest(DEFAULT, text=target)
    if uv_version < PYTHON_TOOL_NAMES:
        return _parse_legacy_tool_name(lowered, target)
    return _parse_tool_name(lowered, target)


def _parse_legacy_tool_name(lowered: str, target: str) -> PythonRequest | None:
    name, _, version = lowered.partition("@")
    if name != "python" or not version:
        return None
    if not is_release(version) or "." not in version:
        raise UndecidableError(f"the tool target {target!r} is not modelled for this uv")
    return PythonRequest(VERSION, _release_request(version), text=target)


def _parse_tool_name(lowered: str, target: str) -> PythonRequest | None:
    for name in ("pypy", "graalpy", "pyodide"):
        if lowered.startswith(name):
            raise UndecidableError(f"the tool target {target!r} (not CPython) is not modelled")
    for prefix, implementation in (("python", None), ("cpython", "cpython")):
        if not lowered.startswith(prefix):
            continue
        rest = lowered[len(prefix):]
        if not rest:
            return PythonRequest(IMPLEMENTATION, implementation="cpython", text=target)
        with_at = rest.startswith("@")
        version = _tool_version(rest[1:] if with_at else rest, target, strict=with_at)
        if version is not None:
            kind = VERSION if implementation is None else IMPLEMENTATION
            return PythonRequest(kind, version, implementation, text=target)
    return None


def _tool_version(text: str, target: str, *, strict: bool) -> VersionRequest | None:
    if text == "latest":
        raise UndecidableError(f"uv rejects the tool target {target!r}")
    try:
        version = parse_version(text)
    except UndecidableError:
        if strict:
            raise
        return None
    if version is None and strict:
        raise UndecidableError(f"uv rejects the tool target {target!r}")
    return version


def is_release(text: str, parts: int = 3) -> bool:
    """``N``, ``N.N`` or ``N.N.N`` (up to ``parts`` numbers) in ASCII digits, as Rust's integer
    parsing reads them. String methods, not ``re``: its import costs the hot path ~4 ms."""
    numbers = text.split(".")
    return len(numbers) <= parts and all(n.isascii() and n.isdigit() for n in numbers)


def _looks_like_key(value: str) -> bool:
    """``^[a-z]+-``: the start of a download key such as ``cpython-3.12-linux…``."""
    head, dash, _ = value.partition("-")
    return bool(dash and head) and all("a" <= char <= "z" for char in head)


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
    if pre and prerelease_rank(pre) is None:
        return None
    major, minor, patch = (int(part) for part in release.split("."))
    return (major, minor, patch), pre


def prerelease_rank(pre: str) -> tuple[int, int] | None:
    for rank, label in enumerate(("a", "b", "rc")):
        number = pre[len(label):]
        if pre.startswith(label) and number.isascii() and number.isdigit():
            return rank, int(number)
    return None
