"""Faults in the repair step and its lock, on real files; the few that cannot be made for real
here (read-only or full file systems, as root) are simulated with the error the kernel gives."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from _support.identities import make_identity
from uvshim import drop, full_check, locking
from uvshim.discovery.identity_cache import identify
from uvshim.drop import DropOutcome, drop_for_rebuild
from uvshim.environments import CachedEnv, read_entry
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.locking import (
    LOCK_NAME,
    LockTimeoutError,
    lock_or_done,
    open_lock,
    try_lock,
    wait_while_rebuilding,
)
from uvshim.policy import Circumstances, Decision, Verdict, decide, judge
from uvshim.uv.binary import find_real_uv
from uvshim.versions import Version

PY312 = make_identity()
CFG_311 = "home = /p/bin\nimplementation = CPython\nversion_info = 3.11.7\n"
UV = Version("0.13.9")
SAFETY_S = 20.0  # a safety net for waits that must end long before it


def make_entry(cache: Path, cfg: bytes | None, purelib: str = "lib/python3.11/site-packages",
               name: str = "r1") -> Path:
    archive = cache / "archive-v0" / name
    (archive / purelib).mkdir(parents=True)
    if cfg is not None:
        (archive / "pyvenv.cfg").write_bytes(cfg)
    bucket = cache / "environments-v2" / "h"
    bucket.mkdir(parents=True, exist_ok=True)
    (bucket / name).symlink_to(archive)
    return bucket / name


def judged(entry: Path) -> dict[str, str]:
    """The entry, with the environment it links to as the check judged it."""
    return {str(entry): os.path.realpath(entry)}


def decision_after(outcome: DropOutcome) -> Decision:
    """What the shim decides for a stale environment when the drop ended with ``outcome``."""
    stale = Verdict(CachedEnv("/c/e", "/c/a", {}), stale=True, reason="is stale")
    given = Circumstances(quiet=False, uv_version=UV, on_build_change=None, notes=(),
                          tools_in=lambda _target: ("ruff",))
    return decide((stale,), None, given, lambda _judged: outcome)


@pytest.fixture
def no_watcher(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Keep the forked watcher out of the test process: the lock is released at once."""
    held: list[int] = []

    def release(fd: int, _bucket: str, _timeout: float) -> None:
        held.append(fd)
        os.close(fd)

    monkeypatch.setattr(drop, "hold_until_linked", release)
    return held


@contextlib.contextmanager
def held_elsewhere(lock_file: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock exclusively until killed."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(lock_file)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        assert child.stdout.readline() == "held\n"
        yield child
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


# --- pyvenv.cfg damage -------------------------------------------------------------------

@pytest.mark.parametrize(("cfg", "purelib", "stale", "says"), [
    (None, "lib/python3.12/site-packages", True, "no readable pyvenv.cfg"),
    (b"", "lib/python3.12/site-packages", False, "incomplete pyvenv.cfg"),
    (b"", "lib/python3.11/site-packages", True, "incomplete pyvenv.cfg and has no lib/python3.12"),
    (b"home = /p/b", "lib/python3.12/site-packages", False, "incomplete"),  # truncated
    (CFG_311.encode()[:40], "lib/python3.11/site-packages", True, "incomplete"),
    (b"\x80\xb6\xff=\x00garbage", "lib/python3.12/site-packages", True, "not UTF-8"),
    (b"implementation = CPython\nversion_info = 3.12.1\n\xff\n", "lib/python3.12/site-packages",
     True, "not UTF-8"),
])
def test_damaged_pyvenv_cfg(tmp_path: Path, cfg: bytes | None, purelib: str, stale: bool,
                            says: str) -> None:
    verdict = judge(read_entry(str(make_entry(tmp_path, cfg, purelib))), PY312)
    assert verdict.stale is stale
    assert says in verdict.reason


@pytest.mark.parametrize("kind", ["dangling", "looping"])
def test_broken_links_are_left_to_uv(tmp_path: Path, kind: str) -> None:
    bucket = tmp_path / "bucket"
    bucket.mkdir()
    link = bucket / "r1"
    link.symlink_to(link if kind == "looping" else tmp_path / "gone")
    assert judge(read_entry(str(link)), PY312).stale is False


# --- dropping: never out of the cache, never on a full or read-only one ------------------

def test_drop_removes_the_link_never_what_it_points_to(tmp_path: Path,
                                                       no_watcher: list[int]) -> None:
    outside = tmp_path / "outside"
    entry = make_entry(tmp_path / "cache", CFG_311.encode())
    target = entry.resolve()
    target.rename(outside)
    entry.unlink()
    entry.symlink_to(outside)  # a link leading out of the cache
    result = drop_for_rebuild(str(entry.parent), judged(entry), SAFETY_S)
    assert result.dropped == (str(entry),)
    assert not os.path.lexists(entry)
    assert (outside / "pyvenv.cfg").read_text() == CFG_311
    assert len(no_watcher) == 1


def test_a_planted_lock_link_is_not_followed(tmp_path: Path, no_watcher: list[int]) -> None:
    entry = make_entry(tmp_path / "cache", CFG_311.encode())
    victim = tmp_path / "victim"
    (entry.parent / LOCK_NAME).symlink_to(victim)
    result = drop_for_rebuild(str(entry.parent), judged(entry), SAFETY_S)
    assert result.dropped == ()
    assert decision_after(result).flags == ("--no-cache",)
    assert result.problem is not None
    assert result.problem.startswith("cannot lock")
    assert not victim.exists()
    assert os.path.islink(entry)
    assert no_watcher == []


@pytest.mark.parametrize(("call", "code"), [
    ("unlink", errno.EROFS), ("unlink", errno.EACCES), ("open", errno.EROFS),
    ("open", errno.ENOSPC), ("open", errno.EDQUOT),
])
def test_a_cache_that_cannot_be_changed_falls_back_to_no_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int) -> None:
    entry = make_entry(tmp_path / "cache", CFG_311.encode())

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, call, refuse)
    result = drop_for_rebuild(str(entry.parent), judged(entry), SAFETY_S)
    monkeypatch.undo()
    assert result.dropped == ()
    assert decision_after(result).flags == ("--no-cache",)
    assert os.strerror(code) in (result.problem or "")
    assert os.path.islink(entry)


class _FullFs:
    f_bavail, f_frsize, f_files, f_favail = 3, 4096, 1000, 900


def test_a_full_cache_is_not_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = make_entry(tmp_path / "cache", CFG_311.encode())
    monkeypatch.setattr(os, "statvfs", lambda _path: _FullFs())
    result = drop_for_rebuild(str(entry.parent), judged(entry), SAFETY_S)
    assert decision_after(result).flags == ("--no-cache",)
    assert "file system is full (12 KiB" in (result.problem or "")
    assert os.path.islink(entry)
    assert not (entry.parent / LOCK_NAME).exists()


# --- the lock ---------------------------------------------------------------------------

def test_lock_held_by_a_live_process_times_out_then_a_killed_one_is_free(
        tmp_path: Path) -> None:
    with held_elsewhere(tmp_path / LOCK_NAME) as child:
        with pytest.raises(LockTimeoutError, match=r"timed out after 0\.1s"):
            lock_or_done(str(tmp_path), 0.1, lambda: False)
        child.send_signal(signal.SIGKILL)
        child.wait()
    fd = lock_or_done(str(tmp_path), SAFETY_S, lambda: False)
    assert fd is not None
    os.close(fd)


def test_waiters_stop_waiting_when_the_entries_are_fresh_again(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path / LOCK_NAME):
        assert lock_or_done(str(tmp_path), SAFETY_S, lambda: True) is None


def test_fresh_entries_seen_once_end_the_wait_without_a_timeout(tmp_path: Path) -> None:
    """A waiter that saw the entries relinked is done, even if they are gone again when it
    looks once more (another uv replacing its link): no "timed out" that never happened, which
    made parallel shims fall back to --no-cache in tests/integration/test_concurrency.py."""
    answers = iter([True])
    with held_elsewhere(tmp_path / LOCK_NAME):
        assert lock_or_done(str(tmp_path), SAFETY_S, lambda: next(answers, False)) is None


def test_non_stale_runs_wait_for_a_rebuild_until_a_new_link(tmp_path: Path) -> None:
    bucket = tmp_path / "bucket"
    bucket.mkdir()
    wait_while_rebuilding(str(bucket), 0.0)  # no lock file: returns at once, creates nothing
    assert os.listdir(bucket) == []
    with held_elsewhere(bucket / LOCK_NAME):
        with pytest.raises(LockTimeoutError, match="rebuilding"):
            wait_while_rebuilding(str(bucket), 0.1)
        linker = subprocess.Popen([sys.executable, "-c",
                                   "import os, sys, time; time.sleep(0.3); "
                                   "os.symlink('../../archive-v0/new', sys.argv[1])",
                                   str(bucket / "r1")])
        wait_while_rebuilding(str(bucket), SAFETY_S)
        assert os.path.islink(bucket / "r1")
        linker.wait()


def test_the_watcher_holds_the_lock_until_uv_links_again(tmp_path: Path) -> None:
    """The real fork: the watcher (a child of this test process) keeps the lock after this
    process lets go of its descriptor, and frees it once a new link appears."""
    bucket = tmp_path / "bucket"
    bucket.mkdir()
    fd = lock_or_done(str(bucket), SAFETY_S, lambda: False)
    assert fd is not None
    locking.hold_until_linked(fd, str(bucket), SAFETY_S)
    probe = open_lock(str(bucket), create=False)
    assert probe is not None
    try:
        assert try_lock(probe, exclusive=False) is False  # still held, by the watcher
        (bucket / "r1").symlink_to(tmp_path / "archive")
        deadline = time.monotonic() + SAFETY_S
        while not try_lock(probe, exclusive=False):
            assert time.monotonic() < deadline, "the watcher never let go"
            time.sleep(0.01)
    finally:
        os.close(probe)


# --- the identity cache -----------------------------------------------------------------

@pytest.mark.parametrize("garbage", [b"", b"\x00\xff\xfe" * 100, b"uvshim-identity-v2\0sx",
                                     b"uvshim-identity-v2" + b"\0i1" * 40])
def test_a_corrupt_identity_cache_is_reprobed(tmp_path: Path, garbage: bytes,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state"
    first = identify(sys.executable, state)
    (entry,) = (state / "identity-v2").iterdir()
    entry.write_bytes(garbage)
    calls: list[str] = []

    def probe(executable: str) -> InterpreterIdentity:
        calls.append(executable)
        return first

    monkeypatch.setattr("uvshim.discovery.identity_cache.probe_interpreter", probe)
    assert identify(sys.executable, state) == first
    assert calls == [sys.executable]
    assert identify(sys.executable, state) == first
    assert calls == [sys.executable]  # rewritten, valid again


def test_state_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        identify(sys.executable, tmp_path / "state")
    finally:
        os.umask(old)
    (entry,) = (tmp_path / "state" / "identity-v2").iterdir()
    assert entry.stat().st_mode & 0o777 == 0o640


# --- which uv runs ----------------------------------------------------------------------

def write_uv(folder: Path, mode: int = 0o755) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    uv = folder / "uv"
    uv.write_text("#!/bin/sh\necho real\n")
    uv.chmod(mode)
    return uv


def test_real_uv_prefers_a_folder_only_its_owner_can_write(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shared = write_uv(tmp_path / "shared")
    shared.parent.chmod(0o777)
    loose = write_uv(tmp_path / "loose", 0o757)
    here = write_uv(tmp_path / "here")
    safe = write_uv(tmp_path / "safe")
    monkeypatch.chdir(here.parent)
    path = os.pathsep.join(str(p.parent) for p in (shared, loose, here, safe))
    assert find_real_uv({"PATH": path}) == str(safe)
    # With nothing trusted, the first usable one still runs, as in a shell.
    assert find_real_uv({"PATH": os.pathsep.join([str(shared.parent), str(here.parent)])}) \
        == str(shared)


@pytest.mark.parametrize(("setup", "says"), [
    ("missing", "does not exist"), ("not executable", "is not an executable file"),
    ("folder", "is not an executable file"), ("launcher", "is a uvshim launcher"),
])
def test_unusable_real_uv_is_one_line_and_127(tmp_path: Path, setup: str, says: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    uv = tmp_path / "uv"
    if setup == "not executable":
        write_uv(tmp_path, 0o644)
    elif setup == "folder":
        uv.mkdir()
    elif setup == "launcher":
        uv.write_text("#!/bin/sh\n# uvshim-launcher: x\nexec true\n")
        uv.chmod(0o755)
    with pytest.raises(SystemExit) as raised:
        full_check.main("uvx", ["ruff"], {"UVSHIM_REAL_UV": str(uv), "PATH": "/usr/bin:/bin"})
    assert raised.value.code == 127
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("uvshim: error: UVSHIM_REAL_UV=")
    assert says in line


def test_a_uv_that_execs_the_shim_again_is_a_loop(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    uv = write_uv(tmp_path)
    env = {"UVSHIM_REAL_UV": str(uv), "UVSHIM_EXEC_PID": str(os.getpid())}
    with pytest.raises(SystemExit) as raised:
        full_check.main("uvx", ["ruff"], env)
    assert raised.value.code == 127
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (f"uvshim: error: {uv} runs uvshim again instead of uv (a loop); "
                    "set UVSHIM_REAL_UV to the real uv binary")
