"""Faults around a real repair, with the newest uv and real interpreters: a damaged cache, a
read-only or full cache, a shim killed mid-way, a broken or looping uv, a deleted interpreter,
corrupt shim state, hostile arguments. Each run must end as documented, with at most one
``uvshim:`` line and never a traceback.

Read-only and full file systems are real mounts where this machine allows mounting (CI as root
does); elsewhere the shim runs with the kernel's error simulated, so the test still runs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

OLD, NEW = "3.11", "3.12"
LAYOUT = "unversioned"
DAMAGE = ("missing", "empty", "truncated", "binary", "dangling", "looping")
# The shim run in-process with one os function failing as the kernel would fail it.
SIMULATE = """\
import errno, os, sys
from uvshim import full_check
def fail(*args, **kwargs):
    raise OSError(getattr(errno, sys.argv[2]), os.strerror(getattr(errno, sys.argv[2])))
class Full:
    f_bavail, f_frsize, f_files, f_favail = 0, 4096, 1000, 0
if sys.argv[1] == "statvfs":
    os.statvfs = lambda path: Full()
else:
    setattr(os, sys.argv[1], fail)
full_check.main("uvx", sys.argv[3:])
"""


class Scene:
    """A tool environment built with 3.11, the interpreter then swapped for 3.12."""

    def __init__(self, sandbox: Sandbox, wheels: Path, launchers: Path,
                 uv: str = NEWEST) -> None:
        for minor in (OLD, NEW):
            require_python(minor)
        self.sandbox = sandbox
        self.real = uv_release(uv)
        self.prefix = sandbox.root / "prefix"
        self.bindir = make_prefix(self.prefix, OLD, LAYOUT)
        self.args = ["--offline", "--find-links", str(wheels), "shimcheck"]
        self.launcher = str(launchers / "uvx")
        sandbox.path_dirs = [launchers, self.bindir, self.real]

    def build_and_swap(self) -> Path:
        built = self.run_bare()
        assert built.stdout.startswith(f"shimcheck {OLD} "), built.stderr
        swap_prefix(self.prefix, NEW, LAYOUT)
        return self.entry()

    def entry(self) -> Path:
        (bucket,) = (self.sandbox.root / "cache" / "environments-v2").iterdir()
        (entry,) = (p for p in bucket.iterdir() if not p.name.endswith(".lock"))
        return entry

    def run_bare(self) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([str(self.real / "uvx"), *self.args])

    def run_shim(self, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([self.launcher, *self.args], env=env)

    def explain(self, env: dict[str, str]) -> dict[str, object]:
        """``uvshim explain --json`` for the same command, as the user would run it."""
        done = self.sandbox.run([sys.executable, "-m", "uvshim", "explain", "--json",
                                 *self.args], env=env)
        assert done.returncode == 0, done.stderr
        report: dict[str, object] = json.loads(done.stdout)
        return report

    def run_simulated(self, call: str, code: str) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([sys.executable, "-c", SIMULATE, call, code, *self.args],
                                env=lenient(self.sandbox))


def lenient(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    """The sandbox's environment without strict mode: faults must fail open, as for users."""
    env = {**sandbox.env(), **extra}
    env.pop("UVSHIM_STRICT")
    return env


def shim_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("uvshim:")]
    assert len(lines) <= 1, done.stderr
    return lines


def runs_new(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"shimcheck {NEW} "), done.stderr


@functools.lru_cache(maxsize=1)
def can_mount() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        try:
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder],
                                  capture_output=True, check=False)
        except OSError:
            return False
        if done.returncode != 0:
            return False
        subprocess.run(["umount", folder], check=True)
        return True


@contextlib.contextmanager
def mounted(*commands: list[str], target: Path) -> Iterator[None]:
    try:
        for command in commands:
            subprocess.run(command, check=True, capture_output=True)
        yield
    finally:
        while subprocess.run(["umount", str(target)], capture_output=True,
                             check=False).returncode == 0:
            pass  # a bind remounted read-only is two mounts at one place


def damage(entry: Path, kind: str) -> None:
    target = entry.resolve()
    cfg = target / "pyvenv.cfg"
    if kind == "missing":
        cfg.unlink()
    elif kind == "empty":
        cfg.write_bytes(b"")
    elif kind == "truncated":
        cfg.write_bytes(cfg.read_bytes()[:30])
    elif kind == "binary":
        cfg.write_bytes(bytes(range(128, 256)) * 3)
    else:
        entry.unlink()
        entry.symlink_to(entry if kind == "looping" else target.parent / "gone")


def test_damaged_environments(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    """One scene, each damage in turn on the stale environment of the latest swap."""
    scene = Scene(sandbox, tool_wheels, launchers)
    entry = scene.build_and_swap()
    minor = NEW
    for kind in DAMAGE:
        damage(entry, kind)
        done = scene.run_shim()
        assert done.returncode == 0, (kind, done.stderr)
        assert done.stdout.startswith(f"shimcheck {minor} "), (kind, done.stderr)
        lines = shim_lines(done)
        if kind in {"dangling", "looping"}:
            assert lines == [], kind  # uv rebuilds these itself
        else:
            assert len(lines) == 1, kind
            assert "dropped it so uv builds a fresh one" in lines[0], kind
        minor = OLD if minor == NEW else NEW
        swap_prefix(scene.prefix, minor, LAYOUT)
        entry = scene.entry()


def test_read_only_cache(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    entry = scene.build_and_swap()
    cache = sandbox.root / "cache"
    if can_mount():
        with mounted(["mount", "--bind", str(cache), str(cache)],
                     ["mount", "-o", "remount,bind,ro", str(cache)], target=cache):
            done = scene.run_shim(lenient(sandbox))
    else:
        done = scene.run_simulated("unlink", "EROFS")
    runs_new(done)
    (line,) = shim_lines(done)
    assert "Read-only file system" in line
    assert line.endswith("running uv with --no-cache")
    assert entry.is_symlink()  # nothing in the cache changed


def test_full_cache(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    cache = sandbox.root / "cache"
    cache.mkdir()
    if can_mount():
        with mounted(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(cache)],
                     target=cache):
            entry = scene.build_and_swap()
            fill(cache / "filler")
            done = scene.run_shim(lenient(sandbox))
            assert entry.is_symlink()
    else:
        entry = scene.build_and_swap()
        done = scene.run_simulated("statvfs", "ENOSPC")
        assert entry.is_symlink()
    runs_new(done)
    (line,) = shim_lines(done)
    assert "file system is full" in line
    assert line.endswith("running uv with --no-cache")


def fill(path: Path) -> None:
    with contextlib.suppress(OSError), path.open("wb") as handle:
        while True:
            handle.write(b"\0" * (1 << 20))
            handle.flush()


def test_a_killed_repair_never_blocks_the_next_run(sandbox: Sandbox, tool_wheels: Path,
                                                   launchers: Path) -> None:
    """SIGKILL the shim after it dropped the link (its process is then a uv that hangs): the
    lock dies with it and its watcher, and the next run repairs at once, not after a timeout."""
    scene = Scene(sandbox, tool_wheels, launchers)
    entry = scene.build_and_swap()
    hanging = sandbox.root / "hanging" / "uv"
    hanging.parent.mkdir()
    hanging.write_text(f'#!/bin/sh\n[ "$1" = --version ] && exec {scene.real}/uv --version\n'
                       'echo started; exec sleep 600\n')
    hanging.chmod(0o755)
    env = {**sandbox.env(), "UVSHIM_REAL_UV": str(hanging)}
    victim = subprocess.Popen([scene.launcher, *scene.args], env=env, cwd=sandbox.root / "work",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert victim.stdout is not None
    assert victim.stdout.readline() == "started\n"
    assert not os.path.lexists(entry)  # dropped, and no uv will ever relink it
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=60)
    done = scene.run_shim({**sandbox.env(), "UVSHIM_LOCK_TIMEOUT": "120"})
    runs_new(done)
    assert shim_lines(done) == []  # nothing stale left, nothing waited for


def write_script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(("case", "status", "says"), [
    ("missing", 127, "uvshim: error: no real uv found on PATH"),
    ("not executable", 127, "is not an executable file"),
    ("exec fails", 126, "uvshim: error: cannot run"),
    ("loop", 127, "runs uvshim again instead of uv (a loop)"),
])
def test_broken_real_uv(sandbox: Sandbox, launchers: Path, case: str, status: int,
                        says: str) -> None:
    env = {**lenient(sandbox), "PATH": f"{launchers}:/usr/bin:/bin"}
    fake = sandbox.root / "fake" / "uv"
    if case == "not executable":
        write_script(fake, "#!/bin/sh\nexit 0\n").chmod(0o644)
        env["UVSHIM_REAL_UV"] = str(fake)
    elif case == "exec fails":
        write_script(fake, "")  # executable, but nothing the kernel can run
        env.update(UVSHIM_REAL_UV=str(fake), UVSHIM_DISABLE="1")
    elif case == "loop":
        # A wrapper named uv that execs uvx: the shim again, in the same process.
        write_script(fake, f'#!/bin/sh\n[ "$1" = --version ] && echo "uv {NEWEST}" && exit 0\n'
                           f'shift 2; exec {launchers}/uvx "$@"\n')
        env["UVSHIM_REAL_UV"] = str(fake)
    done = sandbox.run([str(launchers / "uvx"), "shimcheck"], env=env)
    assert done.returncode == status, done.stderr
    (line,) = shim_lines(done)
    assert says in line


def test_deleted_interpreter(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    scene.build_and_swap()
    python = scene.bindir / "python"
    env = lenient(sandbox, UV_PYTHON=str(python))
    swap_prefix(scene.prefix, NEW, LAYOUT)
    python.unlink()
    bare = sandbox.run([str(scene.real / "uvx"), *scene.args], env=env)
    done = scene.run_shim(env)
    shim_lines(done)
    assert done.returncode == bare.returncode != 0
    assert done.stdout == bare.stdout


def test_deleted_working_folder(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    scene.build_and_swap()
    gone = sandbox.root / "gone"
    in_gone = ["sh", "-c", 'mkdir "$0" && cd "$0" && rmdir "$0" && exec "$@"', str(gone)]
    bare = sandbox.run([*in_gone, str(scene.real / "uvx"), *scene.args], env=lenient(sandbox))
    done = sandbox.run([*in_gone, str(launchers / "uvx"), *scene.args], env=lenient(sandbox))
    assert done.returncode == bare.returncode != 0
    assert done.stdout == bare.stdout
    assert shim_lines(done) == []  # uv says "Current directory does not exist" itself


def test_corrupt_shim_state(sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    scene.build_and_swap()
    assert scene.run_shim().returncode == 0  # fills the state folder
    swap_prefix(scene.prefix, OLD, LAYOUT)
    state = sandbox.root / "uvshim-state"
    files = [p for p in state.rglob("*") if p.is_file()]
    assert files
    for number, path in enumerate(files):
        path.write_bytes([b"", b"\xff\x00garbage", b"uvshim-identity-v2\0i1"][number % 3])
    done = scene.run_shim()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"shimcheck {OLD} "), done.stderr
    (line,) = shim_lines(done)
    assert "dropped it" in line


HOSTILE = ["$(touch pwned)", "`touch pwned`", "a b", "x;touch pwned", "new\nline", "", "-",
           "--", "'\"", "ünï", "*"]


def test_arguments_and_values_reach_uv_unchanged_and_no_shell_runs(
        sandbox: Sandbox, launchers: Path) -> None:
    record = sandbox.root / "argv"
    fake = write_script(sandbox.root / "fake" / "uv",
                        f'#!/bin/sh\n[ "$1" = --version ] && echo "uv {NEWEST}" && exit 0\n'
                        f'for a in "$@"; do printf "%s\\0" "$a"; done > {record}\n')
    env = {**sandbox.env(), "UVSHIM_REAL_UV": str(fake), "UV_PYTHON": "$(touch pwned)",
           "UV_CACHE_DIR": "rel dir/`touch pwned`\n"}
    args = ["--from", "shimcheck", "shimcheck", *HOSTILE]
    done = sandbox.run([str(launchers / "uvx"), *args], env=env)
    assert done.returncode == 0, done.stderr
    shim_lines(done)  # at most one line (the request is undecidable), no traceback
    assert record.read_bytes().split(b"\0")[:-1] == [
        arg.encode() for arg in ["tool", "uvx", *args]]
    assert not list(sandbox.root.rglob("pwned"))


def test_writes_only_its_state_and_the_cache_with_the_umask(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    scene = Scene(sandbox, tool_wheels, launchers)
    scene.build_and_swap()
    before = {p for p in sandbox.root.rglob("*") if "cache" not in p.parts}
    old = os.umask(0o027)
    try:
        runs_new(scene.run_shim())
    finally:
        os.umask(old)
    lock = next((sandbox.root / "cache" / "environments-v2").glob("*/.uvshim.lock"))
    assert lock.stat().st_mode & 0o777 == 0o640
    created = {p for p in sandbox.root.rglob("*") if "cache" not in p.parts} - before
    assert created, "the state folder should have been filled"
    for path in created:
        assert path.is_relative_to(sandbox.root / "uvshim-state") or \
            path.is_relative_to(sandbox.root / "tools"), path  # tools: uv's own lock
        if path.is_file() and path.parent.name != "tools":
            assert path.stat().st_mode & 0o777 == 0o640, path


def require_mounts() -> None:
    if not can_mount():
        message = "cannot mount file systems here (needs root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run this test")
        pytest.skip(message)


@contextlib.contextmanager
def lock_held(bucket: Path) -> Iterator[None]:
    """Another shim holding the bucket's lock, as while it rebuilds."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(bucket / ".uvshim.lock")],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


@pytest.mark.parametrize(("fault", "uv"), [
    ("read-only", NEWEST), ("full", NEWEST), ("lock timeout", NEWEST), ("lock timeout", "0.8.19"),
])
def test_explain_shows_the_lines_the_shim_prints(sandbox: Sandbox, tool_wheels: Path,
                                                 launchers: Path, fault: str, uv: str) -> None:
    """explain runs the shim's own decision as a dry run: for each fault its
    ``decision.messages`` are exactly the shim's stderr, and explain changed nothing."""
    scene = Scene(sandbox, tool_wheels, launchers, uv)
    cache = sandbox.root / "cache"
    env = lenient(sandbox, UVSHIM_LOCK_TIMEOUT="0.5")
    if fault == "read-only":
        require_mounts()
        entry = scene.build_and_swap()
        with mounted(["mount", "--bind", str(cache), str(cache)],
                     ["mount", "-o", "remount,bind,ro", str(cache)], target=cache):
            report, done = scene.explain(env), scene.run_shim(env)
    elif fault == "full":
        require_mounts()
        cache.mkdir()
        with mounted(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(cache)],
                     target=cache):
            entry = scene.build_and_swap()
            fill(cache / "filler")
            report, done = scene.explain(env), scene.run_shim(env)
            assert entry.is_symlink()
    else:
        entry = scene.build_and_swap()
        with lock_held(entry.parent):
            report = scene.explain(env)
            assert entry.is_symlink()  # explain changed nothing
            done = scene.run_shim(env)
    if uv == NEWEST:
        runs_new(done)  # with --no-cache; 0.8.19 has no flag and reuses the stale one
    (line,) = shim_lines(done)
    decision = report["decision"]
    assert isinstance(decision, dict)
    assert decision["messages"] == [line]
    flags = ["--no-cache"] if uv == NEWEST else []
    assert decision["flags"] == flags
    assert decision["action"] == ("fallback-flags" if flags else "unchanged")
    if uv != NEWEST:
        assert f"uv {uv} has no flag that avoids it" in line
