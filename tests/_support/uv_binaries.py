"""Real uv release binaries for the integration tests.

Each release's ``uv`` wheel is downloaded once from the package index and its ``uv`` and
``uvx`` binaries are unpacked into a cache outside the repository
(``$UVSHIM_TEST_CACHE`` or ``~/.cache/uvshim-tests``), under a file lock so parallel test
processes download each release once; each process runs and links its own copy.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from filelock import FileLock
from packaging.version import Version

from _support.own_copies import own_copy

# One release per minor series, plus the releases where uv's behaviour changes for us
# (uvshim.uv.releases names them): 0.7.13/0.7.14 canonicalised the interpreter path,
# 0.8.17/0.8.18 stopped rebuilding on --reinstall, 0.8.19 broke `uvx --no-cache`,
# 0.13.8 added a per-entry lock.
MATRIX: tuple[str, ...] = (
    "0.5.0",
    "0.6.4",
    "0.7.13",
    "0.7.22",
    "0.8.17",
    "0.8.24",
    "0.9.30",
    "0.10.12",
    "0.11.33",
    "0.12.24",
    "0.13.9",
)
NEWEST = MATRIX[-1]
SEED = ("0.6.4", "0.7.13", NEWEST)


def support_cache_root() -> Path:
    override = os.environ.get("UVSHIM_TEST_CACHE")
    root = Path(override) if override else Path.home() / ".cache" / "uvshim-tests"
    root.mkdir(parents=True, exist_ok=True)
    return root


# A uv binary to test instead of the releases (``scripts/check_uv_release.py`` sets it): the
# tests that take ``under_test(...)`` then run against it alone, under the version it prints.
GIVEN_VARIABLE = "UVSHIM_TEST_UV"


def given_uv() -> Path | None:
    value = os.environ.get(GIVEN_VARIABLE)
    return Path(value).absolute() if value else None


def under_test(versions: tuple[str, ...]) -> tuple[str, ...]:
    """``versions``, or the version of the given uv alone when one is given."""
    given = given_uv()
    return versions if given is None else (_version_of(given),)


@functools.cache
def _version_of(uv: Path) -> str:
    done = subprocess.run([str(uv), "--version"], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.split()[1]


def _given_folder(given: Path) -> Path:
    """A folder holding ``uv`` (a link to the given binary) and ``uvx`` (its sibling ``uvx``,
    else a script that runs ``uv tool uvx``)."""
    digest = hashlib.sha256(str(given).encode()).hexdigest()[:16]
    folder = support_cache_root() / "given" / digest
    if (folder / "uvx").exists():
        return folder
    staging = folder.with_name(f".{digest}.{os.getpid()}")
    staging.mkdir(parents=True)
    (staging / "uv").symlink_to(given)
    sibling = given.parent / "uvx"
    if sibling.is_file():
        (staging / "uvx").symlink_to(sibling)
    else:
        (staging / "uvx").write_text(f'#!/bin/sh\nexec "{given}" tool uvx "$@"\n')
        (staging / "uvx").chmod(0o755)
    try:
        staging.rename(folder)
    except OSError:  # made meanwhile by another test process
        shutil.rmtree(staging)
    return folder


def uv_release(version: str) -> Path:
    """The folder holding ``uv`` and ``uvx`` of this release: this process's own copy
    (``own_copies``) of the cached one, downloaded if needed (the given uv's folder when one is
    given and prints this version)."""
    given = given_uv()
    if given is not None and under_test(MATRIX) == (version,):
        return _given_folder(given)
    return own_copy(_cached_release(version))


def _cached_release(version: str) -> Path:
    root = support_cache_root() / "uv"
    target = root / version
    if (target / "uv").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / f"{version}.lock")):
        if not (target / "uv").is_file():
            _download_and_unpack(version, root, target)
    return target


def _download_and_unpack(version: str, root: Path, target: Path) -> None:
    wheels = root / "wheels"
    wheels.mkdir(exist_ok=True)
    found = list(wheels.glob(f"uv-{version}-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", str(wheels), f"uv=={version}"],
            check=True,
        )
        found = list(wheels.glob(f"uv-{version}-*.whl"))
    staging = root / f".{version}.partial"
    staging.mkdir(exist_ok=True)
    with zipfile.ZipFile(found[0]) as wheel:
        for name in wheel.namelist():
            base = name.rsplit("/", 1)[-1]
            if ".data/scripts/" in name and base in {"uv", "uvx"}:
                dest = staging / base
                dest.write_bytes(wheel.read(name))
                dest.chmod(dest.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    staging.rename(target)


def reuses_stale_env(version: str, layout: str) -> bool:
    """Whether bare uv reuses the 3.11 environment after the swap: from 0.7.14 uv hashes the
    canonical path for the bucket (``crates/uv/src/commands/project/environment.rs``), which
    carries the version in the symlinked layout; the unversioned layout fails on every
    release."""
    return layout == "unversioned" or Version(version) < Version("0.7.14")


def quick_releases(layout: str) -> tuple[str, ...]:
    """The releases the quick tier (``--tier=quick``, tests/conftest.py) runs in ``layout``:
    the newest, and the oldest too where bare uv behaves otherwise in that layout (the
    symlinked layout before 0.7.14; the oldest also keeps ``environments-v1``)."""
    oldest = MATRIX[0]
    if reuses_stale_env(oldest, layout) != reuses_stale_env(NEWEST, layout):
        return (NEWEST, oldest)
    return (NEWEST,)
