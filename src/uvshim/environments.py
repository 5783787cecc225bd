"""The cached tool environments uv would consider for an interpreter: its bucket in uv's cache.

uv keeps a tool environment at ``<cache>/environments-vN/<interpreter hash>/<resolution hash>``,
a symlink to ``archive-v0/<id>`` on Unix. The interpreter hash is recomputed here from the
interpreter's path (``cache_key``); the resolution hash cannot be, so every entry in the
bucket is read: each was built by "the interpreter at this path".
"""

from __future__ import annotations

import os

from uvshim.discovery.identity import InterpreterIdentity
from uvshim.record import Record
from uvshim.uv.cache_key import cache_digest
from uvshim.versions import Version

_V0_6 = Version("0.6.0")
_V0_7_14 = Version("0.7.14")
_V0_7_19 = Version("0.7.19")
_V0_8 = Version("0.8.0")


class CachedEnv(Record):
    """One entry of an interpreter's bucket, as found on disk."""

    entry: str  # the link uv looks up
    target: str | None  # the archive it points to, None when the link dangles or loops
    config: dict[str, str] | None  # its pyvenv.cfg, None when missing or unreadable


def environments_bucket(uv_version: Version) -> str:
    """``environments-v1`` up to 0.5.x, ``environments-v2`` from 0.6.0 (#11269)."""
    return "environments-v1" if uv_version < _V0_6 else "environments-v2"


def hashed_paths(identity: InterpreterIdentity, uv_version: Version) -> list[str]:
    """The path(s) uv feeds ``cache_digest`` for the interpreter's bucket.

    ``crates/uv/src/commands/project/environment.rs``: the discovered ``sys_executable`` up to
    0.7.13; its canonical path from 0.7.14 (#13954); (canonical executable, canonical prefix)
    in 0.7.19-0.7.22 (#14403); the canonical path again from 0.8.0 (#14447), unchanged up to
    0.13.9 by experiment.
    """
    executable = identity.sys_executable
    if uv_version < _V0_7_14:
        return [executable]
    canonical = os.path.realpath(executable)
    if _V0_7_19 <= uv_version < _V0_8:
        return [canonical, os.path.realpath(identity.prefix)]
    return [canonical]


def bucket_dir(cache_dir: str, identity: InterpreterIdentity, uv_version: Version) -> str:
    digest = cache_digest(hashed_paths(identity, uv_version))
    return os.path.join(cache_dir, environments_bucket(uv_version), digest)


def scan_bucket(bucket: str) -> list[CachedEnv]:
    """Every environment entry in ``bucket`` (lock files and our own files skipped)."""
    try:
        names = sorted(os.listdir(bucket))
    except OSError:
        return []
    return [read_entry(os.path.join(bucket, name)) for name in names
            if not name.startswith(".") and not name.endswith(".lock")]


def read_entry(entry: str) -> CachedEnv:
    target = os.path.realpath(entry) if os.path.islink(entry) else None
    if target is None or not os.path.isdir(target):
        # A dangling or looping link: uv cannot load it and rebuilds the entry by itself.
        return CachedEnv(entry=entry, target=None, config=None)
    return CachedEnv(entry=entry, target=target,
                     config=read_pyvenv_cfg(os.path.join(target, "pyvenv.cfg")))


# A tolerant reader of pyvenv.cfg: ``key = value`` lines, anything else ignored.

def parse_pyvenv_cfg(text: str) -> dict[str, str]:
    """Keys are lower-cased and stripped; the first ``=`` splits; later duplicates win, as in
    CPython's ``site`` module. Never raises."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if sep and key and not key.startswith("#"):
            values[key] = value.strip()
    return values


# A key no real pyvenv.cfg has, added when the file is not UTF-8: CPython's ``site`` reads it
# strictly and fails (UnicodeDecodeError), so nothing can start in such an environment.
NOT_UTF8 = "\ufffd"


def read_pyvenv_cfg(path: str) -> dict[str, str] | None:
    """The parsed file, or None when it is missing or unreadable. Undecodable bytes are
    replaced, so a damaged file still yields whatever keys it has, plus ``NOT_UTF8``."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024)
    except OSError:
        return None
    values = parse_pyvenv_cfg(raw.decode("utf-8", "replace"))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        values[NOT_UTF8] = ""
    return values
