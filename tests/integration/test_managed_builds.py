"""A managed Python left on an older python-build-standalone build, with real uv.

uv installs 3.12.1 as build 20231211 from a download list served from a folder
(``_support.standalone``), a tool is installed on it and uvx caches an environment on it; then
the list names build 20240107, as a newer uv's would. doctor and explain must say so, naming
both builds; ``doctor --fix`` must reinstall it with uv and carry the tool and the cached
environment over; a reinstall that fails must leave everything as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from _support.interpreters import fake_managed
from _support.sandbox import Sandbox, require_python
from _support.standalone import KEY, Downloads
from _support.tool_wheel import build_tool_wheel
from _support.uv_binaries import MATRIX, NEWEST, uv_release

UVSHIM = [sys.executable, "-m", "uvshim"]
# The oldest release of the matrix that takes a download list (0.7.13) and writes BUILD (0.8.14).
OLDEST_UPGRADE = "0.8.17"


def uvshim(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    return sandbox.run([*UVSHIM, *args])


def doctor(sandbox: Sandbox, *args: str) -> tuple[int, dict[str, Any], str]:
    done = uvshim(sandbox, "doctor", "--json", *args)
    return done.returncode, json.loads(done.stdout), done.stderr


def python_entry(report: dict[str, Any], key: str = "pythons") -> dict[str, Any]:
    items = report[key]
    if isinstance(items, dict):  # explain: {dir, problem, installations}
        items = items["installations"]
    assert isinstance(items, list)
    [entry] = [item for item in items if item["name"] == KEY]
    assert isinstance(entry, dict)
    return entry


def build_file(sandbox: Sandbox) -> str:
    return (sandbox.root / "pythons" / KEY / "BUILD").read_text().strip()


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every path under ``root``: a link's target, a file's size and modification time, a
    folder's presence (Python adds ``__pycache__`` folders when it runs, which are left out, as
    is uv's own scratch folder ``.temp``; uv 0.13.9 recreates the minor-version link even when
    the download then fails, so a link counts by its target)."""
    seen: dict[str, tuple[object, ...]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in {"__pycache__", ".temp"}]
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if os.path.islink(path):
                seen[path] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                seen[path] = ("folder",)
            else:
                seen[path] = ("file", st.st_size, st.st_mtime_ns)
    return seen


def on_old_build(sandbox: Sandbox, version: str, downloads: Downloads) -> list[str]:
    """3.12.1 installed by real uv as build 20231211, a tool installed on it (shimcheck), an
    environment cached on it by uvx through the shim, with its build record (shimextra: uvx
    would run an installed tool from its own folder); then uv's list moves on to 20240107.
    Returns the uvx arguments."""
    wheels = sandbox.root / "wheels"
    build_tool_wheel(wheels)
    build_tool_wheel(wheels, "shimextra")
    real = uv_release(version)
    sandbox.path_dirs = [real]
    sandbox.extra_env.update(
        UV_PYTHON_DOWNLOADS="manual", UV_PYTHON_BIN_DIR=str(sandbox.root / "python-bin"),
        UV_FIND_LINKS=str(wheels), UV_OFFLINE="1",
        UV_PYTHON_DOWNLOADS_JSON_URL=str(downloads.listing("20231211")))
    installed = sandbox.run([str(real / "uv"), "python", "install", KEY])
    assert installed.returncode == 0, installed.stderr
    assert build_file(sandbox) == "20231211"
    tool = sandbox.run([str(real / "uv"), "tool", "install", "--python", "3.12", "shimcheck"])
    assert tool.returncode == 0, tool.stderr
    args = ["--python", "3.12", "shimextra"]
    for _ in range(2):  # uv builds the environment, then the shim records its build
        ran = uvshim(sandbox, "uvx", *args)
        assert ran.stdout.startswith("shimextra 3.12 "), ran.stderr
    [env] = json.loads(uvshim(sandbox, "explain", "--json", *args).stdout)["environments"]
    assert env["build_record"]["managed_build"] == "20231211"
    sandbox.extra_env["UV_PYTHON_DOWNLOADS_JSON_URL"] = \
        str(downloads.listing("20240107", newer_patch="3.12.2"))
    return args


@pytest.fixture
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Downloads:
    require_python("3.12")
    return Downloads(tmp_path_factory.getbasetemp() / "standalone")


@pytest.mark.parametrize(("version", "on_build_change"), [
    (NEWEST, "rebuild"), (OLDEST_UPGRADE, "rebuild"), (NEWEST, "warn")])
def test_an_old_build_is_reported_and_upgraded_with_what_was_built_on_it(
        sandbox: Sandbox, downloads: Downloads, version: str, on_build_change: str) -> None:
    args = on_old_build(sandbox, version, downloads)

    code, report, _ = doctor(sandbox)
    assert code == 1
    assert [(f["kind"], f["problem"], f["name"]) for f in report["findings"]] == [
        ("managed-python", "newer-build-available", KEY)]
    entry = python_entry(report)
    assert (entry["installed_build"], entry["installed_build_from"], entry["uv_build"],
            entry["newer_patch"], entry["status"]) == \
        ("20231211", "BUILD", "20240107", "3.12.2", "newer-build-available")
    assert entry["command"] == ["uv", "python", "install", "--reinstall", KEY]
    text = uvshim(sandbox, "doctor").stdout
    assert f"managed Python: {KEY}: installed build 20231211 (BUILD), uv would install " \
           "20240107" in text
    assert f"(`uv python install --reinstall {KEY}`)" in text
    explained = json.loads(uvshim(sandbox, "explain", "--json", *args).stdout)
    assert python_entry(explained, "managed_pythons") == entry
    explained_text = uvshim(sandbox, "explain", *args).stdout
    assert f"{KEY}: installed build 20231211, uv would install 20240107" in explained_text

    sandbox.extra_env["UVSHIM_ON_BUILD_CHANGE"] = on_build_change
    code, fixed, err = doctor(sandbox, "--fix")
    assert build_file(sandbox) == "20240107"
    [upgrade] = fixed["upgrades"]
    assert (upgrade["key"], upgrade["ok"], upgrade["from_build"], upgrade["to_build"]) == \
        (KEY, True, "20231211", "20240107")
    assert [(Path(t["path"]).name, t["ok"]) for t in upgrade["tools"]] == [("shimcheck", True)]
    rebuilt = on_build_change == "rebuild"
    assert (len(upgrade["rebuilt"]), len(upgrade["left"])) == ((1, 0) if rebuilt else (0, 1))
    assert fixed["upgrade_summary"] == {
        "managed-python": {"upgraded": 1, "rebuilt": 0, "left": 0},
        "tool": {"upgraded": 0, "rebuilt": 1, "left": 0},
        "cached-environment": {"upgraded": 0, "rebuilt": int(rebuilt), "left": int(not rebuilt)}}
    assert err == ""

    direct = sandbox.run([str(sandbox.root / "tools-bin" / "shimcheck")])
    assert direct.stdout.startswith("shimcheck 3.12 "), direct.stderr
    for _ in range(2):  # a fresh environment (rebuild) is recorded on the second run
        ran = uvshim(sandbox, "uvx", *args)
        assert ran.stdout.startswith("shimextra 3.12 "), ran.stderr
    [env] = json.loads(uvshim(sandbox, "explain", "--json", *args).stdout)["environments"]
    again, report, _ = doctor(sandbox)
    assert python_entry(report)["status"] == "current"
    if rebuilt:
        assert (code, fixed["healthy"]) == (0, True)
        assert (env["build_record"]["managed_build"], env["verdict"]) == ("20240107", "ok")
        assert (again, report["findings"]) == (0, [])
    else:  # left as it is: it still runs, the shim warns, doctor still reports it
        assert code == 1
        assert "uvshim: " in ran.stderr
        assert (env["build_record"]["managed_build"], env["verdict"]) == \
            ("20231211", "build-changed")
        assert again == 1
        assert [f["problem"] for f in report["findings"]] == ["build-changed"]


@pytest.mark.parametrize("version", [NEWEST, OLDEST_UPGRADE])
@pytest.mark.parametrize("failure", ["badhash", "missing"])
def test_a_failed_reinstall_leaves_everything_as_it_was(
        sandbox: Sandbox, downloads: Downloads, version: str, failure: str) -> None:
    args = on_old_build(sandbox, version, downloads)
    broken = downloads.listing("20240107", sha256="0" * 64) if failure == "badhash" else \
        downloads.listing("20240107", missing=True)
    sandbox.extra_env.update(UV_PYTHON_DOWNLOADS_JSON_URL=str(broken),
                             UVSHIM_ON_BUILD_CHANGE="rebuild")
    before = snapshot(sandbox.root / "pythons"), snapshot(sandbox.root / "tools"), \
        snapshot(sandbox.root / "cache" / "environments-v2")

    done = uvshim(sandbox, "doctor", "--fix")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    reason = "Hash mismatch" if failure == "badhash" else "No such file or directory"
    assert line.startswith(f"uvshim: error: could not upgrade {KEY}: `uv python install "
                           f"--reinstall {KEY}` failed ("), line
    assert reason in line
    assert line.endswith("build 20231211 is still installed and runs; nothing else was changed")
    after = snapshot(sandbox.root / "pythons"), snapshot(sandbox.root / "tools"), \
        snapshot(sandbox.root / "cache" / "environments-v2")
    changed = {path for part in (0, 1, 2) for path in set(before[part]) | set(after[part])
               if before[part].get(path) != after[part].get(path)}
    assert changed == set(), sorted(changed)
    assert build_file(sandbox) == "20231211"
    direct = sandbox.run([str(sandbox.root / "tools-bin" / "shimcheck")])
    assert direct.stdout.startswith("shimcheck 3.12 "), direct.stderr
    ran = uvshim(sandbox, "uvx", *args)
    assert ran.stdout.startswith("shimextra 3.12 "), ran.stderr
    code, report, _ = doctor(sandbox, "--fix")
    assert code == 1
    [upgrade] = report["upgrades"]
    assert upgrade["ok"] is False
    assert (upgrade["tools"], upgrade["rebuilt"], upgrade["left"]) == ([], [], [])
    assert report["remaining"] == report["findings"]


@pytest.mark.parametrize("version", MATRIX)
def test_what_each_release_can_tell(sandbox: Sandbox, version: str) -> None:
    """BUILD 20231211 beside each release's own list: every one from 0.5.31 names 20240107
    for 3.12.1 in the URL; 0.5.0 cannot list its downloads at all."""
    require_python("3.12")
    sandbox.path_dirs = [uv_release(version)]
    fake_managed(sandbox.root / "pythons", "20231211")
    code, report, _ = doctor(sandbox)
    entry = python_entry(report)
    explained = json.loads(uvshim(sandbox, "explain", "--json", "shimcheck").stdout)
    assert python_entry(explained, "managed_pythons") == entry
    if version == "0.5.0":
        assert (code, report["findings"], entry["status"], entry["uv_build"]) == \
            (0, [], "cannot-tell", None)
        assert entry["reason"].startswith("uv 0.5.0 cannot list its downloads")
        assert entry["reason"].endswith("cannot tell which build it would install")
        assert "cannot tell" in uvshim(sandbox, "doctor").stdout
        return
    assert code == 1
    assert (entry["installed_build"], entry["uv_build"], entry["status"]) == \
        ("20231211", "20240107", "newer-build-available")
    assert entry["newer_patch"] is not None


def test_without_a_build_file_it_cannot_tell(sandbox: Sandbox, downloads: Downloads) -> None:
    """0.7.13 installs from a download list but writes no BUILD: sys.version is shown, not
    compared."""
    real = uv_release("0.7.13")
    sandbox.path_dirs = [real]
    sandbox.extra_env.update(
        UV_PYTHON_DOWNLOADS="manual", UV_PYTHON_BIN_DIR=str(sandbox.root / "python-bin"),
        UV_PYTHON_DOWNLOADS_JSON_URL=str(downloads.listing("20231211")))
    assert sandbox.run([str(real / "uv"), "python", "install", KEY]).returncode == 0
    assert not (sandbox.root / "pythons" / KEY / "BUILD").exists()
    code, report, _ = doctor(sandbox)
    entry = python_entry(report)
    assert (code, entry["status"], entry["installed_build_from"], entry["uv_build"]) == \
        (0, "cannot-tell", "sys.version", "20231211")
    assert entry["installed_build"].startswith("main, ")
    assert "no BUILD file" in entry["reason"]
