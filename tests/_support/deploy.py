"""Deployment worlds for the recipe tests: uv's image layout in a temporary root, and the
wheels a build would fetch from an index, served with ``UV_FIND_LINKS`` + ``UV_OFFLINE``.

An "image" is a folder ``root`` standing for ``/``: ``root/usr/local`` is a real pyenv
installation (as in python:3.X-slim, on which uv's images are built) with uv's ``uv`` and
``uvx`` added to ``root/usr/local/bin``, and ``root/root`` is the home folder whose
``.cache`` a build or job mounts. Bumping the image replaces ``root/usr/local`` at the same
path and keeps ``root/root/.cache``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from filelock import FileLock

from _support.interpreters import make_prefix
from _support.tool_wheel import build_tool_wheel
from _support.uv_binaries import support_cache_root, uv_release

REPO = Path(__file__).resolve().parents[2]
IMAGE_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
TOX = ("tox==4.67.15", "tox-uv==1.37.1")  # pinned so every run sees the same tools
# The image paths a recipe may name; the test maps them into its root.
_IMAGE_PATH_RE = re.compile(r"(?<![\w./-])/(usr/local|root)(?=/|\s|$|\")")


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


def build_image(root: Path, minor: str, layout: str, uv_version: str) -> Path:
    """(Re)build the image's ``/usr/local`` for Python ``minor``; keep ``/root``."""
    local = root / "usr" / "local"
    if local.exists():
        shutil.rmtree(local)
    local.parent.mkdir(parents=True, exist_ok=True)
    make_prefix(local, minor, layout)
    place_uv(uv_version, local / "bin")
    (root / "root").mkdir(exist_ok=True)
    return local / "bin"


def image_env(root: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a process in the image: its PATH and HOME, nothing of the host's."""
    env = {
        "PATH": os.pathsep.join(rooted(folder, root) for folder in IMAGE_PATH),
        "HOME": str(root / "root"),
        "UV_PYTHON_DOWNLOADS": "never",  # the image's Python or nothing: no network
        "UVSHIM_STRICT": "1",
    }
    for name in ("LANG", "TMPDIR", "SSL_CERT_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra or {})
    return env


def rooted(command: str, root: Path) -> str:
    """``command`` with the image's absolute paths (/usr/local/..., /root/...) under ``root``."""
    return _IMAGE_PATH_RE.sub(lambda match: f"{root}/{match.group(1)}", command)


def run_shell(script: str, env: Mapping[str, str], cwd: Path,
              ) -> subprocess.CompletedProcess[str]:
    """Run lines as a CI runner or ``RUN`` does: one ``sh``, stop at the first failure."""
    return subprocess.run(["/bin/sh", "-ec", script], env=dict(env), cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def offline_index(destination: Path) -> Path:
    """A find-links folder standing for the package index: uvshim's own wheel (built from
    this checkout), its dependencies, the test tool, tox and tox-uv with theirs."""
    destination.mkdir(parents=True, exist_ok=True)
    for wheel in (*_uvshim_wheels().iterdir(), *_tox_wheels().iterdir()):
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


def _tox_wheels() -> Path:
    folder = support_cache_root() / "tox-uv-wheels"
    with FileLock(str(folder) + ".lock"):
        if not (folder / "complete").exists():
            for python in ("3.11", "3.12"):
                _pip("download", "--only-binary=:all:", "--python-version", python,
                     "--dest", str(folder), *TOX)
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
