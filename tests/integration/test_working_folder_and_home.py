"""uv reads relative paths against ``--directory`` and finds its folders without ``HOME``; the
shim must look where uv looks. Each case: the interpreter swapped behind one path (the
unversioned layout, where every uv release reuses the stale environment), bare uv fails, the
shim repairs it with one line, and the next run is silent."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

OLD, NEW = "3.11", "3.12"
LAYOUT = "unversioned"


def shim_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("uvshim:")]


def runs(done: subprocess.CompletedProcess[str], minor: str) -> bool:
    return done.returncode == 0 and done.stdout.startswith(f"shimcheck {minor} ")


def repaired_after_swap(sandbox: Sandbox, prefix: Path, bare: list[str], shim: list[str],
                        env: dict[str, str]) -> None:
    assert runs(sandbox.run(bare, env), OLD)
    swap_prefix(prefix, NEW, LAYOUT)
    broken = sandbox.run(bare, env)
    assert not runs(broken, NEW), "bare uv must reuse the stale environment here"
    fixed = sandbox.run(shim, env)
    assert runs(fixed, NEW), fixed.stderr
    (line,) = shim_lines(fixed)
    assert "dropped it so uv builds a fresh one" in line
    again = sandbox.run(shim, env)
    assert runs(again, NEW), again.stderr
    assert shim_lines(again) == []


@pytest.mark.parametrize("uv", ["0.6.4", NEWEST])
def test_directory_moves_a_relative_cache(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                          uv: str) -> None:
    """``uvx --directory D`` with ``UV_CACHE_DIR=.uv-cache``: the cache is ``D/.uv-cache``."""
    for minor in (OLD, NEW):
        require_python(minor)
    real = uv_release(uv)
    prefix = sandbox.root / "prefix"
    sandbox.path_dirs = [make_prefix(prefix, OLD, LAYOUT), real]
    project = sandbox.root / "monorepo" / "tools"
    project.mkdir(parents=True)
    env = {**sandbox.env(), "UV_CACHE_DIR": ".uv-cache"}
    args = ["--directory", str(project), "--offline", "--find-links", str(tool_wheels),
            "shimcheck"]
    repaired_after_swap(sandbox, prefix, [str(real / "uvx"), *args],
                        [str(launchers / "uvx"), *args], env)
    assert (project / ".uv-cache").is_dir()
    assert not (sandbox.root / "work" / ".uv-cache").exists()


def test_directory_moves_a_relative_python(sandbox: Sandbox, tool_wheels: Path,
                                           launchers: Path) -> None:
    """``uv --directory D tool run -p rel/bin/python3``: the path is relative to D."""
    for minor in (OLD, NEW):
        require_python(minor)
    real = uv_release(NEWEST)
    project = sandbox.root / "project"
    project.mkdir()
    prefix = project / "py"
    make_prefix(prefix, OLD, LAYOUT)
    sandbox.path_dirs = [real]
    tail = ["tool", "run", "-p", "py/bin/python3", "--offline", "--find-links",
            str(tool_wheels), "shimcheck"]
    head = ["--directory", str(project)]
    repaired_after_swap(sandbox, prefix, [str(real / "uv"), *head, *tail],
                        [str(launchers / "uv"), *head, *tail], sandbox.env())


def test_no_home_is_the_password_database_home(sandbox: Sandbox, tool_wheels: Path,
                                               launchers: Path) -> None:
    """Without HOME (cron, systemd, ``env -i``) uv reads its user configuration from the
    password database's home; the shim decides as uv does instead of giving up."""
    for minor in (OLD, NEW):
        require_python(minor)
    real = uv_release(NEWEST)
    prefix = sandbox.root / "prefix"
    sandbox.path_dirs = [make_prefix(prefix, OLD, LAYOUT), real]
    env = {name: value for name, value in sandbox.env().items()
           if name not in {"HOME", "XDG_CONFIG_HOME"}}  # the cache stays UV_CACHE_DIR's
    assert "HOME" not in env
    args = ["--offline", "--find-links", str(tool_wheels), "shimcheck"]
    repaired_after_swap(sandbox, prefix, [str(real / "uvx"), *args],
                        [str(launchers / "uvx"), *args], env)
