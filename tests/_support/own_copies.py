"""Files of the shared test cache, copied once for this process alone.

A check stamps the ctime of every file it looked at (``uvshim.memo.stamp``), and a hard link
changes its file's ctime. Were the tests to run and link the files of the shared test cache
(uv releases, mise) themselves, a link made by one test would void the memo of any test, in
this process, a parallel worker or another suite, whose runs look at the same file, and keep a
run inside the settle window from keeping one. So each process runs and links its own copies,
made on first use in a folder removed when the session ends (tests/conftest.py) or the
process exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_copies: dict[Path, Path] = {}
_folders: list[Path] = []


def own_copy(source: Path) -> Path:
    """This process's copy of the file or folder ``source``, under the same name."""
    copy = _copies.get(source)
    if copy is None:
        if not _folders:
            _folders.append(Path(tempfile.mkdtemp(prefix="uvshim-tests-own-")))
            atexit.register(remove_own_copies)
        copy = _folders[0] / str(len(_copies)) / source.name
        copy.parent.mkdir()
        if source.is_dir():
            shutil.copytree(source, copy, symlinks=True)
        else:
            shutil.copy2(source, copy)
        _copies[source] = copy
    return copy


def remove_own_copies() -> None:
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)
    _folders.clear()
    _copies.clear()
