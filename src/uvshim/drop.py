"""Dropping a link in uv's cache, so that uv builds a fresh environment instead of reusing one.

Evidence per uv version (uv's source for each release, proved with real binaries by
tests/integration/test_stale_env.py on one release per minor series):

- Dropping the stale ``environments-vN/<interpreter>/<resolution>`` link makes every uv from
  0.5.0 to 0.13.9 build a fresh environment and link it there, so later runs are repaired
  too, with or without the shim. The archive behind the link stays, so a tool still running
  from it is unharmed; ``uv cache prune`` collects it later. This is the primary fix for all
  versions: it needs no network and prints nothing.
- The flags are worse where they work at all: ``--reinstall``/``--refresh`` rebuild only up to
  0.8.17 (#15827 removed that), force a re-resolution against the index and print
  "Tools cannot be reinstalled via uvx"; ``--python <other path>`` works only when the other
  path hashes differently and leaves the stale entry behind.
- When the link cannot be removed (read-only cache, full cache, lock timeout), ``policy`` adds
  ``--no-cache`` where it works (``uv.releases.no_cache_works``).

Check, lock, check again: a link is dropped only while it still points at the environment that
was judged, so a link that uv (or another shim) replaced meanwhile is left alone. A race with a
uv that does not take our lock can at worst drop a fresh link, which costs one rebuild and
breaks nothing.

Parallel shims on one cache (``locking`` has the protocol): one drops the link and holds the
bucket's lock until uv has linked the rebuilt environment; the others wait for that, so the
environment is rebuilt once. uv alone does not ensure that: 16 bare ``uvx`` started at once on
a missing entry built it 4 times (0.6.4) and 15 times (0.8.24); only from 0.13.8, whose
per-entry ``<rhash>.lock`` is re-checked after it is taken, did they build it once (0.13.9).
"""

from __future__ import annotations

import errno
import os

from uvshim.locking import (
    LOCK_NAME,
    LockTimeoutError,
    hold_until_linked,
    lock_or_done,
    timeout_message,
    try_lock,
)
from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# Below this much free space (or these many free inodes) a rebuild would fail half-way with
# ENOSPC after the link is gone, so the tool would not run at all; --no-cache builds in the
# temporary folder instead. A small tool environment needs a few MiB and a few hundred inodes.
MIN_FREE_BYTES = 16 * 1024 * 1024
MIN_FREE_INODES = 512


class DropOutcome(Record):
    dropped: tuple[str, ...]  # the entries whose links went; none, with no problem: another
    #                           process dropped them and uv has relinked fresh ones meanwhile
    problem: str | None  # why no link could be dropped


def drop_for_rebuild(bucket: str, judged: Mapping[str, str], lock_timeout: float
                     ) -> DropOutcome:
    """The shim's drop, just before it execs uv: refused on a full file system (uv could not
    rebuild), and the lock stays held until uv relinks, so parallel shims wait for this one
    rebuild and reuse it."""
    full = full_filesystem(bucket)
    if full is not None:
        return DropOutcome((), full)
    return drop_links(bucket, judged, lock_timeout, hold=True)


def drop_links(bucket: str, judged: Mapping[str, str], lock_timeout: float, *, hold: bool
               ) -> DropOutcome:
    """Under the bucket's lock, unlink each entry of ``judged`` (entry -> the environment it
    linked to when judged) that still links there. With ``hold`` the lock stays with a watcher
    until uv relinks, for a caller that execs uv next."""
    try:
        fd = lock_or_done(bucket, lock_timeout, lambda: _all_relinked(judged))
    except LockTimeoutError as exc:
        return DropOutcome((), str(exc))
    except OSError as exc:
        return DropOutcome((), _cannot_lock(bucket, exc.strerror or str(exc)))
    if fd is None:
        return DropOutcome((), None)
    try:
        dropped = tuple(entry for entry, target in judged.items() if _unlink_if(entry, target))
    except OSError as exc:
        os.close(fd)
        return DropOutcome((), _cannot_unlink(bucket, exc.strerror or str(exc)))
    if dropped and hold:
        hold_until_linked(fd, bucket, lock_timeout)
    else:
        os.close(fd)
    return DropOutcome(dropped, None)


def predict_drop(bucket: str, judged: Mapping[str, str], lock_timeout: float) -> DropOutcome:
    """What ``drop_for_rebuild`` would return now, found without changing anything (for
    ``explain``): the same guard, the same lock, the same unlink, each tried without effect."""
    full = full_filesystem(bucket)
    if full is not None:
        return DropOutcome((), full)
    problem = _lock_problem(bucket, lock_timeout)
    if problem is None:
        denied = _write_errno(bucket)
        problem = _cannot_unlink(bucket, os.strerror(denied)) if denied else None
    if problem is not None:
        return DropOutcome((), problem)
    return DropOutcome(tuple(entry for entry, target in judged.items()
                             if os.path.islink(entry) and _links_to(entry, target)), None)


def _lock_problem(bucket: str, lock_timeout: float) -> str | None:
    path = os.path.join(bucket, LOCK_NAME)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        denied = _write_errno(bucket)  # the shim would create it
        return _cannot_lock(bucket, os.strerror(denied)) if denied else None
    except OSError as exc:
        return _cannot_lock(bucket, exc.strerror or str(exc))
    try:
        # Held by another shim: this one would wait, and time out unless it is released.
        return None if try_lock(fd, exclusive=True) else timeout_message(lock_timeout, bucket)
    finally:
        os.close(fd)  # releases the lock if it was taken


def _write_errno(folder: str) -> int | None:
    """The errno creating or removing a name in ``folder`` would fail with, or None."""
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    return errno.EROFS if read_only else errno.EACCES


def _cannot_lock(bucket: str, why: str) -> str:
    return f"cannot lock {bucket}: {why}"


def _cannot_unlink(bucket: str, why: str) -> str:
    return f"cannot remove a link in {bucket}: {why}"


def _unlink_if(entry: str, target: str) -> bool:
    if not os.path.islink(entry) or not _links_to(entry, target):
        return False
    os.unlink(entry)  # removes the link itself; never follows it out of the cache
    return True


def _links_to(entry: str, target: str) -> bool:
    return os.path.realpath(entry) == target


def _all_relinked(judged: Mapping[str, str]) -> bool:
    """Every entry is a link again, to another environment than the one judged. A missing
    entry does not count: whoever dropped it is still rebuilding."""
    return all(os.path.islink(entry) and not _links_to(entry, target)
               for entry, target in judged.items())


def full_filesystem(bucket: str) -> str | None:
    try:
        fs = os.statvfs(bucket)
    except (OSError, AttributeError):
        return None  # unknown: try, and handle ENOSPC if it comes
    free = fs.f_bavail * fs.f_frsize
    if free < MIN_FREE_BYTES or (fs.f_files > 0 and fs.f_favail < MIN_FREE_INODES):
        return (f"the cache's file system is full ({free // 1024} KiB, {fs.f_favail} inodes "
                "free), so uv could not rebuild it")
    return None
