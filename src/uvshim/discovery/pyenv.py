"""pyenv's shims: which interpreter one runs, worked out without running it.

Modelled with certainty, pyenv 2.6.28 to 2.8.1 (its ``libexec`` scripts read at those tags): the
shim ``rehash`` writes (``exec "<pyenv>" exec "$program"``), ``PYENV_VERSION``, else the first
``.python-version`` from the folder bash starts in up to ``/``, else ``$PYENV_ROOT/version``;
several versions (``3.12.1:3.11.7``), ``system``, a prefix (``3.12`` is the newest installed
3.12.x), a version that is not installed (skipped), ``pyenv-which``'s fall-through to the next
``python3`` on PATH without the shims, and the hooks pyenv and pyenv-virtualenv ship, which do
nothing for an interpreter that was found. Anything else: ``CannotTellError``, and the shim is
probed.
"""

from __future__ import annotations

import os

from uvshim.discovery.shim_resolution import (
    CannotTellError,
    Resolution,
    ancestors,
    is_plain_absolute,
    mise_binary,
    read_head,
    sorted_listing,
)
from uvshim.errors import InterpreterError
from uvshim.record import Record
from uvshim.uv.cache_key import seahash
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

PYENV_OLDEST, PYENV_NEWEST = Version("2.6.28"), Version("2.8.1")
_SHIM_HEAD = b"#!/usr/bin/env bash\n"
_GLOB = frozenset("*?[")
# pyenv's own hooks for the commands a shim runs (``pyenv-hooks exec|which|version-name``), by
# the SeaHash of their text: each one changes nothing for an interpreter that was found.
_INERT_HOOKS = {
    # pyenv.d/exec/pip-rehash.bash: only for pip, easy_install and ``-m pip``.
    "exec": frozenset({0x0907D18D5A3B39FE}),
    # pyenv-virtualenv's which/conda.bash, python-config.bash, system-site-packages.bash: each
    # acts only when the command was not found (``[ ! -x "${PYENV_COMMAND_PATH}" ]``).
    "which": frozenset({0xDBC7108E18513C71, 0xED0B7103E0065B82, 0xAFFCDE3DF5D451F1}),
    "version-name": frozenset(),
}


class PyenvShim(Record):
    path: str
    program: str
    root: str  # PYENV_ROOT as the shim exports it, without a trailing "/"
    pyenv: str  # the ``pyenv`` script it execs
    prefix: str  # pyenv's installation (``_PYENV_INSTALL_PREFIX``)


def pyenv_shim(path: str, text: bytes) -> PyenvShim | None:
    """The shim ``pyenv rehash`` writes (2.6.28-2.8.1), recognised by its whole text."""
    if not text.startswith(_SHIM_HEAD):
        return None
    try:
        lines = text.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    if len(lines) != 13 or lines[12] != "":
        return None
    root = _between(lines[6], 'export PYENV_ROOT="', '"')
    pyenv = _between(lines[11], 'exec "', '" exec "$program" "$@"')
    if root is None or pyenv is None:
        return None
    expected = pyenv_shim_text(root, pyenv)
    if text.decode("utf-8") != expected:
        return None
    program = os.path.basename(path)
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(pyenv)))
    return PyenvShim(path, program, root.removesuffix("/"), pyenv, prefix)


def _between(line: str, start: str, end: str) -> str | None:
    if not (line.startswith(start) and line.endswith(end)) or len(line) < len(start + end):
        return None
    inner = line[len(start):len(line) - len(end)]
    return inner if inner and not set(inner) & set('"$`\\') else None


def pyenv_shim_text(root: str, pyenv: str) -> str:
    return ('#!/usr/bin/env bash\nset -e\n[ -n "$PYENV_DEBUG" ] && set -x\n\n'
            'program="${0##*/}"\n\n'
            f'export PYENV_ROOT="{root}"\nSHIM_PATH=${{0%/*}}\n'
            f'if [[ $SHIM_PATH != "{root}/shims" ]]; then\n'
            '  export _PYENV_SHIM_PATH="$SHIM_PATH"\nfi\n'
            f'exec "{pyenv}" exec "$program" "$@"\n')


def resolve_pyenv(shim: PyenvShim, environ: Mapping[str, str], cwd: str) -> Resolution:
    """``pyenv exec``: ``pyenv-version-name -f``, then ``pyenv-which``, then the hooks."""
    _check_pyenv_version(shim)
    hooks = _hook_files(shim, environ)
    for command in ("version-name", "which", "exec"):
        _check_hooks(hooks, command)
    if _is_pip_like(shim.program):
        raise CannotTellError(f"{shim.program} is a pip command (a pyenv hook acts on it)")
    value, origin = _version_setting(shim, environ, cwd)
    names = _version_names(shim, value)
    for name in [*names, "system"]:
        if name == "system":
            found = _system_command(shim, environ)
            if found is not None:
                return Resolution(found, f"pyenv's system Python ({origin}): {found}, the next "
                                         f"{shim.program} on PATH after the shims")
            continue
        folder = os.path.join(shim.root, "versions", name)
        if not os.path.isdir(folder):
            continue  # not installed: skipped
        command = os.path.join(folder, "bin", shim.program)
        if os.access(command, os.X_OK):
            if not os.path.isfile(command):
                raise CannotTellError(f"{command} is not a file")
            chosen = name if name in value.split(":") else f"{name} (newest installed of " \
                                                           f"{_prefix_of(name, value)})"
            return Resolution(command, f"pyenv {chosen} from {origin}")
    if hooks.get("which"):
        raise CannotTellError(f"{shim.program} is in none of pyenv's versions and a pyenv "
                              "hook looks elsewhere")
    raise InterpreterError(f"pyenv: {shim.program}: command not found ({origin})")


def _prefix_of(name: str, value: str) -> str:
    for part in value.split(":"):
        if name.startswith(part + "."):
            return part
    return value


def _check_pyenv_version(shim: PyenvShim) -> None:
    path = os.path.join(shim.prefix, "libexec", "pyenv---version")
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read(8192).splitlines()
    except (OSError, UnicodeDecodeError):
        raise CannotTellError(f"pyenv's version is unknown ({path})") from None
    for line in lines:
        if line.startswith('version="') and line.endswith('"'):
            text = line[len('version="'):-1]
            try:
                version = Version(text)
            except ValueError:
                break
            if PYENV_OLDEST <= version <= PYENV_NEWEST:
                return
            raise CannotTellError(f"pyenv {text} is not modelled (only {PYENV_OLDEST} to "
                                  f"{PYENV_NEWEST})")
    raise CannotTellError(f"pyenv's version is unknown ({path})")


def _hook_files(shim: PyenvShim, environ: Mapping[str, str]) -> dict[str, list[str]]:
    """``PYENV_HOOK_PATH`` as ``pyenv`` builds it, and the ``*.bash`` hooks of each command."""
    folders = [entry for entry in environ.get("PYENV_HOOK_PATH", "").split(":") if entry]
    folders.append(os.path.join(shim.root, "pyenv.d"))
    if shim.prefix != shim.root:
        folders.append(os.path.join(shim.prefix, "pyenv.d"))
    folders += ["/usr/etc/pyenv.d", "/usr/local/etc/pyenv.d", "/etc/pyenv.d",
                "/usr/lib/pyenv/hooks"]
    folders += [os.path.join(plugin, "etc", "pyenv.d")
                for plugin in sorted_listing(os.path.join(shim.root, "plugins"))]
    hooks: dict[str, list[str]] = {}
    for folder in folders:
        if not folder.startswith("/"):
            raise CannotTellError(f"a relative pyenv hook folder ({folder})")
        for command in _INERT_HOOKS:
            for path in sorted_listing(os.path.join(folder, command)):
                if path.endswith(".bash") and not os.path.basename(path).startswith("."):
                    hooks.setdefault(command, []).append(path)
    return hooks


def _check_hooks(hooks: Mapping[str, list[str]], command: str) -> None:
    for path in hooks.get(command, []):
        try:
            with open(path, "rb") as handle:
                digest = seahash(handle.read(1 << 16))
        except OSError:
            raise CannotTellError(f"cannot read the pyenv hook {path}") from None
        if digest not in _INERT_HOOKS[command]:
            raise CannotTellError(f"the pyenv hook {path} is not one pyenv ships")


def _is_pip_like(program: str) -> bool:
    return program.startswith(("pip", "easy_install"))


def _version_setting(shim: PyenvShim, environ: Mapping[str, str],
                     cwd: str) -> tuple[str, str]:
    """``pyenv-version-name``: ``PYENV_VERSION``, a local file, the global file, or ""."""
    value = environ.get("PYENV_VERSION", "")
    if value:
        return value, f"PYENV_VERSION={value}"
    found = (_local_version_file(start) for start in _start_folders(environ, cwd))
    path = next((local for local in found if local), None) or os.path.join(shim.root, "version")
    words = _read_version_file(path)
    where = "the global version file" if path == os.path.join(shim.root, "version") \
        else "the version file"
    if words is None:
        return "", f"no version set: {path} is missing or empty"
    return words, f"{where} {path}"


def _start_folders(environ: Mapping[str, str], cwd: str) -> list[str]:
    """Where ``pyenv-version-file`` looks for ``.python-version``: ``PYENV_DIR``, then bash's
    ``$PWD`` when they differ (``PYENV_DIR`` defaults to it). bash keeps an inherited absolute
    ``PWD`` that names its working folder, else takes ``getcwd()``."""
    pwd = environ.get("PWD", "")
    if pwd.startswith("/") and _same_folder(pwd, cwd):
        if not is_plain_absolute(pwd):
            raise CannotTellError(f"PWD={pwd} is not a plain absolute path")
    else:
        pwd = os.path.realpath(cwd)
    given = environ.get("PYENV_DIR", "")
    if not given or given == pwd:
        return [pwd]
    if not is_plain_absolute(given) or not os.path.isdir(given):
        raise CannotTellError(f"PYENV_DIR={given} is not a plain absolute folder")
    return [given, pwd]


def _same_folder(one: str, other: str) -> bool:
    try:
        first, second = os.stat(one), os.stat(other)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _local_version_file(start: str) -> str | None:
    """``find_local_version_file``: ``.python-version`` in the folder, then each parent."""
    for folder in ancestors(start):
        path = os.path.join(folder, ".python-version")
        if os.path.isfile(path):
            return path
    return None


def _read_version_file(path: str) -> str | None:
    """``pyenv-version-file-read``: the first word of each line that is neither empty nor a
    comment, joined with ":"; None for a missing or empty file (or no such word)."""
    try:
        if os.stat(path).st_size == 0:
            return None
        with open(path, "rb") as handle:
            data = handle.read(1 << 20)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CannotTellError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CannotTellError(f"{path} is not UTF-8") from None
    if "\0" in text or any(len(line) >= 1024 for line in text.split("\n")):
        raise CannotTellError(f"{path} holds a NUL or a line too long to model")
    words = []
    for line in text.split("\n"):
        fields = line.replace("\t", " ").replace("\r", " ").split()
        word = fields[0] if fields else ""
        if not word or word.startswith("#"):
            continue
        if word == ".." or "/" in word:
            raise CannotTellError(f"{path} names a version by a path ({word})")
        words.append(word)
    return ":".join(words) if words else None


def _version_names(shim: PyenvShim, value: str) -> list[str]:
    """The versions ``pyenv-version-name -f`` prints: each installed, resolved or as given."""
    if not value or value == "system":
        return ["system"]
    parts = value.split(":")
    if parts[-1] == "":
        parts.pop()  # bash's word splitting drops one trailing delimiter
    names = []
    for part in parts:
        if not part or set(part) & _GLOB or part.startswith("python-") \
                or ".." in part.split("/") or part.startswith("/"):
            raise CannotTellError(f"the pyenv version {part!r} is not modelled")
        if part == "system" or os.path.isdir(os.path.join(shim.root, "versions", part)):
            names.append(part)
        else:
            names.append(_newest_with_prefix(shim, part) or part)
    return names


def _newest_with_prefix(shim: PyenvShim, prefix: str) -> str | None:
    """``pyenv-latest -b PREFIX`` over the installed versions, for a prefix of digits and dots
    whose candidates are plain releases (anything else: cannot tell)."""
    if not prefix.replace(".", "").isdigit() or not prefix.isascii():
        raise CannotTellError(f"the pyenv version {prefix!r} is neither installed nor a "
                              "numeric prefix")
    folder = os.path.join(shim.root, "versions")
    try:
        names = [name for name in os.listdir(folder)
                 if os.path.isdir(os.path.join(folder, name))]
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CannotTellError(f"cannot list {folder}: {exc.strerror}") from None
    keys = []
    for name in names:
        if not (name.startswith(prefix) and name[len(prefix):len(prefix) + 1] in ("-", ".")):
            continue
        if _dropped_by_latest(name):
            continue
        fields = name.split(".")
        if not (2 <= len(fields) <= 4 and all(f.isascii() and f.isdigit() for f in fields)):
            raise CannotTellError(f"the installed pyenv version {name} is not modelled")
        keys.append((tuple(int(f) for f in fields[1:]) + (0,) * (4 - len(fields)), name))
    if not keys:
        return None
    keys.sort(reverse=True)
    if len({name.split(".")[0] for _, name in keys}) != 1 \
            or (len(keys) > 1 and keys[0][0] == keys[1][0]):
        raise CannotTellError(f"pyenv's order of the versions matching {prefix} is not modelled")
    return keys[0][1]


def _dropped_by_latest(name: str) -> bool:
    """``pyenv-latest`` drops -dev, -src, -latest, pre-releases and free-threaded builds."""
    if name.endswith(("-dev", "-src", "-latest")):
        return True
    tail = name.rstrip("0123456789")
    if tail != name and tail.endswith(("a", "b", "rc")):
        return True
    return name.endswith("t") and name[-2:-1].isdigit()


def _system_command(shim: PyenvShim, environ: Mapping[str, str]) -> str | None:
    """``command -v PROGRAM`` over PATH without the shim folders (``remove_from_path``), after
    the folders ``pyenv`` puts first (its ``libexec`` and plugins' ``bin``)."""
    for folder in _pyenv_own_folders(shim):
        if os.path.lexists(os.path.join(folder, shim.program)):
            raise CannotTellError(f"{folder} holds a {shim.program}")
    path = environ.get("PATH", "")
    if "~" in path:
        raise CannotTellError("PATH holds a ~")
    # The shim exports its own folder as _PYENV_SHIM_PATH when it is not $PYENV_ROOT/shims;
    # ``pyenv exec`` adds that (or an inherited one) to _PYENV_SHIM_PATHS_<PROGRAM>.
    removed = {f"{shim.root}/shims", os.path.dirname(shim.path),
               environ.get("_PYENV_SHIM_PATH", "")}
    own = f"_PYENV_SHIM_PATHS_{_variable_part(shim.program)}"
    removed.update(entry for entry in environ.get(own, "").split(":") if entry)
    removed.discard("")
    if any(set(entry) & _GLOB for entry in removed):
        raise CannotTellError("a shim folder's name holds a pattern character")
    for entry in path.split(":"):
        if entry in removed:
            continue
        if not is_plain_absolute(entry):
            raise CannotTellError(f"PATH holds {entry!r}, which bash searches its own way")
        candidate = f"{entry}/{shim.program}" if entry != "/" else f"/{shim.program}"
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            if read_head(candidate).startswith(b"#!") or mise_binary(candidate) is not None:
                raise CannotTellError(f"pyenv's system {shim.program} is {candidate}, a "
                                      "script or a shim")
            return candidate
    return None


def _pyenv_own_folders(shim: PyenvShim) -> list[str]:
    folders = [os.path.join(shim.prefix, "libexec")]
    for base in dict.fromkeys((shim.prefix, shim.root)):
        folders += [os.path.join(plugin, "bin")
                    for plugin in sorted_listing(os.path.join(base, "plugins"))]
    return folders


def _variable_part(program: str) -> str:
    """``tr a-z- A-Z_ | sed 's/[^A-Z0-9_]/_/g'``."""
    upper = program.replace("-", "_").upper()
    return "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in upper)


__all__ = ["PYENV_NEWEST", "PYENV_OLDEST", "pyenv_shim", "pyenv_shim_text", "resolve_pyenv"]
