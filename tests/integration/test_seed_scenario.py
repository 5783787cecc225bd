"""The seed report: shared cache, image bump 3.11 -> 3.12 at one path, ``uvx tox --version``.

tox and its dependencies come from the package index once (pure-Python wheels, kept in the
test cache) and are served with ``--find-links … --offline``, as a CI job with a warm cache
would see them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from _support.interpreters import LAYOUTS, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import SEED, reuses_stale_env, support_cache_root, uv_release

TOX = "tox==4.67.15"  # pinned so the test sees the same tox every run


@pytest.fixture(scope="session")
def tox_wheels() -> Path:
    folder = support_cache_root() / "tox-wheels"
    with FileLock(str(support_cache_root() / "tox-wheels.lock")):
        if not (folder / "complete").exists():
            for python in ("3.11", "3.12"):
                subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                     "--python-version", python, "--dest", str(folder), TOX], check=True)
            (folder / "complete").write_text("")
    return folder


def tox_version(sandbox: Sandbox, uvx: Path, wheels: Path) -> subprocess.CompletedProcess[str]:
    # A project with a tox.ini, as in the seed report; without one tox also prints a notice.
    (sandbox.root / "work" / "tox.ini").write_text("[tox]\nenv_list = unit\n")
    return sandbox.run([str(uvx), "--offline", "--find-links", str(wheels), "tox", "--version"])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("version", SEED)
def test_uvx_tox_after_image_bump(sandbox: Sandbox, tox_wheels: Path, launchers: Path,
                                  version: str, layout: str) -> None:
    require_python("3.11")
    require_python("3.12")
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, "3.11", layout)
    sandbox.path_dirs = [launchers, bindir, real]

    before = tox_version(sandbox, launchers / "uvx", tox_wheels)
    assert "python3.11/site-packages" in before.stdout, before.stderr

    swap_prefix(prefix, "3.12", layout)
    bare = tox_version(sandbox, real / "uvx", tox_wheels)
    if reuses_stale_env(version, layout):
        assert "python3.12/site-packages" not in bare.stdout, "uv no longer reuses it"
        assert bare.returncode != 0 or not bare.stdout.strip(), bare.stdout

    after = tox_version(sandbox, launchers / "uvx", tox_wheels)
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("4.67.15 from "), after.stdout
    assert "python3.12/site-packages" in after.stdout, after.stderr
