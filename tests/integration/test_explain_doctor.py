"""``uvshim explain`` and ``uvshim doctor`` against real uv releases and real interpreters.

Each kind of finding is produced for real: an interpreter swapped behind its path (3.11 ->
3.12), an interpreter deleted, and a managed install replaced by another build of the same
version (a pyenv copy hard-linked into ``UV_PYTHON_INSTALL_DIR`` with a BUILD file). doctor
must find each one, ``doctor --fix`` must repair it, and the tool must then run. explain's
JSON is checked against what the shim then really does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _support.interpreters import fake_managed, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.tool_wheel import build_native_tool_wheel, build_tool_wheel
from _support.uv_binaries import NEWEST, uv_release

UVSHIM = [sys.executable, "-m", "uvshim"]
OLDEST_V1 = "0.5.31"  # the last release that keeps environments-v1


def offline(wheels: Path) -> list[str]:
    return ["--offline", "--find-links", str(wheels)]


def uvshim(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    return sandbox.run([*UVSHIM, *args])


def doctor_json(sandbox: Sandbox, *args: str) -> tuple[int, dict[str, object]]:
    done = uvshim(sandbox, "doctor", "--json", *args)
    assert done.stderr == "", done.stderr  # no progress bar when not a terminal
    return done.returncode, json.loads(done.stdout)


def problems(report: dict[str, object], key: str = "findings") -> set[tuple[str, str, str]]:
    items = report[key]
    assert isinstance(items, list)
    return {(item["kind"], item["problem"], _short(item["kind"], item["path"])) for item in items}


def _short(kind: str, path: str) -> str:
    # A tool by its name; an entry with its bucket (0.5.31 and 0.6.4 give a tool the same
    # resolution hash in environments-v1 and -v2).
    return "/".join(Path(path).parts[-1 if kind == "tool" else -3:])


def entry_names(sandbox: Sandbox) -> set[str]:
    return {path.name for path in (sandbox.root / "cache").glob("environments-v*/*/*")
            if not path.name.endswith(".lock") and not path.name.startswith(".")}


@pytest.mark.parametrize("version", [NEWEST, "0.6.4"])
def test_doctor_finds_and_fixes_swapped_and_deleted(sandbox: Sandbox, version: str) -> None:
    require_python("3.11")
    require_python("3.12")
    wheels = sandbox.root / "wheels"
    build_tool_wheel(wheels)
    build_tool_wheel(wheels, "shimextra")
    real = uv_release(version)
    first, second = sandbox.root / "a", sandbox.root / "b"
    sandbox.path_dirs = [make_prefix(first, "3.11", "unversioned"),
                         make_prefix(second, "3.12", "unversioned"), real]
    # doctor's own uv commands reach the wheels the way the user's uv would.
    sandbox.extra_env.update(UV_FIND_LINKS=str(wheels), UV_OFFLINE="1")
    uv, uvx = str(real / "uv"), str(real / "uvx")
    b_python = str(second / "bin" / "python")

    assert sandbox.run([uv, "tool", "install", "shimcheck"]).returncode == 0
    assert sandbox.run([uv, "tool", "install", "--python", b_python, "shimextra"]).returncode == 0
    isolated = sandbox.run([uvx, "--isolated", *offline(wheels), "shimcheck"])
    assert isolated.stdout.startswith("shimcheck 3.11 "), isolated.stderr
    on_b = sandbox.run([uvx, "--isolated", "--python", b_python, *offline(wheels), "shimextra"])
    assert on_b.stdout.startswith("shimextra 3.12 "), on_b.stderr
    # The same cache used by a 0.5 release too: an environments-v1 entry.
    old = sandbox.run([str(uv_release(OLDEST_V1) / "uvx"), "--isolated", *offline(wheels),
                       "shimcheck"])
    assert old.stdout.startswith("shimcheck 3.11 "), old.stderr
    assert {p.name for p in (sandbox.root / "cache").glob("environments-v*")} == \
        {"environments-v1", "environments-v2"}

    code, healthy = doctor_json(sandbox)
    assert (code, healthy["findings"], healthy["healthy"]) == (0, [], True)
    assert healthy["checked"] == {"cached-environment": 3, "tool": 2, "managed-python": 0}

    swap_prefix(first, "3.12", "unversioned")  # an image bump at the same path
    shutil.rmtree(second)  # an interpreter removed
    broken = sandbox.run([str(sandbox.root / "tools-bin" / "shimcheck")])
    assert broken.returncode != 0

    code, report = doctor_json(sandbox)
    assert code == 1
    found = problems(report)
    kinds = {(kind, problem) for kind, problem, _ in found}
    assert kinds == {("cached-environment", "interpreter-changed"),
                     ("cached-environment", "interpreter-gone"),
                     ("tool", "interpreter-changed"), ("tool", "interpreter-gone")}
    assert len([f for f in found if f[0] == "cached-environment"]) == 3
    assert ("tool", "interpreter-changed", "shimcheck") in found
    assert ("tool", "interpreter-gone", "shimextra") in found

    code, fixed = doctor_json(sandbox, "--fix")
    assert code == 0, json.dumps([fixed["fixes"], fixed["remaining"]], indent=1)
    assert fixed["remaining"] == []
    assert fixed["healthy"] is True
    fixes = fixed["fixes"]
    assert isinstance(fixes, list)
    assert all(fix["ok"] for fix in fixes)
    did = {Path(fix["path"]).name: fix["did"] for fix in fixes}
    assert did["shimcheck"].startswith("ran `uv tool upgrade --reinstall shimcheck")
    assert did["shimextra"].startswith("ran `uv tool install --reinstall shimextra")

    for name in ("shimcheck", "shimextra"):
        direct = sandbox.run([str(sandbox.root / "tools-bin" / name)])
        assert direct.stdout.startswith(f"{name} 3.12 "), direct.stderr
    rerun = sandbox.run([uvx, "--isolated", *offline(wheels), "shimcheck"])
    assert rerun.stdout.startswith("shimcheck 3.12 "), rerun.stderr
    assert doctor_json(sandbox)[0] == 0


@pytest.mark.parametrize("version", [NEWEST, "0.5.0"])
def test_a_tool_of_native_commands_is_not_broken_by_a_swap(sandbox: Sandbox,
                                                            version: str) -> None:
    """ruff's and uv's commands are native executables: after the interpreter under their
    tool environment changed they run as before, so doctor finds nothing to fix, while a tool
    of Python commands beside it is still found."""
    require_python("3.11")
    require_python("3.12")
    wheels = sandbox.root / "wheels"
    build_native_tool_wheel(wheels)
    build_tool_wheel(wheels)
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    sandbox.path_dirs = [make_prefix(prefix, "3.11", "unversioned"), real]
    sandbox.extra_env.update(UV_FIND_LINKS=str(wheels), UV_OFFLINE="1")
    for tool in ("nativecheck", "shimcheck"):
        assert sandbox.run([str(real / "uv"), "tool", "install", tool]).returncode == 0
    swap_prefix(prefix, "3.12", "unversioned")
    native = sandbox.run([str(sandbox.root / "tools-bin" / "nativecheck")])
    assert native.returncode == 0, native.stderr  # /bin/true: it works
    code, report = doctor_json(sandbox)
    assert code == 1
    assert sorted(name for kind, _, name in problems(report) if kind == "tool") == ["shimcheck"]


def logging_uv(folder: Path, real_uv: Path) -> tuple[Path, Path]:
    """A uv that logs the arguments of every run, one per line, then execs the real one."""
    folder.mkdir()
    log = folder / "argv.log"
    wrapper = folder / "uv"
    wrapper.write_text(f'#!/bin/sh\n(IFS="|"; printf "%s\\n" "$*") >> "{log}"\n'
                       f'exec "{real_uv}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, log


def tree(root: Path, skip: Path) -> dict[str, tuple[object, ...]]:
    """Everything under ``root`` but ``skip``: link targets, sizes and modification times."""
    seen: dict[str, tuple[object, ...]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if os.path.join(folder, name) != str(skip)]
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            target = os.readlink(path) if os.path.islink(path) else None
            seen[path] = (target, st.st_size, st.st_mtime_ns)
    return seen


@pytest.mark.parametrize("version", [NEWEST, "0.6.4"])
def test_explain_predicts_the_stale_repair(sandbox: Sandbox, tool_wheels: Path,
                                           version: str) -> None:
    require_python("3.11")
    require_python("3.12")
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    sandbox.path_dirs = [make_prefix(prefix, "3.11", "unversioned"), real]
    wrapper, log = logging_uv(sandbox.root / "uv-wrapper", real / "uv")
    sandbox.extra_env["UVSHIM_REAL_UV"] = str(wrapper)
    tool = [*offline(tool_wheels), "shimcheck"]
    assert sandbox.run([str(real / "uvx"), *tool]).stdout.startswith("shimcheck 3.11 ")
    swap_prefix(prefix, "3.12", "unversioned")

    before = tree(sandbox.root, skip=wrapper.parent)
    explained = uvshim(sandbox, "explain", "--json", *tool)
    assert explained.returncode == 0, explained.stderr
    # A dry run: nothing changed, not even uvshim's own state.
    assert tree(sandbox.root, skip=wrapper.parent) == before
    report = json.loads(explained.stdout)
    assert report["uv"] == {"path": str(wrapper), "version": version}
    interpreter = report["interpreter"]
    assert interpreter["executable"] == str(prefix / "bin" / "python")
    assert interpreter["identity"]["version"].startswith("3.12.")
    assert interpreter["managed_install"] is None
    [env] = report["environments"]
    assert env["verdict"] == "stale"
    assert env["recorded"]["version_info"].startswith("3.11.")
    decision = report["decision"]
    assert decision["action"] == "drop-stale"
    assert decision["drop"] == [env["entry"]]
    assert report["argv"] == [str(wrapper), "tool", "uvx", *tool]

    shimmed = uvshim(sandbox, "uvx", *tool)
    assert shimmed.stdout.startswith("shimcheck 3.12 "), shimmed.stderr
    said = [line for line in shimmed.stderr.splitlines() if line.startswith("uvshim:")]
    assert said == decision["messages"]
    runs = [line.split("|") for line in log.read_text().splitlines() if line != "--version"]
    assert [[str(wrapper), *run] for run in runs] == [report["argv"]]
    assert Path(env["entry"]).resolve() != Path(env["target"])  # relinked to a fresh one

    again = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    assert [e["verdict"] for e in again["environments"]] == ["ok"]
    assert again["decision"]["action"] == "unchanged"


def test_build_change_is_warned_rebuilt_and_fixed(sandbox: Sandbox, tool_wheels: Path) -> None:
    require_python("3.12")
    real = uv_release(NEWEST)
    sandbox.path_dirs = [real]
    pythons = sandbox.root / "pythons"
    fake_managed(pythons, "20240107")
    tool = [*offline(tool_wheels), "shimcheck"]

    first = uvshim(sandbox, "uvx", *tool)  # uv builds the environment
    assert first.stdout.startswith("shimcheck 3.12 "), first.stderr
    seen = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    assert seen["interpreter"]["managed_build"] == "20240107"
    assert [e["build_record"] for e in seen["environments"]] == [None]
    second = uvshim(sandbox, "uvx", *tool)  # the shim sees it for the first time: records it
    assert second.stdout.startswith("shimcheck 3.12 "), second.stderr
    seen = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    [env] = seen["environments"]
    assert env["build_record"]["managed_build"] == "20240107"
    assert env["verdict"] == "ok"

    fake_managed(pythons, "20240814")  # the same version, another build, same folder
    warned = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    assert [e["verdict"] for e in warned["environments"]] == ["build-changed"]
    assert warned["decision"]["action"] == "warn-build-change"
    shimmed = uvshim(sandbox, "uvx", *tool)
    assert shimmed.stdout.startswith("shimcheck 3.12 "), shimmed.stderr
    said = [line for line in shimmed.stderr.splitlines() if line.startswith("uvshim:")]
    assert said == warned["decision"]["messages"]
    assert len(said) == 1
    assert "build 20240107" in said[0]
    assert "build 20240814" in said[0]
    assert entry_names(sandbox) == {Path(env["entry"]).name}  # run as is

    code, report = doctor_json(sandbox)
    assert code == 1
    assert problems(report) == {("cached-environment", "build-changed",
                                 "/".join(Path(env["entry"]).parts[-3:]))}

    sandbox.extra_env["UVSHIM_ON_BUILD_CHANGE"] = "rebuild"
    predicted = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    assert predicted["decision"]["action"] == "rebuild-build-change"
    rebuilt = uvshim(sandbox, "uvx", *tool)
    assert rebuilt.stdout.startswith("shimcheck 3.12 "), rebuilt.stderr
    said = [line for line in rebuilt.stderr.splitlines() if line.startswith("uvshim:")]
    assert said == predicted["decision"]["messages"]
    assert "dropped it so uv builds a fresh one" in said[0]
    assert doctor_json(sandbox)[0] == 0
    del sandbox.extra_env["UVSHIM_ON_BUILD_CHANGE"]

    uvshim(sandbox, "uvx", *tool)  # records the new environment's build
    [after_entry] = [e["entry"] for e in json.loads(
        uvshim(sandbox, "explain", "--json", *tool).stdout)["environments"]]
    fake_managed(pythons, "20250101")
    code, report = doctor_json(sandbox, "--fix")
    assert code == 0
    assert problems(report) == {("cached-environment", "build-changed",
                                 _short("cached-environment", after_entry))}
    for _ in range(2):  # uv builds a fresh environment, then the shim records its build
        after = uvshim(sandbox, "uvx", *tool)
        assert after.stdout.startswith("shimcheck 3.12 "), after.stderr
        assert "uvshim:" not in after.stderr
    fresh = json.loads(uvshim(sandbox, "explain", "--json", *tool).stdout)
    [env] = fresh["environments"]
    assert env["build_record"]["managed_build"] == "20250101"
    assert env["verdict"] == "ok"


def test_doctor_text_and_usage(sandbox: Sandbox) -> None:
    sandbox.path_dirs = [uv_release(NEWEST)]
    done = uvshim(sandbox, "doctor")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "healthy"
    assert "cached environments" in done.stdout
    assert uvshim(sandbox, "doctor", "--frobnicate").returncode == 2
    assert uvshim(sandbox, "doctor", "--cache-dir").returncode == 2
