"""Every way of reaching the shim repairs the stale environment, with the newest uv and 0.6.4."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

TOOL = ["--offline", "--find-links", "{wheels}", "shimcheck"]

ENTRY_POINTS = {
    "uvx launcher": ["{launchers}/uvx", *TOOL],
    "uv launcher, tool run": ["{launchers}/uv", "tool", "run", *TOOL],
    "uv launcher, tool uvx": ["{launchers}/uv", "tool", "uvx", *TOOL],
    "uv launcher, global option first": ["{launchers}/uv", "--no-config", "tool", "run", *TOOL],
    "uvshim uvx": [str(Path(sys.executable).with_name("uvshim")), "uvx", *TOOL],
    "python -m uvshim uvx": [sys.executable, "-m", "uvshim", "uvx", *TOOL],
}


@pytest.mark.parametrize("version", [NEWEST, "0.6.4"])
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_point_repairs(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                             entry: str, version: str) -> None:
    require_python("3.11")
    require_python("3.12")
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, "3.11", "unversioned")
    sandbox.path_dirs = [bindir, real]
    tool = [str(real / "uvx"), "--offline", "--find-links", str(tool_wheels), "shimcheck"]
    assert sandbox.run(tool).stdout.startswith("shimcheck 3.11 ")
    swap_prefix(prefix, "3.12", "unversioned")

    argv = [part.format(launchers=launchers, wheels=tool_wheels)
            for part in ENTRY_POINTS[entry]]
    result = sandbox.run(argv)
    assert result.stdout.startswith("shimcheck 3.12 "), result.stderr
    assert result.stderr.count("uvshim: ") == 1, result.stderr
