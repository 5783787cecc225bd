"""Deployment worlds for the PATH recipe tests: uv's binaries placed as an installer would,
lines run as a shell would, and the wheels an install would fetch from an index, served with
``UV_FIND_LINKS`` + ``UV_OFFLINE``. (The Docker and CI recipes run in real containers:
``_support.containers``.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from filelock import FileLock

from _support.tool_wheel import build_tool_wheel
from _support.uv_binaries import support_cache_root, uv_release

REPO = Path(__file__).resolve().parents[2]


def place_uv(version: str, folder: Path, *, copy: bool = False) -> Path:
    """Put release ``version``'s ``uv`` and ``uvx`` into ``folder``, as an installer would.

    A hard link, not a symlink: uvx runs the uv beside the file it was started as. ``copy``
    for a test that stamps the files: every link to the cached release shares one inode,
    whose ctime changes whenever another test, running at the same time, links it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("uv", "uvx"):
        source = uv_release(version) / name
        if copy or not _hard_link(source, folder / name):
            shutil.copy2(source, folder / name)
    return folder


def _hard_link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:  # another file system
        return False
    return True


def run_shell(script: str, env: Mapping[str, str], cwd: Path,
              ) -> subprocess.CompletedProcess[str]:
    """Run lines as a shell script does: one ``sh``, stop at the first failure."""
    return subprocess.run(["/bin/sh", "-ec", script], env=dict(env), cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def offline_index(destination: Path) -> Path:
    """A find-links folder standing for the package index: uvshim's own wheel (built from
    this checkout), its dependencies, and the test tool."""
    destination.mkdir(parents=True, exist_ok=True)
    for wheel in _uvshim_wheels().iterdir():
        if wheel.suffix == ".whl" and not (destination / wheel.name).exists():
            os.link(wheel, destination / wheel.name)
    build_tool_wheel(destination)
    return destination


def _uvshim_wheels() -> Path:
    folder = support_cache_root() / "uvshim-wheels" / _source_digest()
    with FileLock(str(folder.parent) + ".lock"):
        if not (folder / "complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            _pip("wheel", "--wheel-dir", str(folder), str(REPO))
            (folder / "complete").write_text("")
    return folder


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet"], check=True,
                   capture_output=True)


def _source_digest() -> str:
    """Changes whenever anything that goes into uvshim's wheel changes."""
    digest = hashlib.sha256()
    files = [REPO / "pyproject.toml", REPO / "README.md",
             *sorted((REPO / "src").rglob("*.py")), *sorted((REPO / "shims").iterdir())]
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
