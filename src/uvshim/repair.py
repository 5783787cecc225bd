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
- When the link cannot be removed (read-only cache, lock timeout), ``--no-cache`` runs the tool
  once in a throw-away cache on every version except 0.8.19, which dropped the temporary cache
  before spawning the tool ("Failed to spawn"; fixed in 0.8.20 by #15990).
- Newer, unknown versions get the newest known version's treatment.
"""

from __future__ import annotations

import os

from uvshim.cache_scan import read_entry
from uvshim.identity import InterpreterIdentity
from uvshim.policy import judge
from uvshim.record import Record
from uvshim.versions import Version

_NO_CACHE_BROKEN = Version("0.8.19")
LOCK_NAME = ".uvshim.lock"


class RepairResult(Record):
    dropped: tuple[str, ...]
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
    from filelock import FileLock, Timeout  # noqa: PLC0415  -- only on the rare repair path

    try:
        with FileLock(os.path.join(bucket, LOCK_NAME), timeout=lock_timeout):
            dropped = tuple(entry for entry in entries if _drop_if_still_stale(entry, identity))
    except Timeout:
        problem = f"timed out after {lock_timeout:g}s waiting for the lock in {bucket}"
        return RepairResult((), fallback_flags(uv_version), problem)
    except OSError as exc:
        problem = f"cannot remove a stale entry in {bucket}: {exc.strerror or exc}"
        return RepairResult((), fallback_flags(uv_version), problem)
    return RepairResult(dropped, (), None)


def _drop_if_still_stale(entry: str, identity: InterpreterIdentity) -> bool:
    if not os.path.islink(entry) or not judge(read_entry(entry), identity).stale:
        return False
    os.unlink(entry)  # removes the link itself; never follows it out of the cache
    return True
