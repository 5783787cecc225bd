"""``uvshim explain``: argument splitting, the predicted decision, the JSON and text reports."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from _support.distributions import add_distribution
from _support.documented import json_fields, json_rows
from _support.identities import make_identity
from uvshim import check, policy
from uvshim.commands import explain
from uvshim.discovery.search import InterpreterChoice
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.policy import judge_all
from uvshim.survey import Survey
from uvshim.versions import Version


def identity_at(prefix: Path) -> InterpreterIdentity:
    return make_identity(prefix)


@pytest.mark.parametrize(("args", "expected"), [
    ([], (False, "uvx", [])),
    (["--json"], (True, "uvx", [])),
    (["--json", "ruff", "--json"], (True, "uvx", ["ruff", "--json"])),
    (["--offline", "ruff"], (False, "uvx", ["--offline", "ruff"])),
    (["--", "--json"], (False, "uvx", ["--json"])),
    (["--json", "--", "-h"], (True, "uvx", ["-h"])),
    (["-h", "ruff"], (None, "uvx", [])),
    (["ruff", "-h"], (False, "uvx", ["ruff", "-h"])),
    (["--json", "uv", "run", "--with", "x", "pytest"], (True, "uv",
                                                      ["run", "--with", "x", "pytest"])),
    (["--", "uv", "--version"], (False, "uvx", ["uv", "--version"])),  # the tool named uv
])
def test_our_options_come_first_and_the_rest_is_the_command(
        args: list[str], expected: tuple[bool | None, str, list[str]]) -> None:
    assert explain.split_args(args) == expected


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real uv file, a bucket with one stale (3.11) entry, and the survey pointed at it."""
    uv = tmp_path / "uv"
    uv.write_text("#!/bin/sh\n")
    uv.chmod(0o755)
    bucket = tmp_path / "cache" / "environments-v2" / "abc"
    bucket.mkdir(parents=True)
    env = tmp_path / "cache" / "archive-v0" / "old"
    (env / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    (env / "pyvenv.cfg").write_text(f"home = {tmp_path}\nimplementation = CPython\n"
                                    "version_info = 3.11.7\nuv = 0.13.9\n")
    add_distribution(env, "ruff", python="3.11")
    (bucket / "f4441dc0d740902a").symlink_to(env)
    identity = identity_at(tmp_path)
    choice = InterpreterChoice(executable=identity.sys_executable, identity=identity,
                               source="python on PATH", managed_install=None)

    def found(_inv: object, version: Version, *_args: object) -> Survey:
        from uvshim.environments import scan_bucket  # noqa: PLC0415

        return Survey(version, str(tmp_path / "cache"), choice, str(bucket),
                      judge_all(scan_bucket(str(bucket)), identity), "")

    monkeypatch.setattr(check, "survey", found)
    monkeypatch.setattr(explain, "uv_version", lambda _uv, _state: Version("0.13.9"))
    return tmp_path


def environ(root: Path, **extra: str) -> dict[str, str]:
    return {"UVSHIM_REAL_UV": str(root / "uv"), "HOME": str(root), "PATH": "/usr/bin",
            **extra}


def test_a_stale_environment_is_predicted_dropped_and_nothing_changes(world: Path) -> None:
    entry = world / "cache" / "environments-v2" / "abc" / "f4441dc0d740902a"
    seen = explain.preview(["--offline", "ruff"], environ(world), str(world))
    assert seen.decision.action == policy.DROP_STALE
    assert seen.decision.drop == (str(entry),)
    assert seen.argv == [str(world / "uv"), "tool", "uvx", "--offline", "ruff"]
    assert seen.decision.messages == ("the cached environment for ruff built for CPython 3.11.7, "
                             "interpreter is now CPython 3.12.1; dropped it so uv builds a "
                             "fresh one",)
    assert entry.is_symlink()


def test_a_read_only_bucket_is_predicted_to_add_no_cache(
        world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which writes anywhere: say the bucket is read-only instead.
    bucket = str(world / "cache" / "environments-v2" / "abc")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: path != bucket and real_access(path, mode))
    seen = explain.preview(["ruff"], environ(world), str(world))
    assert seen.decision.action == policy.FALLBACK
    assert seen.argv == [str(world / "uv"), "tool", "uvx", "--no-cache", "ruff"]
    assert seen.decision.messages[0].endswith("running uv with --no-cache")


def test_disabled_and_help_are_passed_through(world: Path) -> None:
    disabled = explain.preview(["ruff"], environ(world, UVSHIM_DISABLE="1"), str(world))
    assert (disabled.decision.action, disabled.survey) == (policy.DISABLED, None)
    helped = explain.preview(["--help"], environ(world), str(world))
    assert (helped.decision.action, helped.argv[3:]) == (policy.UNCHANGED, ["--help"])


def test_an_undecidable_call_is_predicted_to_run_unchanged(world: Path) -> None:
    # uv runs it (clap checks each level alone); how uv combines the two is not modelled.
    seen = explain.preview(["-q", "tool", "uvx", "-v", "ruff"], environ(world), str(world),
                           mode="uv")
    assert seen.decision.action == policy.UNCHANGED
    assert seen.decision.messages[0].startswith("warning: ")
    assert seen.decision.messages[0].endswith("; running uv unchanged")


def test_a_call_uv_refuses_is_predicted_to_run_unchanged_and_silent(world: Path) -> None:
    seen = explain.preview(["--frobnicate", "ruff"], environ(world), str(world))
    assert seen.decision.action == policy.UNCHANGED
    assert seen.decision.messages == ()
    assert seen.decision.reason.startswith("uv refuses this command itself: unknown uv option")


def test_json_report_has_the_documented_keys(world: Path) -> None:
    out = io.StringIO()
    assert explain.main(["--json", "ruff"], environ(world), out) == 0
    report = json.loads(out.getvalue())
    assert list(report) == ["schema", "uv", "interpreter", "cache", "environments",
                            "decision", "argv", "managed_pythons"]
    assert report["managed_pythons"] == {"dir": str(world / ".local" / "share" / "uv" / "python"),
                                         "problem": None, "installations": []}
    assert report["uv"] == {"path": str(world / "uv"), "version": "0.13.9"}
    assert report["interpreter"]["source"] == "python on PATH"
    assert report["interpreter"]["identity"]["build"] == "main, Jan 1 2024"
    [env] = report["environments"]
    assert env["verdict"] == "stale"
    assert env["recorded"] == {"implementation": "CPython", "version_info": "3.11.7",
                               "home": str(world), "uv": "0.13.9"}
    assert env["build_record"] is None
    assert report["decision"]["action"] == "drop-stale"
    assert report["decision"]["messages"][0].startswith("uvshim: the cached environment")


def test_json_report_is_the_documented_schema(world: Path) -> None:
    """docs/explain-and-doctor.md's table names every key, and the fields of each record."""
    out = io.StringIO()
    assert explain.main(["--json", "ruff"], environ(world), out) == 0
    report = json.loads(out.getvalue())
    assert list(report) == list(json_rows("explain"))
    [env] = report["environments"]
    records = {"uv": report["uv"], "interpreter": report["interpreter"],
               "cache": report["cache"], "environments": env,
               "decision": report["decision"], "managed_pythons": report["managed_pythons"]}
    assert {key: set(value) for key, value in records.items()} == {
        key: json_fields("explain", key) for key in records}


def test_text_report_is_aligned(world: Path) -> None:
    out = io.StringIO()
    assert explain.main(["ruff"], environ(world), out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == \
        ["uv", "interpreter", "bucket", "decision", "argv"]
    starts = {len(line) - len(line[line.index(" "):].lstrip()) for line in lines
              if not line.startswith(" ")}
    assert len(starts) == 1  # every value starts in the same column
    assert any(line.split()[0] == "stale" for line in lines)


def test_help_and_missing_uv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert explain.main(["--help"], {}, out) == 0
    assert out.getvalue().startswith("usage: uvshim explain")
    assert explain.main(["ruff"], {"PATH": str(tmp_path)}, io.StringIO()) == 1
    assert capsys.readouterr().err.startswith("uvshim: error: no real uv found")
