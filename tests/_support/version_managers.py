"""Real version managers for the integration tests: pyenv (in the image) and mise (the npm
registry's ``@jdxcode/mise-linux-x64`` package, downloaded once into the test cache).

Each test gets its own pyenv root and mise folders; their versions are hard-linked copies of
the image's pyenv interpreters (``interpreters.make_prefix``), so a test may swap one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from filelock import FileLock

from _support.interpreters import make_prefix
from _support.own_copies import own_copy
from _support.uv_binaries import support_cache_root

MISE_VERSION = "2026.9.15"  # the newest mise the model covers (``uvshim.discovery.mise``)
MISE_RELEASES = ("2026.8.10", MISE_VERSION)  # the oldest it covers, whose source was read
MISE_PACKAGE = "@jdxcode/mise-linux-x64"


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; CI must run the integration tests")
    pytest.skip(what)


def pyenv_script() -> Path:
    """The image's ``pyenv`` (``libexec/pyenv``, which every shim execs)."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    script = root / "libexec" / "pyenv"
    if not script.is_file():
        _missing(f"pyenv is not installed ({script})")
    return script


def make_pyenv_root(root: Path, versions: dict[str, str], layout: str = "symlinked") -> Path:
    """A pyenv root whose ``versions/NAME`` holds the image's Python ``MINOR``, and its shims
    (``pyenv rehash``); returns the shims folder."""
    (root / "versions").mkdir(parents=True)
    for name, minor in versions.items():
        make_prefix(root / "versions" / name, minor, layout)
    rehash_pyenv(root)
    return root / "shims"


def rehash_pyenv(root: Path) -> None:
    env = {"PYENV_ROOT": str(root), "PATH": "/usr/bin:/bin", "HOME": str(root)}
    subprocess.run([str(pyenv_script()), "rehash"], env=env, check=True, capture_output=True)


def mise_binary(version: str = MISE_VERSION) -> Path:
    """The ``mise`` binary of ``version``, from the npm registry (``npm pack``)."""
    folder = support_cache_root() / "mise" / version
    binary = folder / "mise"
    if binary.is_file():
        return binary
    if shutil.which("npm") is None:
        _missing("npm is not installed, so mise cannot be fetched")
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.parent / f"{version}.lock")):
        if not binary.is_file():
            _download_mise(folder, binary, version)
    return binary


def _download_mise(folder: Path, binary: Path, version: str) -> None:
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(folder),
                    f"{MISE_PACKAGE}@{version}"], check=True, capture_output=True)
    (archive,) = folder.glob("*.tgz")
    with tarfile.open(archive) as tar:
        member = tar.extractfile("package/bin/mise")
        assert member is not None
        partial = folder / "mise.partial"
        partial.write_bytes(member.read())
    partial.chmod(0o755)
    partial.replace(binary)
    archive.unlink()


class Mise:
    """An isolated mise: its binary in ``root/bin``, its folders under ``root``, configuration
    trusted under ``trusted``."""

    def __init__(self, root: Path, trusted: Path, version: str = MISE_VERSION) -> None:
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        os.link(own_copy(mise_binary(version)), self.bin / "mise")
        self.shims = root / "data" / "shims"
        self.env = {
            "MISE_DATA_DIR": str(root / "data"), "MISE_CONFIG_DIR": str(root / "config"),
            "MISE_CACHE_DIR": str(root / "cache"), "MISE_STATE_DIR": str(root / "state"),
            "MISE_TRUSTED_CONFIG_PATHS": str(trusted), "MISE_YES": "1",
        }

    def run(self, *args: str, cwd: Path) -> str:
        env = {**self.env, "HOME": str(self.root), "PATH": f"{self.bin}:/usr/bin:/bin"}
        done = subprocess.run([str(self.bin / "mise"), *args], env=env, cwd=cwd,
                              capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def link(self, name: str, prefix: Path, cwd: Path) -> None:
        """``mise link python@NAME PREFIX``, then the shims (``mise reshim``)."""
        self.run("link", f"python@{name}", str(prefix), cwd=cwd)
        self.run("reshim", cwd=cwd)
