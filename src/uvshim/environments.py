"""The cached tool environments uv would consider for an interpreter: its bucket in uv's cache.

uv keeps a tool environment at ``<cache>/environments-vN/<interpreter hash>/<resolution hash>``,
a symlink to ``archive-v0/<id>`` on Unix. The interpreter hash is recomputed from the
interpreter's path (``uv.cache_key.bucket_dir``); the resolution hash cannot be, so every entry
in the bucket is read: each was built by "the interpreter at this path".
"""

from __future__ import annotations

import os

from uvshim.record import Record


class CachedEnv(Record):
    """One entry of an interpreter's bucket, as found on disk."""

    entry: str  # the link uv looks up
    target: str | None  # the archive it points to, None when the link dangles or loops
    config: dict[str, str] | None  # its pyvenv.cfg, None when missing or unreadable


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
