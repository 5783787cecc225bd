"""``.python-version`` files as uv reads them (``PythonVersionFile``, ``version_files.rs``)."""

from __future__ import annotations

from uvshim.errors import UndecidableError


def first_request(path: str) -> str | None:
    """The file's request: its first line that is neither blank nor a comment, or None when it
    has none. A line with blanks around it, or a file that cannot be read, is undecidable."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read the Python pin {path}: {exc}") from None
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            if line != text:
                raise UndecidableError(f"the pin {line!r} in {path} has surrounding blanks")
            return text
    return None
