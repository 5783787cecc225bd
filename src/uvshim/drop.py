"""Making this uv version build a fresh environment instead of reusing a stale one.

Evidence per uv version (../shared/design/uv-facts.md section 4, re-proved by
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
- When the link cannot be removed (read-only cache, full cache, lock timeout), ``--no-cache``
  runs the tool once in a throw-away cache on every version except 0.8.19, which dropped the
  temporary cache before spawning the tool ("Failed to spawn"; fixed in 0.8.20 by #15990).
- Newer, unknown versions get the newest known version's treatment.

Parallel shims on one cache (``locking`` has the protocol): one drops the link and holds the
bucket's lock until uv has linked the rebuilt environment; the others wait for that, so the
environment is rebuilt once. uv alone does not ensure that: 16 bare ``uvx`` started at once on
a missing entry built it 4 times (0.6.4) and 15 times (0.8.24); only from 0.13.8, whose
per-entry ``<rhash>.lock`` is re-checked after it is taken, did they build it once (0.13.9).
"""

from __future__ import annotations

import os

from uvshim.discovery.identity import InterpreterIdentity
from uvshim.environments import read_entry
from uvshim.locking import LockTimeoutError, hold_until_linked, lock_or_done
from uvshim.policy import judge
from uvshim.record import Record
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_NO_CACHE_BROKEN = Version("0.8.19")
# Below this much free space (or these many free inodes) a rebuild would fail half-way with
# ENOSPC after the link is gone, so the tool would not run at all; --no-cache builds in the
# temporary folder instead. A small tool environment needs a few MiB and a few hundred inodes.
MIN_FREE_BYTES = 16 * 1024 * 1024
MIN_FREE_INODES = 512


class RepairResult(Record):
    dropped: tuple[str, ...]  # empty with no problem: another shim repaired it meanwhile
    fallback_flags: tuple[str, ...]  # flags to add when the links could not be dropped
    problem: str | None  # why the links could not be dropped


def fallback_flags(uv_version: Version) -> tuple[str, ...]:
    return () if uv_version == _NO_CACHE_BROKEN else ("--no-cache",)


def drop_stale(bucket: str, entries: tuple[str, ...], identity: InterpreterIdentity,
               uv_version: Version, lock_timeout: float) -> RepairResult:
    """Check, lock, check again, drop: parallel shims on one cache drop each link once.

    An entry that another process repaired meanwhile is left alone. A race with a uv that
    does not take our lock can at worst drop a fresh link, which costs one rebuild and
    breaks nothing.
    """
    full = _full_filesystem(bucket)
    outcome = full if full is not None else drop_links(
        bucket, entries, droppable=lambda entry: _is_stale_link(entry, identity),
        done=lambda: _all_fresh(entries, identity), lock_timeout=lock_timeout, hold=True,
        what="a stale entry")
    if isinstance(outcome, str):
        return RepairResult((), fallback_flags(uv_version), outcome)
    return RepairResult(outcome, (), None)


def drop_links(bucket: str, entries: tuple[str, ...], *, droppable: Callable[[str], bool],
               done: Callable[[], bool], lock_timeout: float, hold: bool,
               what: str) -> tuple[str, ...] | str:
    """Under the bucket's lock, unlink each of ``entries`` for which ``droppable`` still
    holds; return those dropped, or why none could be. ``done`` says another process has
    already done it (then nothing is dropped). With ``hold`` the lock stays with a watcher
    until uv relinks, for a caller that execs uv next."""
    try:
        fd = lock_or_done(bucket, lock_timeout, done)
    except LockTimeoutError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot lock {bucket}: {exc.strerror or exc}"
    if fd is None:
        return ()  # another process dropped them and uv has relinked fresh ones
    try:
        dropped = tuple(entry for entry in entries if _unlink_if(entry, droppable))
    except OSError as exc:
        os.close(fd)
        return f"cannot remove {what} in {bucket}: {exc.strerror or exc}"
    if dropped and hold:
        hold_until_linked(fd, bucket, lock_timeout)
    else:
        os.close(fd)
    return dropped


def _unlink_if(entry: str, droppable: Callable[[str], bool]) -> bool:
    if not os.path.islink(entry) or not droppable(entry):
        return False
    os.unlink(entry)  # removes the link itself; never follows it out of the cache
    return True


def _all_fresh(entries: tuple[str, ...], identity: InterpreterIdentity) -> bool:
    """Every entry is linked again and usable. A missing entry does not count: whoever
    dropped it is still rebuilding."""
    for entry in entries:
        env = read_entry(entry)
        if env.target is None or judge(env, identity).stale:
            return False
    return True


def _is_stale_link(entry: str, identity: InterpreterIdentity) -> bool:
    return judge(read_entry(entry), identity).stale


def _full_filesystem(bucket: str) -> str | None:
    try:
        fs = os.statvfs(bucket)
    except (OSError, AttributeError):
        return None  # unknown: try, and handle ENOSPC if it comes
    free = fs.f_bavail * fs.f_frsize
    if free < MIN_FREE_BYTES or (fs.f_files > 0 and fs.f_favail < MIN_FREE_INODES):
        return (f"the cache's file system is full ({free // 1024} KiB, {fs.f_favail} inodes "
                "free), so uv could not rebuild it")
    return None


# Entries judged on another ground than ``policy.judge`` (a build change, an interpreter that
# is gone) are dropped only while the link still points at the environment that was judged:
# if uv (or another shim) replaced it meanwhile, the new environment is left alone.



def drop_entries(bucket: str, judged: Mapping[str, str], lock_timeout: float,
                 uv_version: Version | None = None, *, hold: bool = False) -> RepairResult:
    """Unlink each ``entry`` of ``judged`` (entry -> the environment it linked to when judged)
    that still links there. ``uv_version`` chooses the fallback flags for the hot path;
    ``hold`` keeps the lock until uv relinks, for the hot path, which execs uv next."""
    outcome = drop_links(
        bucket, tuple(judged), droppable=lambda entry: _links_to(entry, judged[entry]),
        done=lambda: _all_relinked(judged), lock_timeout=lock_timeout, hold=hold,
        what="an entry")
    if isinstance(outcome, str):
        flags = fallback_flags(uv_version) if uv_version is not None else ()
        return RepairResult((), flags, outcome)
    return RepairResult(outcome, (), None)


def _links_to(entry: str, target: str) -> bool:
    return os.path.realpath(entry) == target


def _all_relinked(judged: Mapping[str, str]) -> bool:
    """Every entry is a link again, to another environment than the one judged."""
    return all(os.path.islink(entry) and not _links_to(entry, target)
               for entry, target in judged.items())
