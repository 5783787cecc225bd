"""A tolerant reader of pyvenv.cfg: ``key = value`` lines, anything else ignored."""

from __future__ import annotations


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
