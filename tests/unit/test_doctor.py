"""``uvshim doctor``: the scan of a cache on disk, the checks, the fixes and the report."""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import pytest

from _support.documented import json_fields, json_rows
from _support.identities import make_identity
from uvshim.builds import BuildFingerprint, write_record
from uvshim.cli import main as cli_main
from uvshim.commands.doctor import checks as doctor_checks
from uvshim.commands.doctor import command as doctor
from uvshim.commands.doctor import scan as doctor_scan
from uvshim.commands.doctor.checks import BUILD_CHANGED, CHANGED, GONE, Finding
from uvshim.commands.doctor.fix import fix_all
from uvshim.commands.doctor.report import Progress, summary_rows, table
from uvshim.commands.doctor.scan import UvDirs
from uvshim.commands.doctor.tools import repair_commands
from uvshim.interpreter_identity import InterpreterIdentity


def identity_at(prefix: Path, version: str = "3.12.1") -> InterpreterIdentity:
    return make_identity(prefix, version)


def make_env(cache: Path, bucket: str, name: str, python: Path, version: str) -> Path:
    """An entry ``environments-vN/<ihash>/<name>`` linking to an environment whose
    ``bin/python`` links to ``python``, as uv lays them out."""
    minor = ".".join(version.split(".")[:2])
    env = cache / "archive-v0" / f"{bucket}-{name}"
    (env / "lib" / f"python{minor}" / "site-packages").mkdir(parents=True)
    (env / "bin").mkdir()
    (env / "bin" / "python").symlink_to(python)
    (env / "pyvenv.cfg").write_text(f"home = {python.parent}\nimplementation = CPython\n"
                                    f"version_info = {version}\n")
    entry = cache / bucket / "ihash" / name
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.symlink_to(env)
    (entry.parent / f"{name}.lock").touch()
    return entry


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Interpreters a (now 3.12) and gone; a cache with environments on each; identify
    answering from a table instead of running anything."""
    python = tmp_path / "a" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    cache = tmp_path / "cache"
    make_env(cache, "environments-v1", "old", python, "3.11.7")
    make_env(cache, "environments-v2", "fine", python, "3.12.1")
    make_env(cache, "environments-v2", "orphan", tmp_path / "b" / "bin" / "python", "3.12.1")
    identities = {str(python): identity_at(tmp_path / "a")}
    monkeypatch.setattr(doctor_checks, "identify", lambda path, _state: identities[path])
    return tmp_path


def findings_of(root: Path) -> dict[str, str]:
    dirs = UvDirs(str(root / "cache"), str(root / "tools"), str(root / "pythons"))
    found = doctor_scan.scan(dirs, str(root / "state"), Progress(io.StringIO(), 0,
                                                                 enabled=False))
    return {Path(f.path).name: f.problem for f in found.findings}


def test_cache_entries_cover_every_bucket_version_and_skip_locks(world: Path) -> None:
    entries = doctor_scan.cache_entries(str(world / "cache"))
    assert [Path(e).relative_to(world / "cache").as_posix() for e in entries] == [
        "environments-v1/ihash/old", "environments-v2/ihash/fine",
        "environments-v2/ihash/orphan"]


def test_scan_finds_changed_and_gone_interpreters(world: Path) -> None:
    assert findings_of(world) == {"old": CHANGED, "orphan": GONE}


def test_scan_finds_a_build_change_from_the_record(world: Path) -> None:
    fine = os.path.realpath(world / "cache" / "environments-v2" / "ihash" / "fine")
    write_record(fine, BuildFingerprint("CPython", "3.12.1", "main, Dec 1 2023", "GCC 12",
                                        None, None))
    assert findings_of(world)["fine"] == BUILD_CHANGED


def test_fix_drops_only_links_and_keeps_environments(world: Path) -> None:
    dirs = UvDirs(str(world / "cache"), str(world / "tools"), str(world / "pythons"))
    before = doctor_scan.scan(dirs, "state", Progress(io.StringIO(), 0, enabled=False))
    targets = [f.target for f in before.findings]
    fixes = fix_all(before.findings, "uv", {}, [])
    assert all(fix.ok for fix in fixes)
    assert findings_of(world) == {}
    assert all(target is not None and os.path.isdir(target) for target in targets)


def test_fix_leaves_a_link_that_uv_replaced_meanwhile(world: Path) -> None:
    dirs = UvDirs(str(world / "cache"), str(world / "tools"), str(world / "pythons"))
    before = doctor_scan.scan(dirs, "state", Progress(io.StringIO(), 0, enabled=False))
    [old] = [f for f in before.findings if f.name == "old"]
    entry = Path(old.path)
    entry.unlink()
    entry.symlink_to(world / "cache" / "archive-v0" / "environments-v2-fine")
    [fix] = fix_all([old], "uv", {}, [])
    assert fix.ok
    assert "already replaced" in fix.did
    assert entry.is_symlink()


def write_receipt(folder: Path, body: str) -> None:
    folder.mkdir(parents=True)
    (folder / "uv-receipt.toml").write_text(body)


def tool_finding(folder: Path, problem: str) -> Finding:
    return Finding("tool", problem, str(folder), folder.name, "/p/bin/python", "why")


def test_a_changed_tool_is_upgraded_then_reinstalled_from_its_receipt(tmp_path: Path) -> None:
    folder = tmp_path / "shimcheck"
    write_receipt(folder, '[tool]\nrequirements = [\n'
                          '  { name = "shimcheck", extras = ["x"], specifier = "==1.0" },\n'
                          '  { name = "six" },\n]\npython = "3.11"\n')
    assert repair_commands(tool_finding(folder, CHANGED), "uv") == [
        ["uv", "tool", "upgrade", "--reinstall", "shimcheck"],
        ["uv", "tool", "install", "--reinstall", "shimcheck[x]==1.0", "--with", "six",
         "--python", "3.11"]]


def test_a_tool_whose_interpreter_is_gone_is_reinstalled_without_that_path(
        tmp_path: Path) -> None:
    folder = tmp_path / "shimcheck"
    write_receipt(folder, '[tool]\nrequirements = [{ name = "shimcheck" }]\n'
                          f'python = "{tmp_path}/gone/bin/python"\n')
    assert repair_commands(tool_finding(folder, GONE), "uv") == [
        ["uv", "tool", "install", "--reinstall", "shimcheck"]]


def test_a_receipt_with_a_source_it_cannot_spell_gets_no_install(tmp_path: Path) -> None:
    folder = tmp_path / "tool"
    write_receipt(folder, '[tool]\nrequirements = [{ name = "tool", directory = "/src" }]\n')
    assert repair_commands(tool_finding(folder, GONE), "uv") == []
    assert repair_commands(tool_finding(folder, CHANGED), "uv") == [
        ["uv", "tool", "upgrade", "--reinstall", "tool"]]


def test_progress_draws_only_when_enabled() -> None:
    quiet, loud = io.StringIO(), io.StringIO()
    for stream, enabled in ((quiet, False), (loud, True)):
        progress = Progress(stream, 2, enabled=enabled)
        progress.step("one")
        progress.step("two")
        progress.close()
    assert quiet.getvalue() == ""
    assert "[" + "#" * 30 + "] 2/2 two" in loud.getvalue()
    assert loud.getvalue().endswith("\r")


def test_summary_table_is_aligned() -> None:
    rows = summary_rows({"cached-environment": 12, "tool": 1}, {"cached-environment": 3},
                        None, {"cached-environment": 3})
    text = table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["checked", "problems", "fixed", "left"]
    assert lines[1].split() == ["cached", "environments", "12", "3", "-", "3"]
    assert len({len(line) for line in lines}) == 1


def run_doctor(root: Path, monkeypatch: pytest.MonkeyPatch,
               *args: str) -> tuple[int, dict[str, object]]:
    monkeypatch.setattr(doctor, "find_real_uv", lambda _environ: "/bin/uv")
    monkeypatch.setattr(doctor, "uv_version", lambda _uv, _state: "0.13.9")
    monkeypatch.setattr(doctor, "uv_dirs", lambda _uv, _cache, _environ: UvDirs(
        str(root / "cache"), str(root / "tools"), str(root / "pythons")))
    options = argparse.Namespace(json=True, fix="--fix" in args, cache_dir=None)
    out, err = io.StringIO(), io.StringIO()
    code = doctor.run_command(options, {"UVSHIM_CACHE_DIR": str(root / "state")}, out, err)
    assert err.getvalue() == ""
    return code, json.loads(out.getvalue())


def test_doctor_exit_status_before_and_after_fixing(world: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = run_doctor(world, monkeypatch)
    assert (code, report["healthy"], report["fixes"]) == (1, False, None)
    assert report["summary"] == {
        "cached-environment": {"checked": 3, "problems": 2, "fixed": None, "left": 2},
        "tool": {"checked": 0, "problems": 0, "fixed": None, "left": 0},
        "managed-python": {"checked": 0, "problems": 0, "fixed": None, "left": 0}}
    code, report = run_doctor(world, monkeypatch, "--fix")
    assert (code, report["healthy"], report["remaining"]) == (0, True, [])
    assert [f["problem"] for f in report["findings"]] == [CHANGED, GONE]  # type: ignore[attr-defined]
    code, report = run_doctor(world, monkeypatch)
    assert (code, report["findings"]) == (0, [])


def test_json_report_is_the_documented_schema(world: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/explain-and-doctor.md's table names every key, with and without --fix, and the
    fields of a finding and of a fix."""
    _, report = run_doctor(world, monkeypatch)
    assert list(report) == list(json_rows("doctor"))
    dirs, findings = report["dirs"], report["findings"]
    assert isinstance(dirs, dict)
    assert isinstance(findings, list)
    assert set(dirs) == json_fields("doctor", "dirs")
    assert set(findings[0]) == json_fields("doctor", "findings")
    _, fixed = run_doctor(world, monkeypatch, "--fix")
    assert list(fixed) == list(json_rows("doctor"))
    fixes = fixed["fixes"]
    assert isinstance(fixes, list)
    assert set(fixes[0]) == json_fields("doctor", "fixes")


def test_doctor_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli_main(["doctor", "--frobnicate"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err
