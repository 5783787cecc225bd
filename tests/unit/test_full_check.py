"""The hot path with the exec mocked: the argv uv would get, and the lines the user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from _support.exec_mock import exec_argv, mock_exec
from _support.identities import make_identity
from uvshim import check, full_check
from uvshim.discovery.search import InterpreterChoice
from uvshim.drop import DropOutcome
from uvshim.environments import CachedEnv
from uvshim.errors import UndecidableError
from uvshim.policy import Verdict
from uvshim.survey import Survey
from uvshim.versions import Version

IDENTITY = make_identity()
STALE = CachedEnv(entry="/c/environments-v2/h/r", target="/c/archive-v0/a",
                  config={"implementation": "CPython", "version_info": "3.11.7"})
REASON = "built for CPython 3.11.7, interpreter is now CPython 3.12.1"


@pytest.fixture
def uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    binary = tmp_path / "uv"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755)
    mock_exec(monkeypatch)
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: Version("0.13.9"))
    return str(binary)


def environ(uv: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"UVSHIM_REAL_UV": uv, "UVSHIM_CACHE_DIR": str(tmp_path / "state"),
            "HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **extra}


def stale_survey() -> Survey:
    choice = InterpreterChoice(executable="/p/bin/python", identity=IDENTITY,
                               source="first python on PATH (/p/bin)", managed_install=None)
    verdicts = (Verdict(STALE, stale=True, reason=REASON),)
    return Survey(Version("0.13.9"), "/c", choice, "/c/environments-v2/h", verdicts, "")


def test_disabled_is_a_pure_pass_through(uv: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(full_check, "uv_version", None)  # would fail if called
    args = ["--bogus-option", "tool", "--python", "x"]
    env = environ(uv, tmp_path, UVSHIM_DISABLE="1")
    assert exec_argv("uvx", args, env) == [uv, "tool", "uvx", *args]


def test_missing_uv_exits_127_with_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        full_check.main("uvx", ["ruff"], {"PATH": str(tmp_path)})
    assert raised.value.code == 127
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("uvshim: error: no real uv found")


def test_an_option_uv_refuses_runs_uv_unchanged_and_silent(
        uv: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """uv says "unexpected argument '--frobnicate' found" itself, before it reads its cache."""
    args = ["--frobnicate", "ruff", "--python", "x"]
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]
    assert capsys.readouterr().err == ""


def test_unknown_option_of_a_newer_uv_runs_uv_unchanged_after_one_warning(
        uv: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: Version("99.0.0"))
    args = ["--frobnicate", "ruff", "--python", "x"]
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("uvshim: warning: ")
    assert lines[0].endswith("; running uv unchanged")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"], []])
def test_help_and_version_are_not_checked(uv: str, tmp_path: Path, args: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "survey", None)  # would fail if called
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]


def test_uv_commands_other_than_tool_run_are_untouched(uv: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "survey", None)
    args = ["pip", "install", "--python", "3.12", "ruff"]
    assert exec_argv("uv", args, environ(uv, tmp_path)) == [uv, *args]


def test_internal_errors_fail_open_and_strict_mode_raises(
        uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*_args: object, **_kwargs: object) -> Survey:
        raise KeyError("boom")

    monkeypatch.setattr(check, "survey", broken)
    args = ["ruff", "check"]
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]
    assert "internal error (KeyError" in capsys.readouterr().err
    with pytest.raises(KeyError):
        full_check.main("uvx", args, environ(uv, tmp_path, UVSHIM_STRICT="1"))


def test_a_module_the_check_cannot_load_says_to_reinstall(
        uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def unloadable(*_args: object, **_kwargs: object) -> Survey:
        raise ModuleNotFoundError("No module named 'packaging'")

    monkeypatch.setattr(check, "survey", unloadable)
    args = ["ruff", "check"]
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]
    assert capsys.readouterr().err == (
        "uvshim: warning: uvshim's installation is broken (ModuleNotFoundError: No module named "
        "'packaging'); running uv unchanged; reinstall uvshim\n")


def test_undecidable_is_one_warning(uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    def undecidable(*_args: object, **_kwargs: object) -> Survey:
        raise UndecidableError("request 'pypy@3.10' is not modelled")

    monkeypatch.setattr(check, "survey", undecidable)
    assert exec_argv("uvx", ["ruff"], environ(uv, tmp_path)) == [uv, "tool", "uvx", "ruff"]
    assert capsys.readouterr().err == (
        "uvshim: warning: request 'pypy@3.10' is not modelled; running uv unchanged\n")


def test_a_deleted_working_folder_is_left_to_uv(uv: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """uv says "Current directory does not exist" itself: nothing to add."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert exec_argv("uvx", ["ruff"], environ(uv, tmp_path)) == [uv, "tool", "uvx", "ruff"]
    assert capsys.readouterr().err == ""


def test_a_deleted_working_folder_with_an_absolute_directory_is_checked(
        uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uv changes into an absolute --directory first, and runs the tool from there."""
    seen: list[str] = []

    def survey(_inv: object, _version: object, _environ: object, cwd: str,
               _state: object) -> Survey:
        seen.append(cwd)
        return stale_survey()

    monkeypatch.setattr(check, "survey", survey)
    monkeypatch.setattr(check, "tools_in", lambda _target: ("ruff",))
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    args = ["--directory", str(tmp_path), "ruff"]
    exec_argv("uvx", args, environ(uv, tmp_path, UVSHIM_STRICT="1"))
    assert seen == [str(tmp_path)]


@pytest.mark.parametrize(("quiet", "expect_line"), [([], True), (["-q"], False)])
def test_stale_env_is_dropped_and_said_once(
        uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], quiet: list[str], expect_line: bool) -> None:
    dropped: list[tuple[str, ...]] = []

    def fake_drop(_bucket: str, judged: dict[str, str], _timeout: float) -> DropOutcome:
        dropped.append(tuple(judged))
        return DropOutcome(tuple(judged), None)

    monkeypatch.setattr(check, "survey", lambda *_a, **_k: stale_survey())
    monkeypatch.setattr("uvshim.drop.drop_for_rebuild", fake_drop)
    monkeypatch.setattr(check, "tools_in", lambda target: ("ruff",) if target == STALE.target
                        else ())
    args = [*quiet, "ruff", "--python", "x"]
    assert exec_argv("uvx", args, environ(uv, tmp_path)) == [uv, "tool", "uvx", *args]
    assert dropped == [(STALE.entry,)]
    err = capsys.readouterr().err
    expected = (f"uvshim: the cached environment for ruff {REASON}; "
                "dropped it so uv builds a fresh one\n")
    assert err == (expected if expect_line else "")


@pytest.mark.parametrize(("version", "flags"), [("0.13.9", ["--no-cache"]), ("0.8.19", [])])
def test_when_the_link_cannot_be_dropped_a_flag_is_inserted_before_the_command(
        uv: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], version: str, flags: list[str]) -> None:
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: Version(version))
    monkeypatch.setattr(check, "survey", lambda *_a, **_k: stale_survey())
    monkeypatch.setattr("uvshim.drop.drop_for_rebuild", lambda *_a: DropOutcome(
        (), "cannot remove a link in /c: Read-only file system"))
    monkeypatch.setattr(check, "tools_in", lambda _target: ("ruff",))
    args = ["--with", "x", "ruff", "--no-cache"]
    got = exec_argv("uvx", args, environ(uv, tmp_path))
    assert got == [uv, "tool", "uvx", "--with", "x", *flags, "ruff", "--no-cache"]
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("uvshim: warning: the cached environment for ruff")
    assert "Read-only file system" in line
