"""Fuzzing the whole check (``full_check.uv_arguments``, real planning, exec never reached) with
hostile argv and environment values: it never raises, prints at most one ``uvshim:`` line
and never an internal error, and never changes a tool argument."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from strategies import PROPERTIES, UvxArgv, option_like, uvx_argvs

from _support.identities import make_identity
from uvshim import full_check, survey
from uvshim.drop import DropOutcome
from uvshim.uv.cache_key import bucket_dir
from uvshim.versions import Version

UV = Version("0.13.9")
PY312 = make_identity("/fuzz")

weird_text = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=40)
env_values = st.one_of(
    weird_text,
    st.sampled_from(["", " ", "rel/dir", "with space/x", "line\nbreak", "~/x", "3.12",
                     "python3.12", ">=3.11,<3.13", "cpython@3.12", "/", "..", "-", "=",
                     "pypy3.10", "/no/such/python"]),
)
junk_argv = st.lists(st.one_of(option_like, weird_text,
                               st.builds(lambda o, v: f"{o}={v}", option_like, weird_text)),
                     max_size=12)
huge_argv = st.lists(st.sampled_from(["--with", "x", "--", "-p", "3.12", "tool", ""]),
                     min_size=200, max_size=2000)
VARIABLES = ("UV_PYTHON", "UV_CACHE_DIR", "UV_NO_CACHE", "UV_PYTHON_PREFERENCE",
             "UV_MANAGED_PYTHON", "UV_ISOLATED", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
             "UV_CONFIG_FILE", "UVSHIM_LOCK_TIMEOUT")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No interpreter on PATH, a fake real uv, this test's own state folder."""
    uv = tmp_path / "uv"
    uv.write_text("#!/bin/sh\nexit 0\n")
    uv.chmod(0o755)
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: UV)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    return {"UVSHIM_REAL_UV": str(uv), "UVSHIM_CACHE_DIR": str(tmp_path / "state"),
            "HOME": str(tmp_path), "PATH": str(tmp_path / "empty")}


def check(args: list[str], environ: dict[str, str], mode: str,
          capsys: pytest.CaptureFixture[str]) -> list[str]:
    result = full_check.uv_arguments(mode, list(args), environ["UVSHIM_REAL_UV"], environ)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) <= 1, lines
    assert all(line.startswith("uvshim: ") for line in lines), lines
    assert not any("internal error" in line for line in lines), lines
    return result


@given(args=st.one_of(junk_argv, huge_argv, st.builds(lambda a: a.argv, uvx_argvs())),
       values=st.dictionaries(st.sampled_from(VARIABLES), env_values, max_size=5),
       mode=st.sampled_from(["uvx", "uv"]))
@example(args=["--", "--python", "x"], values={"UV_PYTHON": "line\nbreak"}, mode="uvx")
@example(args=["-p=", "tool"], values={"UV_CACHE_DIR": "with space/x"}, mode="uvx")
@example(args=["tool", "run", "--", "ruff", "--"], values={}, mode="uv")
@PROPERTIES
def test_nothing_changes_when_nothing_is_stale(world: dict[str, str], args: list[str],
                                               values: dict[str, str], mode: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert check(args, {**world, **values}, mode, capsys) == args


@given(argv=uvx_argvs(), python=st.one_of(st.just(""), st.just("3.12"), env_values))
@example(argv=UvxArgv(UV, ["--with", "a=b"], True, "tox", ["--", "-p", "x", "--no-cache"]),
         python="")
# Found by this test: a tool name holding a line separator split the warning in two lines.
@example(argv=UvxArgv(None, [], False, "\x1e", []), python="3.12")
# A path holding a byte that is not UTF-8 (argv decodes it to a lone surrogate).
@example(argv=UvxArgv(None, ["--cache-dir", "\udcff", "--reinstall"], False, "t", []), python="")
@PROPERTIES
def test_a_fallback_flag_never_touches_the_tool_arguments(
        world: dict[str, str], argv: UvxArgv, python: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A stale environment on a cache that cannot be changed: ``--no-cache`` goes in among
    uv's options, and everything from the command on stays as it was."""
    cache = tmp_path / "cache"
    stale_bucket(cache)
    monkeypatch.setattr(survey, "identify", lambda _path, _state: PY312)
    monkeypatch.setattr("uvshim.drop.drop_for_rebuild", lambda *_args: DropOutcome(
        (), "cannot remove a link: Read-only file system"))
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    (bindir / "python").touch(mode=0o755)
    environ = {**world, "PATH": str(bindir), "UV_CACHE_DIR": str(cache)}
    if python:
        environ["UV_PYTHON"] = python
    result = check(argv.argv, environ, "uvx", capsys)
    tail = argv.argv[len(argv.options):]
    assert result[len(result) - len(tail):] == tail
    event("--no-cache inserted" if result != argv.argv else "ran unchanged")
    if result != argv.argv:
        head = result[: len(result) - len(tail)]
        head.remove("--no-cache")
        assert head == argv.options


def stale_bucket(cache: Path) -> None:
    bucket = Path(bucket_dir(str(cache), PY312, UV))
    if bucket.is_dir():
        return
    archive = cache / "archive-v0" / "old"
    (archive / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    (archive / "pyvenv.cfg").write_text("implementation = CPython\nversion_info = 3.11.7\n")
    bucket.mkdir(parents=True)
    os.symlink(archive, bucket / "r1")
