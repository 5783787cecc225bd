"""uvshim's own state: where it lives, and its small files, read and written without imports.

The state folder is a cache folder (``state_dir``), never inside the project.
``json`` pulls in ``re`` and ``tempfile`` pulls in ``random`` and ``shutil``: together more
than the hot path's whole budget. A state file is ``FORMAT \\0 field \\0 field …``, each field
tagged with its type (``s`` text, ``i`` integer, ``b`` boolean, ``n`` None); NUL cannot occur
in a path or a version string. Anything unreadable is treated as absent, never as an error.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    Field = str | int | bool | None
else:
    Field = object

_ENCODING = ("utf-8", "surrogateescape")


def encode_fields(kind: str, fields: Sequence[Field]) -> bytes:
    parts = [kind]
    for value in fields:
        if value is None:
            parts.append("n")
        elif isinstance(value, bool):
            parts.append("b1" if value else "b0")
        elif isinstance(value, int):
            parts.append(f"i{value}")
        else:
            parts.append(f"s{value}")
    return "\0".join(parts).encode(*_ENCODING)


def decode_fields(kind: str, data: bytes) -> list[Field] | None:
    """The fields, or None when ``data`` is not a record of ``kind``."""
    parts = data.decode(*_ENCODING).split("\0")
    if parts[0] != kind:
        return None
    fields: list[Field] = []
    for part in parts[1:]:
        tag, text = part[:1], part[1:]
        if tag == "s":
            fields.append(text)
        elif tag == "i" and text.lstrip("-").isdigit():
            fields.append(int(text))
        elif tag == "b" and text in ("0", "1"):
            fields.append(text == "1")
        elif tag == "n" and not text:
            fields.append(None)
        else:
            return None
    return fields


# ``os`` is imported where a file is read or written, never at import: the fast path reads its
# memo with ``posix`` and has no other use for it.


def read_state(path: str, kind: str) -> list[Field] | None:
    try:
        with open(path, "rb") as handle:
            return decode_fields(kind, handle.read(1 << 16))
    except OSError:
        return None


def write_state(path: str, kind: str, fields: Sequence[Field]) -> None:
    """Atomically (write a sibling, rename), with the user's umask; a folder that cannot be
    written (read-only, full) is not an error: the next run recomputes."""
    import os  # noqa: PLC0415

    temporary = f"{path}.{os.getpid()}.{id(fields):x}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(encode_fields(kind, fields))
        os.replace(temporary, path)
    except OSError:
        _discard(temporary)


def _discard(path: str) -> None:
    import os  # noqa: PLC0415

    try:
        os.unlink(path)
    except OSError:
        return


def state_dir(environ: Mapping[str, str]) -> str:
    """``UVSHIM_CACHE_DIR``, else the per-user cache folder (``~/.cache/uvshim`` on Linux)."""
    override = environ.get("UVSHIM_CACHE_DIR")
    if override:
        return override
    # On the hot path platformdirs is only needed off Linux; this is what it computes there
    # (XDG_CACHE_HOME when absolute, else ~/.cache), without the import. Nor is ``os`` needed
    # (the fast path does without it) unless HOME is unset.
    if "posix" in sys.builtin_module_names and sys.platform != "darwin":
        xdg = environ.get("XDG_CACHE_HOME", "")
        if xdg.startswith("/"):
            return _join(xdg, "uvshim")
        return _join(_join(environ.get("HOME") or _home_of_user(), ".cache"), "uvshim")
    import platformdirs  # noqa: PLC0415  -- only needed where the rule above does not hold

    return platformdirs.user_cache_dir("uvshim", appauthor=False)


def _join(folder: str, name: str) -> str:
    """``os.path.join`` for a relative ``name`` without a slash, on POSIX."""
    return f"{folder}{name}" if folder.endswith("/") else f"{folder}/{name}"


def _home_of_user() -> str:
    import os  # noqa: PLC0415

    return os.path.expanduser("~")
