"""Dropping cache entries that were judged by something other than ``policy.judge``.

The same approach as ``repair.drop_stale`` (check, lock the bucket with the same lock file,
check again, unlink the link and never the archive behind it), for entries judged on another
ground: a build change, or an interpreter that is gone. The check under the lock is that the
link still points at the environment that was judged: if uv (or another shim) replaced it
meanwhile, the new environment is left alone.
"""

from __future__ import annotations

import os

from uvshim.repair import LOCK_NAME, RepairResult, fallback_flags

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.versions import Version


def drop_entries(bucket: str, judged: Mapping[str, str], lock_timeout: float,
                 uv_version: Version | None = None) -> RepairResult:
    """Unlink each ``entry`` of ``judged`` (entry -> the environment it linked to when judged)
    that still links there. ``uv_version`` chooses the fallback flags for the hot path."""
    from filelock import FileLock, Timeout  # noqa: PLC0415  -- only on the rare repair path

    flags = fallback_flags(uv_version) if uv_version is not None else ()
    try:
        with FileLock(os.path.join(bucket, LOCK_NAME), timeout=lock_timeout):
            dropped = tuple(entry for entry, target in judged.items()
                            if _drop_if_unchanged(entry, target))
    except Timeout:
        problem = f"timed out after {lock_timeout:g}s waiting for the lock in {bucket}"
        return RepairResult((), flags, problem)
    except OSError as exc:
        problem = f"cannot remove an entry in {bucket}: {exc.strerror or exc}"
        return RepairResult((), flags, problem)
    return RepairResult(dropped, (), None)


def _drop_if_unchanged(entry: str, target: str) -> bool:
    if not os.path.islink(entry) or os.path.realpath(entry) != target:
        return False
    os.unlink(entry)  # removes the link itself; never follows it out of the cache
    return True
