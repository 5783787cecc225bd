"""Interpreter identities cached by the executable's stat, so the hot path runs no interpreter.

An entry is valid only while the path, the file's (device, inode, size, mtime_ns) and the
probe's own hash all match, the same rule virtualenv uses for its interpreter cache. A corrupt
or unreadable entry is treated as missing; a cache that cannot be written is not an error.
Scripts (``#!``, e.g. pyenv's shims) are never cached: what they run depends on more than
their own file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from uvshim.cache_key import seahash
from uvshim.errors import InterpreterError
from uvshim.identity import PROBE_PATH, InterpreterIdentity, probe_interpreter

_FORMAT = "identity-v1"


def identify(executable: str, state: Path) -> InterpreterIdentity:
    """The identity of ``executable``, from the cache when still valid, else from the probe."""
    stamp = _stamp(executable)
    entry = state / _FORMAT / f"{seahash(os.fsencode(executable)):016x}.json"
    probe = _probe_hash()
    cached = _read(entry, executable, stamp, probe)
    if cached is not None:
        return cached
    identity = probe_interpreter(executable)
    if not _is_script(executable):
        _write(entry, {"path": executable, "stat": stamp, "probe": probe,
                       "identity": identity.to_json()})
    return identity


def _stamp(executable: str) -> list[int]:
    try:
        st = os.stat(executable)
    except OSError as exc:
        raise InterpreterError(f"cannot stat interpreter {executable}: {exc.strerror}") from None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def _probe_hash() -> str:
    return f"{seahash(PROBE_PATH.read_bytes()):016x}"


def _read(entry: Path, executable: str, stamp: list[int], probe: str) -> InterpreterIdentity | None:
    try:
        data = json.loads(entry.read_bytes())
        if data["path"] != executable or data["stat"] != stamp or data["probe"] != probe:
            return None
        return InterpreterIdentity.from_json(data["identity"])
    except (OSError, ValueError, KeyError, TypeError, InterpreterError):
        return None


def _is_script(executable: str) -> bool:
    try:
        with open(executable, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return True


def _write(entry: Path, data: dict[str, object]) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        os.replace(tmp, entry)
    except OSError:
        # A read-only or full state folder costs a probe next time, nothing more.
        return
