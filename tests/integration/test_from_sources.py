"""``uvx --from`` a local project or a wheel, the everyday way to try one's own CLI: the shim
decides where uv will look (uv 0.11.17+ reads the project's ``requires-python``), says nothing
on a healthy cache, and repairs the environment after the interpreter is swapped behind the
same path, where bare uv reuses the stale one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.local_project import make_local_project
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

OLD, NEW = "3.12", "3.13"
LAYOUT = "unversioned"


def notes(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("uvshim:")]


def prints(done: subprocess.CompletedProcess[str], tool: str, minor: str) -> bool:
    return done.returncode == 0 and done.stdout.startswith(f"{tool} {minor} ")


@pytest.mark.parametrize("uv", ["0.11.16", NEWEST])
@pytest.mark.parametrize("source", ["project", "wheel"])
def test_from_a_local_source(sandbox: Sandbox, tool_wheels: Path, launchers: Path, uv: str,
                             source: str) -> None:
    for minor in (OLD, NEW, "3.11"):
        require_python(minor)
    real = uv_release(uv)
    prefix = sandbox.root / "prefix"
    # A 3.11 later on PATH: the project's requires-python (>=3.12) excludes it.
    sandbox.path_dirs = [make_prefix(prefix, OLD, LAYOUT),
                         make_prefix(sandbox.root / "py311", "3.11", "symlinked"), real]
    if source == "project":
        make_local_project(sandbox.root / "work" / "my-project", ">=3.12")
        args, tool = ["--offline", "--from", "./my-project", "localtool"], "localtool"
    else:
        (wheel,) = tool_wheels.glob("shimcheck-*.whl")
        args, tool = ["--offline", "--from", str(wheel), "shimcheck"], "shimcheck"
    bare, shim = [str(real / "uvx"), *args], [str(launchers / "uvx"), *args]

    built = sandbox.run(bare)
    assert prints(built, tool, OLD), built.stderr
    healthy = sandbox.run(shim)
    assert prints(healthy, tool, OLD), healthy.stderr
    assert notes(healthy) == []

    swap_prefix(prefix, NEW, LAYOUT)
    broken = sandbox.run(bare)
    assert not prints(broken, tool, NEW), "bare uv must reuse the stale environment here"
    fixed = sandbox.run(shim)
    assert prints(fixed, tool, NEW), fixed.stderr
    (line,) = notes(fixed)
    assert f"the cached environment for {tool} built for CPython {OLD}" in line
    again = sandbox.run(shim)
    assert prints(again, tool, NEW), again.stderr
    assert notes(again) == []
