"""Interpreters of other kinds for the integration tests: conda prefixes, a real PyPy, managed
installations of other variants (a real interpreter copied under the variant's name).

PyPy is Debian's ``pypy3`` package (``/usr/bin/pypy3`` -> ``pypy3.9``); ``require_pypy`` skips
without it, and fails in CI (``CI=true``), as ``require_python`` does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from _support.interpreters import installed_python, make_prefix

PYPY = Path("/usr/bin/pypy3")


def require_pypy() -> Path:
    if not PYPY.exists():
        message = f"no PyPy at {PYPY} (Debian's pypy3 package)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the integration tests")
        pytest.skip(message)
    return Path(os.path.realpath(PYPY))


def conda_environment(root: Path, name: str, minor: str, *, base: bool) -> dict[str, str]:
    """A conda prefix holding a real interpreter, and the variables ``conda activate`` sets.

    The base environment is the installation's root (``miniconda3``), a named one lives in
    ``miniconda3/envs/<name>``; ``CONDA_DEFAULT_ENV`` names the active one.
    """
    prefix = root / "miniconda3" if base else root / "miniconda3" / "envs" / name
    prefix.parent.mkdir(parents=True, exist_ok=True)
    make_prefix(prefix, minor, "unversioned")
    (prefix / "conda-meta").mkdir()
    return {"CONDA_PREFIX": str(prefix), "CONDA_DEFAULT_ENV": "base" if base else name,
            "CONDA_SHLVL": "1"}


def pypy_folder(folder: Path, *names: str) -> Path:
    """A PATH folder whose ``names`` are symlinks to the real PyPy."""
    target = require_pypy()
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).symlink_to(target)
    return folder


def managed_variant(pythons: Path, key: str, minor: str, executable: str) -> Path:
    """``pythons/<key>`` holding a real CPython ``minor`` as ``bin/<executable>``."""
    folder = pythons / key
    pythons.mkdir(parents=True, exist_ok=True)
    bindir = make_prefix(folder, minor, "symlinked")
    if not (bindir / executable).exists():
        (bindir / executable).symlink_to(f"python{minor}")
    return folder


def managed_pypy(pythons: Path) -> Path:
    """``pythons/pypy-3.9.16-linux-x86_64-gnu/bin/pypy3.9``, the real PyPy."""
    target = require_pypy()
    folder = pythons / "pypy-3.9.16-linux-x86_64-gnu"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "pypy3.9").symlink_to(target)
    return folder


def swappable_managed(pythons: Path, minor: str) -> Path:
    """``cpython-3.12.1-linux-x86_64-gnu`` whose ``bin/python3.12`` is (a hard link to) Python
    ``minor``: swapping it for 3.12 later keeps uv's canonical path, as an in-place rebuild
    does."""
    folder = pythons / "cpython-3.12.1-linux-x86_64-gnu"
    if folder.exists():
        shutil.rmtree(folder)
    pythons.mkdir(parents=True, exist_ok=True)
    bindir = make_prefix(folder, minor, "symlinked")
    if minor != "3.12":
        os.link(bindir / f"python{minor}", bindir / "python3.12")
    assert installed_python(minor) is not None
    return folder
