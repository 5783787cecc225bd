"""``uv/empty_values`` against every uv release in the matrix: what clap refuses, what uv reads
as not given, and what uv refuses itself before it builds anything."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from _support.interpreters import installed_python, make_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import MATRIX, uv_release
from uvshim.uv.empty_values import REFUSED, UNSET, empty_value_meaning
from uvshim.uv.options import Level, options_for
from uvshim.versions import Version

# Refused by uv after clap accepted the value: its requirement parser, before any environment.
_REFUSED_BY_UV = {"from"}
_REFUSED_BY_UV_UNTIL = {"with": Version("0.5.1"), "with-editable": Version("0.5.1")}


def value_options(version: Version) -> list[str]:
    lookup = options_for(version, Level.UVX)
    return sorted({option.name for option in lookup.longs.values() if option.takes_value})


def refused_by_uv(name: str, version: Version) -> bool:
    until = _REFUSED_BY_UV_UNTIL.get(name)
    return name in _REFUSED_BY_UV or (until is not None and version < until)


@pytest.mark.parametrize("release", MATRIX)
def test_what_clap_refuses_is_in_the_table(sandbox: Sandbox, release: str) -> None:
    version = Version(release)
    uv = str(uv_release(release) / "uv")
    wrong = {}
    for name in value_options(version):
        done = sandbox.run([uv, "tool", "uvx", f"--{name}=", "--help"])
        clap_refuses = done.returncode != 0
        table_refuses = empty_value_meaning(name, version) == REFUSED
        if clap_refuses != (table_refuses and not refused_by_uv(name, version)):
            wrong[name] = (clap_refuses, done.stderr.strip().splitlines()[:1])
    assert wrong == {}


@pytest.mark.parametrize("release", MATRIX)
def test_what_uv_reads_as_not_given_or_refuses_itself(sandbox: Sandbox, tool_wheels: Path,
                                                      release: str) -> None:
    for minor in ("3.11", "3.12"):
        require_python(minor)
    version = Version(release)
    uvx = str(uv_release(release) / "uvx")
    sandbox.path_dirs = [make_prefix(sandbox.root / "prefix", "3.12", "symlinked")]
    tool = ["--offline", "--find-links", str(tool_wheels), "shimcheck"]
    plain = sandbox.run([uvx, *tool])
    assert plain.returncode == 0, plain.stderr
    other = installed_python("3.11")
    assert other is not None
    # clap reads UV_PYTHON only when --python is absent: an empty --python ignores it.
    env = {**sandbox.env(), "UV_PYTHON": str(other / "bin" / "python3.11")}
    wrong: dict[str, object] = {}
    for name in value_options(version):
        meaning = empty_value_meaning(name, version)
        if meaning == UNSET:
            done = sandbox.run([uvx, f"--{name}=", *tool], env=env if name == "python" else None)
            if (done.returncode, done.stdout) != (0, plain.stdout):
                wrong[name] = _said(done)
        elif refused_by_uv(name, version):
            before = _entries(sandbox)
            done = sandbox.run([uvx, f"--{name}=", *tool])
            if done.returncode == 0 or _entries(sandbox) != before:
                wrong[name] = _said(done)
    assert wrong == {}


def _said(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr[-300:]


def _entries(sandbox: Sandbox) -> set[Path]:
    return set((sandbox.root / "cache").glob("environments-v*/*/*"))
