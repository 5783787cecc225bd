"""Real interpreters for the integration tests, and the "image bump at the same path".

A prefix is a hard-linked copy of a whole pyenv installation (instant, no disk), without its
site-packages, whose ``bin`` entries are its own instead: a check stamps the executables and
links it finds (``uvshim.memo.stamp``, ctime included), and a hard link made to the same inode
anywhere else (a parallel test, another suite on the machine) changes that ctime and voids the
memo. Two layouts:

- ``symlinked``: pyenv's own, ``bin/python`` and ``bin/python3`` are symlinks to ``python3.X``;
- ``unversioned``: ``bin/python`` and ``bin/python3`` are real files (hard links) and
  ``python3.X`` is gone, so the canonical executable's name carries no version.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from _support.own_copies import own_bytecode

LAYOUTS = ("symlinked", "unversioned")


def pyenv_versions_dir() -> Path:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    return Path(root) / "versions"


def installed_python(minor: str) -> Path | None:
    """The newest pyenv installation of ``minor`` ("3.12"), or None when there is none."""
    versions = pyenv_versions_dir()
    if not versions.is_dir():
        return None
    found = [p for p in versions.iterdir()
             if p.name.startswith(minor + ".") and p.name.count(".") == 2
             and p.name.split(".")[2].isdigit() and (p / "bin" / f"python{minor}").is_file()]
    return max(found, key=lambda p: int(p.name.split(".")[2]), default=None)


def make_prefix(dest: Path, minor: str, layout: str) -> Path:
    """Fill ``dest`` with the interpreter ``minor`` in ``layout``; return ``dest/bin``."""
    source = installed_python(minor)
    if source is None:
        raise LookupError(f"no Python {minor} under {pyenv_versions_dir()}")
    link_tree(source, dest, without=("lib", f"python{minor}", "site-packages"))
    bindir = dest / "bin"
    if layout == "unversioned":
        real = bindir / f"python{minor}"
        for name in ("python", "python3"):
            (bindir / name).unlink()
            os.link(real, bindir / name)
        real.unlink()
    elif layout != "symlinked":
        raise ValueError(f"unknown layout {layout!r}")
    return bindir


def link_tree(source: Path, dest: Path, without: tuple[str, ...] = ()) -> None:
    """``dest`` as a hard-linked copy of the installation ``source`` whose ``bin`` entries,
    files and symbolic links alike, and ``lib/pythonX.Y/os.py`` (the landmark uv's base
    interpreter is found by) are its own: those a check stamps. The folder ``without``
    (a path below ``source``, as parts) is left empty: not linked and then deleted, which for
    a site-packages of 40,000 files took most of a minute on a busy machine.

    The bytecode of the installation that runs the tests, which runs uvshim too, is linked
    from this process's own copy of it: a new link to a file moves its ctime, and that
    bytecode is what a memo stamps, so linking it voided the memo of a test running beside
    (a memo test failed when the other worker made a 3.11 prefix). Without any bytecode, the
    prefix's interpreter would write its own into the prefix, which tests of what a run
    writes see."""
    skipped = source.joinpath(*without) if without else None
    runs_tests = source.resolve() == Path(sys.base_prefix).resolve()

    def ignored(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if (runs_tests and name == "__pycache__")
                or (skipped is not None and Path(folder, name) == skipped)]

    shutil.copytree(source, dest, symlinks=True, copy_function=os.link, ignore=ignored)
    if runs_tests:
        shutil.copytree(own_bytecode(source, skipped), dest, symlinks=True,
                        copy_function=os.link, dirs_exist_ok=True)
    if without:
        dest.joinpath(*without).mkdir()
    for entry in [*(dest / "bin").iterdir(), *dest.glob("lib/python*/os.py")]:
        own = entry.with_name(f".{entry.name}.own")
        if entry.is_symlink():
            own.symlink_to(os.readlink(entry))
        elif entry.is_file():
            shutil.copy2(entry, own)
        else:
            continue
        own.replace(entry)


def swap_prefix(dest: Path, minor: str, layout: str) -> Path:
    """Replace whatever interpreter is at ``dest`` by ``minor``: an image bump at one path."""
    shutil.rmtree(dest)
    return make_prefix(dest, minor, layout)


def fake_managed(root: Path, build: str) -> Path:
    """The newest pyenv 3.12 hard-linked into ``root`` as one of uv's managed installations
    (``cpython-3.12.X-linux-x86_64-gnu``), with a BUILD file naming ``build``."""
    source = installed_python("3.12")
    assert source is not None
    folder = root / f"cpython-{source.name}-linux-x86_64-gnu"
    if folder.exists():
        shutil.rmtree(folder)
    root.mkdir(exist_ok=True)
    link_tree(source, folder)
    (folder / "BUILD").write_text(f"{build}\n")
    return folder
