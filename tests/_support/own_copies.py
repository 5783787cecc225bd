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
        copy = _place(source.name)
        if source.is_dir():
            shutil.copytree(source, copy, symlinks=True)
        else:
            shutil.copy2(source, copy)
        _copies[source] = copy
    return copy


def own_bytecode(installation: Path, without: Path | None) -> Path:
    """This process's copy of the ``__pycache__`` folders of ``installation``, in their places
    (the other files left out, and the folder ``without``)."""
    key = installation / "__pycache__"
    copy = _copies.get(key)
    if copy is None:
        def ignored(folder: str, names: list[str]) -> list[str]:
            inside = Path(folder).name == "__pycache__"
            return [name for name in names if Path(folder, name) == without
                    or not (inside or Path(folder, name).is_dir())]

        copy = _place(installation.name)
        shutil.copytree(installation, copy, symlinks=True, ignore=ignored)
        _copies[key] = copy
    return copy


def _place(name: str) -> Path:
    if not _folders:
        _folders.append(Path(tempfile.mkdtemp(prefix="uvshim-tests-own-")))
        atexit.register(remove_own_copies)
    place = _folders[0] / str(len(_copies)) / name
    place.parent.mkdir()
    return place


def remove_own_copies() -> None:
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)
    _folders.clear()
    _copies.clear()
