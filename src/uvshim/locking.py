"""uvshim's lock on one bucket of uv's cache: who drops a stale link, and who waits for the rebuild.

The lock is ``flock(2)`` on ``<bucket>/.uvshim.lock``, a file of our own: uv's locks are never
taken exclusively (from 0.8.20 every uvx holds ``<cache>/.lock`` *shared* for the whole tool run,
and ``uv cache prune`` takes it exclusively; from 0.13.8 uv takes ``<rhash>.lock`` exclusively
while creating an entry). ``flock`` belongs to the open file, so the kernel releases it when the
holder dies, SIGKILL included: a killed job never blocks the next one.

Protocol, for N shims that find the same stale link at once:

- the first to get the lock (exclusive) drops the link, then keeps the lock held by a small
  forked watcher until uv links a new environment in the bucket, the shim's process (which has
  become uv by exec) exits, or the lock timeout passes; so the lock never leaks into the tool
  or any daemon it starts;
- the others wait, polling, until that lock is free or their entries are fresh again, then
  re-check and run uv, which reuses the rebuilt environment: one rebuild, not N;
- a shim that sees nothing stale still waits while the lock is held (it may have looked just
  after the drop, before the rebuild), until a new link appears or the lock is free.

Every wait is bounded by ``UVSHIM_LOCK_TIMEOUT``.
"""

from __future__ import annotations

import os
import sys
import time

from uvshim.errors import UvshimError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

LOCK_NAME = ".uvshim.lock"
POLL_S = 0.02


class LockTimeoutError(UvshimError):
    """The lock stayed held, and nothing we wait for happened, until the deadline."""


def links(bucket: str) -> frozenset[tuple[str, str]]:
    """The (name, target) of every link in ``bucket``: a new pair means uv linked a new entry."""
    found: set[tuple[str, str]] = set()
    try:
        with os.scandir(bucket) as entries:
            for entry in entries:
                if entry.is_symlink():
                    found.add((entry.name, _readlink(entry.path)))
    except OSError:
        return frozenset()
    return frozenset(found)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def open_lock(bucket: str, *, create: bool) -> int | None:
    """A descriptor on the bucket's lock file; None when it does not exist and ``create`` is off.

    Read-only is enough for ``flock``. ``O_NOFOLLOW``: a link planted at the lock's name must
    not make us create a file outside the cache. Mode 0666 minus the umask, as uv's own locks.
    """
    flags = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    if create:
        flags |= os.O_CREAT
    try:
        return os.open(os.path.join(bucket, LOCK_NAME), flags, 0o666)
    except FileNotFoundError:
        if create:
            raise
        return None


def try_lock(fd: int, *, exclusive: bool) -> bool:
    import fcntl  # noqa: PLC0415  -- only when a bucket has a lock file

    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_or_done(bucket: str, timeout: float, done: Callable[[], bool]) -> int | None:
    """Take the bucket's lock exclusively (return its descriptor), or return None as soon as
    ``done()`` holds while another process has it. ``LockTimeoutError`` after ``timeout``;
    ``OSError`` when the lock file cannot be opened (read-only or full cache)."""
    fd = open_lock(bucket, create=True)
    assert fd is not None  # noqa: S101  -- create=True never returns None
    try:
        outcome = _wait_exclusive(fd, time.monotonic() + timeout, done)
    except BaseException:
        _close_quietly(fd)
        raise
    if outcome == _LOCKED:
        return fd
    os.close(fd)
    if outcome == _DONE:
        # Not asked again: another uv may be replacing its link right now, and what was
        # seen is what counts; the caller runs uv, which finds or makes the environment.
        return None
    raise LockTimeoutError(timeout_message(timeout, bucket))


def timeout_message(timeout: float, bucket: str) -> str:
    return f"timed out after {timeout:g}s waiting for the lock in {bucket}"


_LOCKED, _DONE, _TIMED_OUT = "locked", "done", "timed out"


def _wait_exclusive(fd: int, deadline: float, done: Callable[[], bool]) -> str:
    """``_LOCKED`` once the lock is ours; ``_DONE`` when ``done()`` holds first; else
    ``_TIMED_OUT`` at the deadline."""
    while not try_lock(fd, exclusive=True):
        if done():
            return _DONE
        if time.monotonic() >= deadline:
            return _TIMED_OUT
        _sleep()
    return _LOCKED


def wait_while_rebuilding(bucket: str, timeout: float) -> None:
    """Return once no other shim is rebuilding in ``bucket`` (lock free) or it has linked a new
    entry; ``LockTimeoutError`` after ``timeout``. Costs one failed ``open`` when the bucket
    never had a repair."""
    try:
        fd = open_lock(bucket, create=False)
    except OSError:
        return  # cannot even read it: nothing to coordinate with
    if fd is None:
        return
    try:
        before = links(bucket)
        rebuilt = _wait_shared(fd, time.monotonic() + timeout,
                               lambda: bool(links(bucket) - before))
    finally:
        _close_quietly(fd)
    if not rebuilt:
        raise LockTimeoutError(f"another uvshim has been rebuilding in {bucket} for "
                               f"{timeout:g}s")


def _wait_shared(fd: int, deadline: float, linked: Callable[[], bool]) -> bool:
    """True once the lock is free (taken shared, released with ``fd``) or ``linked()`` holds;
    False at the deadline."""
    while not try_lock(fd, exclusive=False):
        if linked():
            return True
        if time.monotonic() >= deadline:
            return False
        _sleep()
    return True


def _sleep() -> None:
    # Audited (``time.sleep`` is only from 3.13 on): a check that had to wait for another shim
    # saw the cache in motion, and ``trace`` keeps no memo of it.
    sys.audit("uvshim.wait")
    time.sleep(POLL_S)


def hold_until_linked(fd: int, bucket: str, timeout: float) -> None:
    """Keep the lock on ``fd`` held across the coming exec of uv, in a forked watcher, until uv
    links a new entry in ``bucket``, this process (uv after the exec) exits, or ``timeout``.

    This process's own descriptor is closed (``flock`` stays held by the watcher's copy). Where
    fork is impossible the lock is simply released: correctness does not depend on it, only
    the number of rebuilds.
    """
    before = links(bucket)
    parent = os.getpid()
    try:
        child = os.fork()
    except (AttributeError, OSError):
        child = -1
    if child == 0:
        _watch(fd, bucket, before, parent, timeout)
    os.close(fd)


def _watch(fd: int, bucket: str, before: frozenset[tuple[str, str]], parent: int,
           timeout: float) -> None:
    """The watcher's whole life: detach, wait, exit (never returns, never prints)."""
    try:
        os.setsid()  # a ^C at the terminal is for uv and the tool, not for us
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):  # never hold the caller's pipes open
            os.dup2(devnull, std)
        os.closerange(3, fd)
        os.closerange(fd + 1, 65536)
        deadline = time.monotonic() + timeout
        while (os.getppid() == parent and time.monotonic() < deadline
               and not links(bucket) - before):
            time.sleep(POLL_S)
    finally:
        os._exit(0)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        return
