"""The memo and its trace: what a check's run records, when it may be kept, when it holds.

Real files in tmp_path; no process is started. The behaviour with real uv and real
interpreters is in tests/integration/test_fast_path.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from uvshim import entry, locking, memo
from uvshim.memo import (
    FOLLOWED,
    LISTED,
    MAX_MEMOS,
    MEMO_FOLDER,
    NOT_FOLLOWED,
    Invocation,
    encode_memo,
    replay,
    stamp,
    write_memo,
)
from uvshim.trace import Trace

REAL_STAT = os.stat


def traced(environ: dict[str, str], action: object) -> Trace:
    trace = Trace(environ)
    trace.start()
    try:
        assert callable(action)
        action(trace)
    finally:
        trace.stop()
    return trace


def test_stamps_follow_type_and_times(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x")
    link = tmp_path / "l"
    link.symlink_to(file)
    assert len(stamp(FOLLOWED, str(file)).split()) == 8
    assert len(stamp(FOLLOWED, str(tmp_path)).split()) == 5  # traversed: no times
    assert len(stamp(LISTED, str(tmp_path)).split()) == 8  # listed: its times matter
    assert stamp(FOLLOWED, str(link)) == stamp(FOLLOWED, str(file))
    assert stamp(NOT_FOLLOWED, str(link)) != stamp(NOT_FOLLOWED, str(file))
    assert stamp(FOLLOWED, str(tmp_path / "missing")) == "!2"
    before = stamp(FOLLOWED, str(file))
    os.utime(file, ns=(REAL_STAT(file).st_atime_ns, REAL_STAT(file).st_mtime_ns))
    assert stamp(FOLLOWED, str(file)) != before  # same mtime, but ctime moved


def test_every_kind_of_read_is_stamped(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "f").write_text("x")
    (folder / "l").symlink_to(folder / "f")
    missing = str(tmp_path / "missing")

    def reads(_: Trace) -> None:
        os.path.isfile(folder / "f")
        os.path.exists(missing)
        os.path.islink(folder / "l")
        os.path.realpath(folder / "l")
        os.access(folder / "f", os.X_OK)
        os.listdir(tmp_path)
        with os.scandir(folder) as entries:
            list(entries)
        with open(folder / "f", encoding="utf-8") as handle:
            handle.read()
        os.close(os.open(folder / "f", os.O_RDONLY))

    trace = traced({}, reads)
    assert trace.spoiled is None
    seen = set(trace.stamps)
    assert {(FOLLOWED, str(folder / "f")), (FOLLOWED, missing),
            (NOT_FOLLOWED, str(folder / "l")), (LISTED, str(tmp_path)),
            (LISTED, str(folder)), (NOT_FOLLOWED, str(folder / "f"))} <= seen
    assert os.stat is REAL_STAT  # put back


@pytest.mark.parametrize("write", [
    lambda p: p.joinpath("new").write_text("x"),
    lambda p: os.close(os.open(p / "new", os.O_WRONLY | os.O_CREAT)),
    lambda p: os.mkdir(p / "new"),
    lambda p: os.replace(p / "a", p / "b"),
    lambda p: os.unlink(p / "a"),
    lambda p: os.symlink(p / "a", p / "new"),
])
def test_a_write_spoils_the_trace(tmp_path: Path, write: object) -> None:
    (tmp_path / "a").write_text("x")
    assert callable(write)
    trace = traced({}, lambda _: write(tmp_path))
    assert trace.spoiled is not None


def test_waiting_for_another_shim_spoils_the_trace(tmp_path: Path) -> None:
    fd = locking.open_lock(str(tmp_path), create=True)
    assert fd is not None
    assert locking.try_lock(fd, exclusive=True)
    trace = Trace({})
    trace.start()
    try:
        with pytest.raises(locking.LockTimeoutError):
            locking.wait_while_rebuilding(str(tmp_path), 0.05)
    finally:
        trace.stop()
        os.close(fd)
    assert trace.spoiled == "audit event uvshim.wait"


def test_a_path_that_changes_during_the_check_spoils_it(tmp_path: Path) -> None:
    file = tmp_path / "f"

    def reads(trace: Trace) -> None:
        os.path.exists(file)
        file.write_bytes(b"")  # spoils it as a write ...
        trace.spoiled = None  # ... forgotten, to see that the second look alone spoils it
        os.path.exists(file)

    assert traced({}, reads).spoiled == f"{file} changed during the check"


def test_environment_reads_are_recorded_and_iteration_spoils() -> None:
    environ = {"UV_PYTHON": "3.12", "OTHER": "x"}
    trace = traced(environ, lambda t: (t.environ.get("UV_PYTHON"), t.environ.get("UV_CACHE_DIR"),
                                       "HOME" in t.environ))
    assert trace.environ.reads == {"UV_PYTHON": "3.12", "UV_CACHE_DIR": None, "HOME": None}
    assert trace.spoiled is None
    assert traced(environ, lambda t: dict(t.environ)).spoiled == "the whole environment was read"


def test_tracing_is_undone_after_an_error() -> None:
    with pytest.raises(ZeroDivisionError):
        traced({}, lambda _: 1 / 0)
    assert os.stat is REAL_STAT
    assert os.path.exists(__file__)  # and the hook, still installed, records nothing


def test_recent_changes_are_unsettled(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    trace = traced({}, lambda _: os.path.isfile(tmp_path / "f"))
    now = time.time_ns()
    assert trace.unsettled(now) == str(tmp_path / "f")
    assert trace.unsettled(now + memo.SETTLE_NS + 10**9) is None


def memo_world(tmp_path: Path) -> tuple[dict[str, str], Path, Invocation]:
    watched = tmp_path / "watched"
    watched.write_text("x")
    environ = {"UVSHIM_CACHE_DIR": str(tmp_path / "state"), "UV_PYTHON": "3.12"}
    invocation = Invocation("uvx", ["ruff", "check"], environ)
    trace = traced(environ, lambda t: (t.environ.get("UV_PYTHON"), os.path.isfile(watched)))
    write_memo(invocation.memo_path(), encode_memo(invocation.key(), trace.environ.reads,
                                                   trace.stamps, ["/uv", "tool", "uvx", "ruff"]))
    return environ, watched, invocation


def test_a_memo_holds_while_its_reads_do(tmp_path: Path) -> None:
    environ, watched, _ = memo_world(tmp_path)
    assert replay("uvx", ["ruff", "check"], environ) == ["/uv", "tool", "uvx", "ruff"]
    assert replay("uvx", ["ruff"], environ) is None  # another invocation
    assert replay("uv", ["ruff", "check"], environ) is None
    assert replay("uvx", ["ruff", "check"], {**environ, "UV_PYTHON": "3.11"}) is None
    assert replay("uvx", ["ruff", "check"], {**environ, "UV_OTHER": "1"}) is not None  # unread
    watched.write_text("y")
    assert replay("uvx", ["ruff", "check"], environ) is None


def test_the_names_under_a_prefix_are_one_read_that_the_memo_replays(tmp_path: Path) -> None:
    environ = {"UVSHIM_CACHE_DIR": str(tmp_path), "MISE_DATA_DIR": "/d", "MISEX": "1"}
    invocation = Invocation("uvx", ["ruff"], environ)
    trace = traced(environ, lambda t: t.environ.names_starting("MISE_"))
    assert trace.spoiled is None
    assert trace.environ.reads == {"=MISE_": "MISE_DATA_DIR="}
    write_memo(invocation.memo_path(), encode_memo(invocation.key(), trace.environ.reads,
                                                   trace.stamps, ["/uv", "tool", "uvx", "ruff"]))
    assert replay("uvx", ["ruff"], environ) == ["/uv", "tool", "uvx", "ruff"]
    assert replay("uvx", ["ruff"], {**environ, "MISE_DATA_DIR": "/other"}) is not None  # unread
    assert replay("uvx", ["ruff"], {**environ, "OTHER": "1", "MISE": "1"}) is not None
    assert replay("uvx", ["ruff"], {**environ, "MISE_ENV": "ci"}) is None  # one more
    assert replay("uvx", ["ruff"], {"UVSHIM_CACHE_DIR": str(tmp_path)}) is None  # one fewer


def test_a_memo_in_another_folder_does_not_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                ) -> None:
    environ, _, _ = memo_world(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert replay("uvx", ["ruff", "check"], environ) is None


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"garbage"),
    lambda p: p.write_bytes(p.read_bytes()[:-9]),
    lambda p: p.write_bytes(p.read_bytes().replace(b"\0i1\0", b"\0i9\0", 1)),
    lambda p: p.chmod(0o666),
    lambda p: p.write_bytes(b""),
])
def test_a_damaged_or_writable_memo_is_ignored(tmp_path: Path, damage: object) -> None:
    environ, _, invocation = memo_world(tmp_path)
    assert callable(damage)
    damage(Path(invocation.memo_path()))
    assert replay("uvx", ["ruff", "check"], environ) is None


def test_the_memo_folder_is_bounded(tmp_path: Path) -> None:
    folder = tmp_path / MEMO_FOLDER
    folder.mkdir()
    for index in range(MAX_MEMOS + 1):
        (folder / f"{index:016x}").write_bytes(b"")
    write_memo(str(folder / "new"), b"data")
    assert [p.name for p in folder.iterdir()] == ["new"]
    assert (folder / "new").stat().st_mode & 0o777 == 0o600


def test_main_execs_a_memo_that_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environ, _, _ = memo_world(tmp_path)
    execs: list[list[str]] = []

    def fake_exec(_path: str, argv: list[str]) -> None:
        execs.append(argv)
        raise RuntimeError("exec")

    monkeypatch.setattr("posix.execv", fake_exec)
    with pytest.raises(RuntimeError, match="exec"):
        entry.main("uvx", ["ruff", "check"], environ=environ)
    assert execs == [["/uv", "tool", "uvx", "ruff"]]


@pytest.mark.parametrize("extra", [{"UVSHIM_FAST_PATH": "0"},
                                   {"UVSHIM_EXEC_PID": str(os.getpid())}])
def test_main_runs_the_full_check_when_off_or_looping(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]) -> None:
    environ, _, _ = memo_world(tmp_path)
    calls: list[list[str]] = []

    def full_check(_mode: str, args: list[str], _env: object) -> None:
        calls.append(args)
        raise RuntimeError("full")

    monkeypatch.setattr("uvshim.full_check.main", full_check)
    monkeypatch.setattr("posix.execv", lambda *_: pytest.fail("replayed"))
    with pytest.raises(RuntimeError, match="full"):
        entry.main("uvx", ["ruff", "check"], environ={**environ, **extra})
    assert calls == [["ruff", "check"]]
