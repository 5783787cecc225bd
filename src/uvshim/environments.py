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


# What an environment holds, to name it in a message. uv writes no receipt for a cached
# environment and marks every distribution it installs REQUESTED (0.13.9), so the tools are
# told from their dependencies: the distributions that no other one in the environment
# requires (``uvx --with tox-uv tox`` holds "tox-uv", which requires tox). Read only for an
# environment a message is about: one listing and one METADATA per distribution.

def tools_in(root: str) -> tuple[str, ...]:
    """The distributions of the environment at ``root`` that nothing else in it requires,
    by their project names, sorted; () when none can be read."""
    requires: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for site in _site_packages(root):
        for entry in _listing(site):
            if entry.endswith(".dist-info"):
                name, needs = _distribution(os.path.join(site, entry))
                if name:
                    key = _normalized(name)
                    names[key], requires[key] = name, needs
    required = set().union(*requires.values()) if requires else set()
    return tuple(sorted(names[key] for key in names if key not in required))


def _site_packages(root: str) -> list[str]:
    lib = os.path.join(root, "lib")
    return [os.path.join(lib, entry, "site-packages") for entry in _listing(lib)
            if entry.startswith(("python", "pypy"))]


def _listing(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _distribution(dist_info: str) -> tuple[str, set[str]]:
    """The project name and the normalized names it requires (any marker: an extra that is
    not installed names a distribution that is not there, which changes nothing)."""
    try:
        with open(os.path.join(dist_info, "METADATA"), "rb") as handle:
            text = handle.read(256 * 1024).decode("utf-8", "replace")
    except OSError:
        return "", set()
    name, needs = "", set()
    for line in text.split("\n\n", 1)[0].splitlines():
        field, _, value = line.partition(":")
        if field.lower() == "name" and not name:
            name = value.strip()
        elif field.lower() == "requires-dist":
            needs.add(_normalized(_requirement_name(value)))
    return name, needs


def _requirement_name(requirement: str) -> str:
    text = requirement.strip()
    for index, char in enumerate(text):
        if not (char.isalnum() or char in "-_."):
            return text[:index]
    return text


def _normalized(name: str) -> str:
    """PEP 503: lower case, runs of ``-_.`` as one ``-``."""
    out: list[str] = []
    dash = False
    for char in name.lower():
        if char in "-_.":
            dash = True
            continue
        if dash and out:
            out.append("-")
        dash = False
        out.append(char)
    return "".join(out)
