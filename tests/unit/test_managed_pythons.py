"""Managed Pythons against the build the running uv would install: the download list, the
comparison, and ``doctor --fix``'s upgrade with what was built on the old build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uvshim.commands.doctor import upgrade as upgrading
from uvshim.commands.doctor.checks import Finding
from uvshim.commands.doctor.fix import Fix
from uvshim.commands.doctor.pythons import (
    AHEAD,
    CANNOT_TELL,
    CURRENT,
    NEWER_BUILD,
    ManagedPython,
    compare,
    find_executable,
)
from uvshim.commands.doctor.report import python_lines, table, upgrade_rows
from uvshim.commands.doctor.scan import UvDirs
from uvshim.uv.downloads import DownloadList, build_of, parse_downloads

KEY = "cpython-3.12.1-linux-x86_64-gnu"
GITHUB = "https://github.com/astral-sh/python-build-standalone/releases/download"


@pytest.mark.parametrize(("url", "build"), [
    (f"{GITHUB}/20240107/cpython-3.12.1%2B20240107-x86_64-unknown-linux-gnu-install_only.tar.gz",
     "20240107"),
    ("https://releases.astral.sh/github/python-build-standalone/releases/download/20250115/"
     "cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz",
     "20250115"),
    ("file:///mirror/20231211/cpython-3.12.1+20231211-x86_64-unknown-linux-gnu-"
     "install_only.tar.gz", "20231211"),
    (f"{GITHUB}/20240107/renamed.tar.gz", "20240107"),
    ("https://downloads.python.org/pypy/pypy3.10-v7.3.17-linux64.tar.bz2", None),
    ("file:///custom/python.tar.gz", None),
])
def test_the_build_is_read_from_the_url(url: str, build: str | None) -> None:
    assert build_of(url) == build


def listing(*keys: tuple[str, str]) -> DownloadList:
    items = [{"key": key, "version": key.split("-")[1].partition("+")[0],
              "url": f"{GITHUB}/{build}/x.tar.gz"} for key, build in keys]
    return parse_downloads(json.dumps(items), "0.13.9")


def test_the_newest_patch_is_of_the_same_series_and_final() -> None:
    found = listing((KEY, "20240107"), ("cpython-3.12.8-linux-x86_64-gnu", "20250115"),
                    ("cpython-3.12.10-linux-x86_64-gnu", "20250409"),
                    ("cpython-3.12.11+freethreaded-linux-x86_64-gnu", "20250409"),
                    ("cpython-3.13.2-linux-x86_64-gnu", "20250409"),
                    ("cpython-3.12.10-linux-aarch64-gnu", "20250409"))
    newest = found.newest_patch(KEY)
    assert newest is not None
    assert newest.key == "cpython-3.12.10-linux-x86_64-gnu"
    assert found.newest_patch("cpython-3.12.10-linux-x86_64-gnu") is None
    assert found.newest_patch("cpython-3.14.0a5-linux-x86_64-gnu") is None


def test_what_is_not_a_json_list_cannot_tell() -> None:
    assert parse_downloads("not json", "0.5.0").problem is not None
    assert parse_downloads("{}", "0.5.0").problem is not None


def judged(build: str | None, found: DownloadList, tmp_path: Path) -> ManagedPython:
    folder = tmp_path / KEY
    (folder / "bin").mkdir(parents=True, exist_ok=True)
    (folder / "bin" / "python3.12").touch()
    return compare(ManagedPython(KEY, str(folder), build, None), found, "0.13.9",
                   lambda _executable: "main, Jan  8 2024, 00:00:00")


def test_each_status_and_its_reason(tmp_path: Path) -> None:
    found = listing((KEY, "20240107"))
    older = judged("20231211", found, tmp_path)
    assert (older.status, older.uv_build, older.installed_build_from) == \
        (NEWER_BUILD, "20240107", "BUILD")
    assert older.command == ["uv", "python", "install", "--reinstall", KEY]
    assert older.finding() == Finding("managed-python", NEWER_BUILD, older.folder, KEY,
                                      str(tmp_path / KEY / "bin" / "python3.12"), older.reason)
    assert "build 20231211; uv 0.13.9 would install build 20240107" in older.reason
    assert judged("20240107", found, tmp_path).status == CURRENT
    assert judged("20250101", found, tmp_path).status == AHEAD
    unknown = judged(None, found, tmp_path)
    assert (unknown.status, unknown.installed_build, unknown.installed_build_from) == \
        (CANNOT_TELL, "main, Jan  8 2024, 00:00:00", "sys.version")
    assert unknown.finding() is None
    absent = judged("20231211", listing(("cpython-3.12.2-linux-x86_64-gnu", "20240107")),
                    tmp_path)
    assert (absent.status, absent.uv_build) == (CANNOT_TELL, None)
    assert absent.reason.startswith(f"uv 0.13.9's download list has no {KEY}; cannot tell")
    assert absent.newer_patch == "3.12.2"
    failed = judged("20231211", DownloadList({}, "uv 0.5.0 cannot list its downloads"),
                    tmp_path)
    assert (failed.status, failed.reason) == (CANNOT_TELL, "uv 0.5.0 cannot list its downloads")


def test_the_executable_is_found_in_either_layout(tmp_path: Path) -> None:
    for layout, name in (("install/bin", "python3.13t"), ("bin", "python3.12")):
        folder = tmp_path / layout.replace("/", "-")
        (folder / layout).mkdir(parents=True)
        for other in ("python", "python3", "python3.12-config", name):
            (folder / layout / other).touch()
        assert find_executable(str(folder)) == str(folder / layout / name)
    assert find_executable(str(tmp_path / "none")) is None


def test_the_failure_line_is_uvs_cause() -> None:
    stderr = ("error: Failed to install cpython-3.12.1-linux-x86_64-gnu\n"
              "  cause: Hash mismatch for `cpython-3.12.1-linux-x86_64-gnu`\n\n"
              "         Expected:\n         0000\n\n         Computed:\n         4278\n")
    assert upgrading.failure_line(stderr, 1) == \
        "Hash mismatch for `cpython-3.12.1-linux-x86_64-gnu`"
    older = ("error: Failed to install x\n  Caused by: failed to query metadata of file `f`\n"
             "  Caused by: No such file or directory (os error 2)\n")
    assert upgrading.failure_line(older, 1) == \
        "failed to query metadata of file `f`: No such file or directory (os error 2)"
    assert upgrading.failure_line("Python downloads are not allowed\n", 2) == \
        "Python downloads are not allowed"
    assert upgrading.failure_line("", 2) == "exit status 2"


@pytest.fixture
def built_on(tmp_path: Path) -> tuple[ManagedPython, UvDirs]:
    """A managed 3.12.1 on build 20231211 through its minor-version link, a tool and a cached
    environment on it, and one cached environment on another interpreter."""
    pythons = tmp_path / "pythons"
    folder = pythons / KEY
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python3.12").touch()
    (pythons / "cpython-3.12-linux-x86_64-gnu").symlink_to(folder)
    via_link = pythons / "cpython-3.12-linux-x86_64-gnu" / "bin" / "python3.12"
    for root in (tmp_path / "tools" / "shimcheck", tmp_path / "cache" / "archive-v0" / "env",
                 tmp_path / "cache" / "archive-v0" / "other"):
        (root / "bin").mkdir(parents=True)
        (root / "pyvenv.cfg").write_text("home = x\nimplementation = CPython\n"
                                         "version_info = 3.12.1\n")
        (root / "bin" / "python").symlink_to(
            via_link if root.name != "other" else tmp_path / "elsewhere" / "python3.12")
    bucket = tmp_path / "cache" / "environments-v2" / "ihash"
    bucket.mkdir(parents=True)
    (bucket / "entry").symlink_to(tmp_path / "cache" / "archive-v0" / "env")
    (bucket / "other").symlink_to(tmp_path / "cache" / "archive-v0" / "other")
    python = ManagedPython(KEY, str(folder), "20231211", None, str(folder / "bin/python3.12"),
                           "20231211", "BUILD", "20240107", None, NEWER_BUILD, "older")
    return python, UvDirs(str(tmp_path / "cache"), str(tmp_path / "tools"), str(pythons))


def test_dependents_are_what_runs_the_installation(
        built_on: tuple[ManagedPython, UvDirs]) -> None:
    tools, cached = upgrading.dependents(*built_on)
    assert [Path(t.path).name for t in tools] == ["shimcheck"]
    assert [Path(c.path).name for c in cached] == ["entry"]


@pytest.mark.parametrize("setting", ["warn", "rebuild", None])
def test_an_upgrade_repairs_what_was_built_on_it(
        built_on: tuple[ManagedPython, UvDirs], monkeypatch: pytest.MonkeyPatch,
        setting: str | None) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(upgrading, "_run", lambda command, _env, _t: ran.append(command))
    monkeypatch.setattr(upgrading, "repair_tool",
                        lambda finding, *_args: Fix(finding, ok=True, did="reinstalled"))
    monkeypatch.setattr(upgrading, "drop_link",
                        lambda finding: Fix(finding, ok=True, did="dropped"))
    environ = {"UVSHIM_ON_BUILD_CHANGE": setting} if setting else {}
    done = upgrading.upgrade(built_on[0], "/bin/uv", built_on[1], environ, [])
    assert ran == [["/bin/uv", "python", "install", "--reinstall", KEY]]
    assert done.ok
    assert [fix.did for fix in done.tools] == ["reinstalled"]
    if setting == "rebuild":
        assert ([fix.did for fix in done.rebuilt], done.left) == (["dropped"], [])
    else:
        assert (done.rebuilt, [Path(f.path).name for f in done.left]) == ([], ["entry"])
    summary = upgrading.summarize([done])
    assert summary["managed-python"] == {"upgraded": 1, "rebuilt": 0, "left": 0}
    assert summary["cached-environment"]["left"] == (0 if setting == "rebuild" else 1)


def test_a_failed_reinstall_touches_nothing_else(
        built_on: tuple[ManagedPython, UvDirs], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def run(command: list[str], _env: object, _timeout: float) -> str | None:
        calls.append(command)
        return "Hash mismatch" if command[1:3] == ["python", "install"] else None

    def touched(*_args: object) -> Fix:
        raise AssertionError("nothing else may be touched")

    monkeypatch.setattr(upgrading, "_run", run)
    monkeypatch.setattr(upgrading, "repair_tool", touched)
    monkeypatch.setattr(upgrading, "drop_link", touched)
    python, dirs = built_on
    done = upgrading.upgrade(python, "/bin/uv", dirs, {"UVSHIM_ON_BUILD_CHANGE": "rebuild"}, [])
    assert not done.ok
    assert done.did == (f"`uv python install --reinstall {KEY}` failed (Hash mismatch); "
                        "build 20231211 is still installed and runs; nothing else was changed")
    assert calls[-1] == [python.executable, "-c", "pass"]
    assert upgrading.summarize([done])["managed-python"] == \
        {"upgraded": 0, "rebuilt": 0, "left": 1}


def test_the_report_names_both_builds_and_the_upgrade_table(
        built_on: tuple[ManagedPython, UvDirs]) -> None:
    [line] = python_lines([built_on[0].to_json(), {"link_to": "x"}])
    assert line.startswith(f"managed Python: {KEY}: installed build 20231211 (BUILD), uv "
                           "would install 20240107\n  newer-build-available: older")
    rows = table(upgrade_rows({"managed-python": {"upgraded": 1, "rebuilt": 0, "left": 0},
                               "tool": {"upgraded": 0, "rebuilt": 2, "left": 0}}))
    assert rows.splitlines()[0].split() == ["after", "upgrading", "builds", "upgraded",
                                            "rebuilt", "left"]
    assert rows.splitlines()[2].split() == ["installed", "tools", "0", "2", "0"]
