"""A program's version, asked once and kept by the stat of its file (no process when warm).

The entry is valid while the path and the file's (device, inode, size, mtime_ns) match; a
corrupt entry, or one whose text ``parse`` refuses, is asked again.
"""

from __future__ import annotations

import os

from uvshim.state import read_state, write_state
from uvshim.uv.cache_key import seahash
from uvshim.versions import InvalidVersionError, Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from uvshim.state import Field


def program_version(path: str, state: str | os.PathLike[str], folder: str, kind: str,
                    ask: Callable[[], str]) -> Version:
    """The version of the program at ``path`` (a real path): from ``state/folder`` while the
    file is unchanged, else ``ask()``'s text, which must parse (``InvalidVersionError``)."""
    st = os.stat(path)
    key: list[Field] = [path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
    entry = os.path.join(state, folder, f"{seahash(os.fsencode(path)):016x}")
    cached = read_state(entry, kind)
    if cached is not None and cached[:-1] == key and isinstance(cached[-1], str):
        try:
            return Version(cached[-1])
        except InvalidVersionError:
            pass
    text = ask()
    version = Version(text)
    write_state(entry, kind, [*key, text])
    return version


__all__ = ["program_version"]
