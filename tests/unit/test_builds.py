"""Build records beside cached environments, and what the hot path does on a build change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _support.distributions import add_distribution
from _support.exec_mock import exec_argv, mock_exec
from _support.identities import make_identity
from uvshim import check, full_check
from uvshim.builds import (
    RECORD_NAME,
    BuildFingerprint,
    drift,
    fingerprint,
    managed_build,
    read_record,
    review_builds,
    write_record,
)
from uvshim.discovery.search import InterpreterChoice
from uvshim.environments import scan_bucket
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.policy import build_change_action, judge_all, usable
from uvshim.record import replace
from uvshim.survey import Survey
from uvshim.versions import Version

OLD_BUILD = BuildFingerprint("CPython", "3.12.1", "main, Jan 1 2024", "GCC 12", None, None)


def identity_at(prefix: Path, build: str = "main, Jan 1 2024") -> InterpreterIdentity:
    return make_identity(prefix, build=build)


def make_bucket(root: Path, names: list[str], version: str = "3.12.1") -> Path:
    """A bucket of entries linking to environments built for ``version`` with home ``root``."""
    bucket = root / "cache" / "environments-v2" / "abc"
    bucket.mkdir(parents=True)
    for name in names:
        env = root / "cache" / "archive-v0" / name
        (env / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
        (env / "pyvenv.cfg").write_text(
            f"home = {root}\nimplementation = CPython\nversion_info = {version}\n")
        add_distribution(env, "ruff")
        (bucket / name).symlink_to(env)
    return bucket


def test_a_record_reads_back_and_the_first_one_wins(tmp_path: Path) -> None:
    assert read_record(str(tmp_path)) is None
    assert write_record(str(tmp_path), OLD_BUILD)
    newer = replace(OLD_BUILD, build="main, Feb 2 2024")
    assert write_record(str(tmp_path), newer)  # exists already: kept, not replaced
    assert read_record(str(tmp_path)) == OLD_BUILD
    assert sorted(os.listdir(tmp_path)) == [RECORD_NAME]  # no temporary file left behind


@pytest.mark.parametrize("content", [b"", b"garbage", b"uvshim-build-v1\0sCPython",
                                     b"uvshim-build-v9\0sa\0sb\0sc\0sd\0n\0n",
                                     b"uvshim-build-v1\0sa\0sb\0sc\0i3\0n\0n"])
def test_an_unreadable_record_is_no_record(tmp_path: Path, content: bytes) -> None:
    (tmp_path / RECORD_NAME).write_bytes(content)
    assert read_record(str(tmp_path)) is None


def test_a_read_only_environment_gets_no_record(tmp_path: Path) -> None:
    assert not write_record(str(tmp_path / "missing"), OLD_BUILD)


@pytest.mark.parametrize(("changes", "drifted"), [
    ({}, False),
    ({"build": "main, Feb 2 2024"}, True),
    ({"compiler": "Clang 17"}, True),
    ({"managed_build": "20240814"}, True),
    ({"managed_install": "/elsewhere"}, False),  # the same build in another folder
    ({"version": "3.12.2", "build": "main, Feb 2 2024"}, False),  # a patch upgrade: policy's
    ({"implementation": "PyPy"}, False),  # another implementation: stale, policy's
])
def test_drift_is_another_build_of_the_same_version(changes: dict[str, str],
                                                    drifted: bool) -> None:
    reason = drift(OLD_BUILD, replace(OLD_BUILD, **changes))
    assert (reason is not None) is drifted


def test_drift_names_both_managed_builds() -> None:
    old = replace(OLD_BUILD, managed_build="20240107")
    reason = drift(old, replace(old, managed_build="20240814"))
    assert reason == ("was built on CPython 3.12.1 (build 20240107), interpreter is now "
                      "CPython 3.12.1 (build 20240814)")


def test_managed_build_reads_the_installation_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cpython-3.12.1-linux-x86_64-gnu"
    (folder / "install").mkdir(parents=True)
    (folder / "BUILD").write_text("20240107\n")
    assert managed_build(str(folder)) == (str(folder), "20240107")
    assert managed_build(str(folder / "install")) == (str(folder), "20240107")
    (folder / "BUILD").unlink()  # installed before uv wrote BUILD files (0.8.14)
    assert managed_build(str(folder)) == (str(folder), None)
    assert managed_build(str(tmp_path / "usr")) == (None, None)
    assert managed_build(str(tmp_path / "my-own-python-build")) == (None, None)


def test_fingerprint_of_a_managed_interpreter(tmp_path: Path) -> None:
    folder = tmp_path / "cpython-3.12.1-linux-x86_64-gnu"
    folder.mkdir()
    (folder / "BUILD").write_text("20240107")
    found = fingerprint(identity_at(folder))
    assert (found.managed_install, found.managed_build) == (str(folder), "20240107")
    assert found.describe() == "CPython 3.12.1 (build 20240107)"


def test_review_finds_drifted_and_unrecorded_and_skips_stale(tmp_path: Path) -> None:
    bucket = make_bucket(tmp_path, ["drifted", "fresh", "same"])
    stale_bucket = make_bucket(tmp_path / "old", ["stale"], version="3.11.7")
    envs = scan_bucket(str(bucket)) + scan_bucket(str(stale_bucket))
    write_record(os.path.realpath(bucket / "drifted"), OLD_BUILD)
    identity = identity_at(tmp_path, build="main, Feb 2 2024")
    write_record(os.path.realpath(bucket / "same"), fingerprint(identity))
    review = review_builds(usable(judge_all(envs, identity)), identity)
    assert [Path(env.entry).name for env, _ in review.drifted] == ["drifted"]
    assert [Path(env.entry).name for env in review.unrecorded] == ["fresh"]


@pytest.mark.parametrize(("value", "action", "problem"), [
    (None, "warn", False), ("", "warn", False), ("warn", "warn", False),
    ("REBUILD", "rebuild", False), ("sometimes", "warn", True)])
def test_build_change_action(value: str | None, action: str, problem: bool) -> None:
    chosen, said = build_change_action(value)
    assert chosen == action
    assert (said is not None) is problem


# --- the hot path, exec mocked -------------------------------------------------------------


@pytest.fixture
def drifted_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bucket holding one environment recorded with OLD_BUILD, one never seen, and the hot
    path wired to it with exec mocked."""
    bucket = make_bucket(tmp_path, ["drifted", "unseen"])
    write_record(os.path.realpath(bucket / "drifted"), OLD_BUILD)
    identity = identity_at(tmp_path, build="main, Feb 2 2024")
    choice = InterpreterChoice(executable=identity.sys_executable, identity=identity,
                               source="first python on PATH", managed_install=None)

    def found(*_args: object, **_kwargs: object) -> Survey:
        verdicts = judge_all(scan_bucket(str(bucket)), identity)
        return Survey(Version("0.13.9"), str(tmp_path / "cache"), choice, str(bucket), verdicts,
                      "")

    monkeypatch.setattr(check, "survey", found)
    mock_exec(monkeypatch)
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: Version("0.13.9"))
    return bucket


def shim(tmp_path: Path, **extra: str) -> list[str]:
    uv = tmp_path / "uv"
    uv.write_text("#!/bin/sh\nexit 0\n")
    uv.chmod(0o755)
    env = {"UVSHIM_REAL_UV": str(uv), "UVSHIM_CACHE_DIR": str(tmp_path / "state"),
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "UVSHIM_STRICT": "1", **extra}
    return exec_argv("uvx", ["ruff", "check"], env)[3:]


def test_build_change_warns_once_and_records_new_environments(
        drifted_bucket: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert shim(tmp_path) == ["ruff", "check"]
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["uvshim: warning: the cached environment for ruff was built on CPython "
                     "3.12.1 (main, Jan 1 2024; GCC 12), interpreter is now CPython 3.12.1 "
                     "(main, Feb 2 2024; GCC 12); running it as is "
                     "(UVSHIM_ON_BUILD_CHANGE=rebuild rebuilds it)"]
    assert (drifted_bucket / "drifted").is_symlink()
    unseen = read_record(os.path.realpath(drifted_bucket / "unseen"))
    assert unseen is not None
    assert unseen.build == "main, Feb 2 2024"
    assert read_record(os.path.realpath(drifted_bucket / "drifted")) == OLD_BUILD


def test_build_change_rebuild_drops_only_the_drifted_link(
        drifted_bucket: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = os.path.realpath(drifted_bucket / "drifted")
    assert shim(tmp_path, UVSHIM_ON_BUILD_CHANGE="rebuild") == ["ruff", "check"]
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("; dropped it so uv builds a fresh one")
    assert not (drifted_bucket / "drifted").exists()
    assert os.path.isdir(target)  # the environment itself stays for running processes
    assert (drifted_bucket / "unseen").is_symlink()


def test_a_bad_build_change_value_is_said_and_warns(
        drifted_bucket: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert shim(tmp_path, UVSHIM_ON_BUILD_CHANGE="maybe") == ["ruff", "check"]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert "UVSHIM_ON_BUILD_CHANGE='maybe' is not one of warn, rebuild" in lines[0]
    assert (drifted_bucket / "drifted").is_symlink()
