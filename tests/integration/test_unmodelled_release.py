"""A uv release newer than the newest modelled one, with stand-ins built around the newest
real release: each answers ``uv 0.14.0`` and otherwise runs the real uv, changed in one way.

For each: the first run through the shim checks the binary once, then says nothing (the model
holds) or one line naming the release and the fact that failed; the user's command runs with
its arguments unchanged (the stand-in logs what it was given); and there is never a silent
miss: when the check passed, the shim repairs an interpreter swap as it does for a modelled
release; when it failed, the user was told, once.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from _support.audit import audited, settle
from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release
from integration.test_hot_path import REPLAY_MODULES
from uvshim.uv.releases import NEWEST_KNOWN

OLD, NEW = "3.11", "3.12"
LAYOUT = "unversioned"  # the layout bare uv fails on after a swap, on every release
NEWER = "0.14.0"

# The stand-ins' one change each, as shell lines run before the real uv (``$real``).
PASSES = ""
# Tool environments in ``environments-v3``: moved there after each run, back for the next.
ELSEWHERE = """\
cache="$UV_CACHE_DIR"
[ -d "$cache/environments-v3" ] && mv "$cache/environments-v3" "$cache/environments-v2"
"$real" "$@"; status=$?
[ -d "$cache/environments-v2" ] && mv "$cache/environments-v2" "$cache/environments-v3"
exit $status
"""
# `--from` no longer listed by any help.
NO_FROM = """\
case " $* " in *" --help "*) "$real" "$@" | grep -v -e '--from <FROM>'; exit 0;; esac
"""
HANGS = """\
case " $* " in *" --help "*) exec sleep 600;; esac
"""


def write_standin(folder: Path, change: str) -> Path:
    """``folder/uv``: logs its arguments, answers ``uv NEWER`` to ``--version``, else runs
    the newest real uv after ``change``."""
    folder.mkdir()
    real = uv_release(NEWEST) / "uv"
    uv = folder / "uv"
    uv.write_text(f"""#!/bin/sh
real="{real}"
printf '%s\\n' "$*" >> "{folder / 'calls.log'}"
if [ "$1" = "--version" ]; then echo "uv {NEWER}"; exit 0; fi
{change}
exec "$real" "$@"
""")
    uv.chmod(0o755)
    return uv


class Scene:
    """A tool built with 3.11 through the shim, the interpreter then swapped for 3.12."""

    def __init__(self, sandbox: Sandbox, wheels: Path, launchers: Path, change: str,
                 time_limit: str | None = None, layout: str = LAYOUT) -> None:
        for minor in (OLD, NEW):
            require_python(minor)
        self.sandbox = sandbox
        self.uv = write_standin(sandbox.root / "standin", change)
        self.prefix = sandbox.root / "prefix"
        bindir = make_prefix(self.prefix, OLD, layout)
        self.args = ["--offline", "--find-links", str(wheels), "shimcheck"]
        self.launcher = str(launchers / "uvx")
        sandbox.path_dirs = [launchers, bindir, self.uv.parent]
        if time_limit is not None:
            sandbox.extra_env["UVSHIM_RELEASE_CHECK_TIMEOUT"] = time_limit

    def run_shim(self, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([self.launcher, *self.args], env=env)

    def calls(self) -> list[str]:
        return (self.uv.parent / "calls.log").read_text().splitlines()

    def user_calls(self) -> list[str]:
        """What uv was asked to run for the user (the check's runs carry ``--no-config`` or
        ask for help)."""
        return [call for call in self.calls() if call.startswith("tool uvx ")
                and "--no-config" not in call and call != "tool uvx --help"]


def shim_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("uvshim:")]


def runs(done: subprocess.CompletedProcess[str], minor: str) -> None:
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"shimcheck {minor} "), done.stderr


def test_newer_release_that_holds_is_silent_and_repairs_a_swap(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers, PASSES)
    first = scene.run_shim()
    runs(first, OLD)
    assert shim_lines(first) == []
    assert scene.calls().count("tool run --help") == 1  # the check ran, once
    swap_prefix(scene.prefix, NEW, LAYOUT)
    swapped = scene.run_shim()
    runs(swapped, NEW)
    (line,) = shim_lines(swapped)
    assert f"interpreter is now CPython {NEW}" in line
    assert "dropped it so uv builds a fresh one" in line
    assert scene.calls().count("tool run --help") == 1  # kept: not checked again
    assert scene.user_calls() == [f"tool uvx {' '.join(scene.args)}"] * 2


def test_after_a_passed_check_the_warm_path_replays_a_memo(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    """As for a modelled release: no process, only the replay's modules (test_hot_path). The
    symlinked layout: a hard link's ctime moves whenever the file gets another link."""
    scene = Scene(sandbox, tool_wheels, launchers, PASSES, layout="symlinked")
    runs(scene.run_shim(), OLD)  # the check
    runs(scene.run_shim(), OLD)  # the full check, which records the environment's build
    settle(*sandbox.folders)
    kept = audited(sandbox, scene.args)
    assert kept.full_check
    assert kept.spawned == []
    assert kept.notes == []
    replayed = audited(sandbox, scene.args)
    assert not replayed.full_check
    assert replayed.spawned == []
    assert {name for name in replayed.modules if name.startswith("uvshim")} == REPLAY_MODULES
    assert replayed.argv == [str(scene.uv), "tool", "uvx", *scene.args]
    assert scene.calls().count("tool run --help") == 1


@pytest.mark.parametrize(("change", "time_limit", "fact"), [
    (ELSEWHERE, None, "it should keep a tool's environment in the bucket uvshim predicts "
                "(environments-v2/"),
    (NO_FROM, None, "it should list the options uvshim parses in `uv tool run --help`, but --from "
              "is gone"),
    (HANGS, "3", "it should finish within the check's time limit, but `uv tool run --help` did "
            "not finish within 3 s"),
], ids=["elsewhere", "no-from", "hangs"])
def test_newer_release_that_differs_is_named_once_then_left_alone(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path, change: str,
        time_limit: str | None, fact: str) -> None:
    scene = Scene(sandbox, tool_wheels, launchers, change, time_limit)
    first = scene.run_shim()
    runs(first, OLD)
    (line,) = shim_lines(first)
    assert line.startswith(f"uvshim: warning: uv {NEWER} is newer than the releases uvshim "
                           f"models (up to {NEWEST_KNOWN}) and fails uvshim's check: ")
    assert fact in line
    assert line.endswith("from now on uvshim runs this uv unchanged, without its protection, "
                         "until uvshim is upgraded")
    swap_prefix(scene.prefix, NEW, LAYOUT)
    for _ in range(2):  # said once for the binary: later runs are left alone, silently
        later = scene.run_shim()
        assert later.returncode == 0 or "shimcheck" not in later.stdout, later.stderr
        assert shim_lines(later) == []
    assert scene.calls().count("tool run --help") == 1
    assert scene.user_calls() == [f"tool uvx {' '.join(scene.args)}"] * 3


def test_parallel_first_runs_check_once(sandbox: Sandbox, tool_wheels: Path,
                                        launchers: Path) -> None:
    """16 first runs at once: one checks, the others wait for its result, all run the tool."""
    scene = Scene(sandbox, tool_wheels, launchers, PASSES)
    processes = [subprocess.Popen([scene.launcher, *scene.args], env=sandbox.env(),
                                  cwd=sandbox.root / "work", stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(16)]
    for process in processes:
        out, err = process.communicate(timeout=300)
        runs(subprocess.CompletedProcess(process.args, process.returncode, out, err), OLD)
        assert shim_lines(subprocess.CompletedProcess([], 0, out, err)) == []
    assert scene.calls().count("tool run --help") == 1
    assert len(scene.user_calls()) == 16


@contextlib.contextmanager
def unwritable(state: Path, how: str) -> Iterator[None]:
    """uvshim's state folder as a real read-only bind mount, or a real full tmpfs."""
    from integration.test_faults import can_mount, fill, mounted  # noqa: PLC0415

    if not can_mount():
        pytest.fail("cannot mount file systems here (needs root)")
    state.mkdir(exist_ok=True)
    if how == "read-only":
        with mounted(["mount", "--bind", str(state), str(state)],
                     ["mount", "-o", "remount,bind,ro", str(state)], target=state):
            yield
    else:
        with mounted(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(state)],
                     target=state):
            fill(state / "filler")
            yield


@pytest.mark.parametrize(("how", "why"), [("read-only", "(Read-only file system)"),
                                          ("full", "(its file system is full (")])
def test_unwritable_state_runs_unchanged_after_one_line(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path, how: str, why: str) -> None:
    """No result could be kept, so no check (it would run every time): one line, unchanged."""
    scene = Scene(sandbox, tool_wheels, launchers, PASSES)
    env = sandbox.env()
    env.pop("UVSHIM_STRICT")
    with unwritable(sandbox.root / "uvshim-state", how):
        done = scene.run_shim(env)
    runs(done, OLD)
    (line,) = shim_lines(done)
    assert line.startswith(f"uvshim: warning: uv {NEWER} is newer than the releases uvshim "
                           f"models (up to {NEWEST_KNOWN}) and cannot be checked: no result "
                           "can be kept in ")
    assert why in line
    assert line.endswith("; running uv unchanged")
    assert "tool run --help" not in scene.calls()
    assert scene.user_calls() == [f"tool uvx {' '.join(scene.args)}"]


def test_no_home_checks_and_runs(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    """No HOME and no UVSHIM_CACHE_DIR: the state goes where the user database says, the
    check uses its own throw-away home."""
    scene = Scene(sandbox, tool_wheels, launchers, PASSES)
    env = sandbox.env()
    env.pop("HOME")
    env["XDG_CACHE_HOME"] = str(sandbox.root / "xdg-cache")
    env.pop("UVSHIM_CACHE_DIR")
    done = scene.run_shim(env)
    runs(done, OLD)
    assert shim_lines(done) == []
    assert scene.calls().count("tool run --help") == 1
    assert any((sandbox.root / "xdg-cache" / "uvshim").glob("release-check-v1/*/result"))


def model_lines(sandbox: Sandbox, launchers: Path, env: dict[str, str]) -> tuple[str, str]:
    """What ``uvshim doctor --json`` and ``uvshim install --check`` say about the real uv."""
    doctor = sandbox.run([sys.executable, "-m", "uvshim", "doctor", "--json"], env=env)
    report = json.loads(doctor.stdout)
    check = sandbox.run([sys.executable, "-m", "uvshim", "install", "--check", "--dir",
                         str(launchers)], env=env)
    (line,) = [line for line in check.stdout.splitlines() if line.startswith("model: ")]
    return report["uv"]["model"], line.removeprefix("model: ")


@pytest.mark.parametrize(("change", "after"), [
    (PASSES, ": the model holds"),
    (NO_FROM, "it should list the options uvshim parses in `uv tool run --help`, but --from is "
              "gone; uvshim runs it unchanged"),
], ids=["holds", "fails"])
def test_doctor_and_install_check_show_the_check(sandbox: Sandbox, tool_wheels: Path,
                                                 launchers: Path, change: str,
                                                 after: str) -> None:
    scene = Scene(sandbox, tool_wheels, launchers, change)
    env = sandbox.env()
    newer = f"uv {NEWER} is newer than the releases uvshim models (up to {NEWEST_KNOWN}); "
    before = newer + "not checked yet (the next uvx run checks it once)"
    assert model_lines(sandbox, launchers, env) == (before, before)
    scene.run_shim()
    doctor, check = model_lines(sandbox, launchers, env)
    assert doctor == check
    assert doctor.startswith(newer + "checked 20")
    assert doctor.endswith(after)


def test_doctor_and_install_check_name_a_modelled_release(sandbox: Sandbox,
                                                          launchers: Path) -> None:
    sandbox.path_dirs = [launchers, uv_release(NEWEST)]
    assert model_lines(sandbox, launchers, sandbox.env()) == (
        (f"uv {NEWEST} is a release uvshim models (0.5.0 to {NEWEST_KNOWN})",) * 2)
