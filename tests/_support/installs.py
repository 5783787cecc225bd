"""uvshim installed as a user installs it, into a real interpreter, and the ways such an
installation breaks under its launchers.

The interpreter is a hard-linked copy of a pyenv installation (``make_prefix``); uvshim and its
dependencies come from wheels built from this checkout (``offline_index``), installed with
real uv, offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from _support.interpreters import make_prefix


@dataclass(frozen=True)
class Installation:
    """A base Python at ``prefix``, a virtual environment made from it, uvshim in that."""

    prefix: Path
    venv: Path
    minor: str

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def uvshim(self) -> Path:
        return self.venv / "bin" / "uvshim"

    @property
    def site_packages(self) -> Path:
        return self.venv / "lib" / f"python{self.minor}" / "site-packages"


def install_uvshim(root: Path, minor: str, uv: Path, index: Path, env: dict[str, str],
                   ) -> Installation:
    """``python -m venv`` on a copy of Python ``minor`` whose ``bin/python3`` is a real file
    (so that another minor can later stand at the same path), then ``uv pip install uvshim``."""
    root.mkdir(parents=True, exist_ok=True)
    prefix = root / "base-python"
    make_prefix(prefix, minor, "unversioned")
    venv = root / "venv"
    _run([str(prefix / "bin" / "python3"), "-m", "venv", "--without-pip", str(venv)], env)
    installation = Installation(prefix, venv, minor)
    _run([str(uv), "pip", "install", "--python", str(installation.python), "--offline",
          "--find-links", str(index), "uvshim"], env)
    return installation


def _run(argv: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(list(argv), env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, f"{argv}: {done.stderr}"
    return done.stdout


def remove_distribution(installation: Installation, name: str) -> None:
    """Delete a distribution's files from site-packages, as a half-done upgrade leaves it."""
    site = installation.site_packages
    found = [*site.glob(f"{name}-*.dist-info"), site / name]
    assert any(path.exists() for path in found), f"{name} is not in {site}"
    for path in found:
        shutil.rmtree(path, ignore_errors=True)


def truncate_module(installation: Installation, module: str) -> None:
    """Cut ``uvshim/<module>.py`` in the middle of a statement, and drop its cached bytecode."""
    source = installation.site_packages / "uvshim" / f"{module}.py"
    text = source.read_text()
    cut = text.index("def ") + len("def ")
    source.write_text(text[:cut])
    for cached in (source.parent / "__pycache__").glob(f"{module}.*.pyc"):
        cached.unlink()


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run so that file modes apply to it: as root, without the capabilities that let
    root read and search any folder (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), which
    ``setpriv`` drops from the bounding set before it execs ``argv``."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        message = "running as root without setpriv: a mode of 000 cannot be made to apply"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the integration tests")
        pytest.skip(message)
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *argv]


def proves_unreadable(folder: Path) -> bool:
    """Whether a process started through ``unprivileged`` really cannot list ``folder``."""
    probe = [sys.executable, "-I", "-S", "-c",
             "import os, sys\ntry:\n    os.listdir(sys.argv[1])\nexcept PermissionError:\n"
             "    sys.exit(0)\nsys.exit(1)", str(folder)]
    return subprocess.run(unprivileged(probe), check=False, timeout=60).returncode == 0
