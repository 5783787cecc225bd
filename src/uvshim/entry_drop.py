"""Dropping cache entries that were judged by something other than ``policy.judge``.

``repair.drop_links`` (check, lock the bucket, check again, unlink the link and never the
archive behind it), for entries judged on another ground than ``policy.judge``: a build
change, or an interpreter that is gone. The check under the lock is that the
link still points at the environment that was judged: if uv (or another shim) replaced it
meanwhile, the new environment is left alone.
"""

from __future__ import annotations

import os

from uvshim.repair import RepairResult, drop_links, fallback_flags

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.versions import Version


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
