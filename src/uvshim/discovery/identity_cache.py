"""Interpreter identities cached by the executable's stat, so the hot path runs no interpreter.

An entry is valid only while the path, the file's (device, inode, size, mtime_ns) and the
probe's own hash all match, the same rule virtualenv uses for its interpreter cache. A corrupt
or unreadable entry is treated as missing; a cache that cannot be written is not an error.
Scripts (``#!``, e.g. pyenv's shims) are never cached: what they run depends on more than
their own file. Nor is any executable that is not the interpreter it reports
(``sys.executable`` is another file): a dispatcher such as a mise shim, a link to the ``mise``
binary, whose stat stays the same whichever version it runs. uv keeps no memo of those either
(``query_cached``, ``is_same_file(executable, sys_executable)``, 0.5.0 to 0.12.5).
"""

from __future__ import annotations

import os

from uvshim.discovery.probe import PROBE_PATH, probe_interpreter
from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.state import read_state, write_state
from uvshim.uv.cache_key import seahash

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.state import Field

_KIND = "uvshim-identity-v2"
STATE_FOLDER = "identity-v2"
_probe_hash: list[str] = []  # computed once per process


def identify(executable: str, state: str | os.PathLike[str]) -> InterpreterIdentity:
    """The identity of ``executable``, from the cache when still valid, else from the probe."""
    key: list[Field] = [executable, *_stamp(executable), probe_hash()]
    entry = os.path.join(state, STATE_FOLDER, f"{seahash(os.fsencode(executable)):016x}")
    cached = _from_fields(read_state(entry, _KIND), key)
    if cached is not None and _is_itself(executable, cached):  # entries of older releases
        return cached
    identity = probe_interpreter(executable)
    if _is_itself(executable, identity) and not _is_script(executable):
        write_state(entry, _KIND, [*key, *identity.field_values()])
    return identity


def _stamp(executable: str) -> list[int]:
    try:
        st = os.stat(executable)
    except OSError as exc:
        raise InterpreterError(f"cannot stat interpreter {executable}: {exc.strerror}") from None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def probe_hash() -> str:
    if not _probe_hash:
        with open(PROBE_PATH, "rb") as handle:
            _probe_hash.append(f"{seahash(handle.read()):016x}")
    return _probe_hash[0]


def _from_fields(fields: list[Field] | None, key: list[Field]) -> InterpreterIdentity | None:
    if fields is None or fields[: len(key)] != key:
        return None
    try:
        return InterpreterIdentity.from_fields(fields[len(key):])
    except InterpreterError:
        return None


def _is_itself(executable: str, identity: InterpreterIdentity) -> bool:
    try:
        return os.path.samefile(executable, identity.sys_executable)
    except (OSError, ValueError):
        return False


def _is_script(executable: str) -> bool:
    try:
        with open(executable, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return True
