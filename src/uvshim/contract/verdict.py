"""A uv release newer than the newest modelled one: checked once per binary, then trusted or
left alone.

The model (``uv.releases``) was measured up to ``NEWEST_KNOWN``. A newer uv gets the newest
release's treatment only after ``facts.check_release`` has run it and every fact held; the
result is kept by the binary's stat, as its version is (``program_versions``), and by
uvshim's own version, so an upgraded uvshim checks again. A binary that failed is run
unchanged, unchecked, from then on: nothing the shim would do to its cache can be trusted.

- The run that checks says one ``uvshim:`` line when a fact fails, and nothing when all hold;
  every later run with that binary reads the kept result (a memo replays it, silently).
- Parallel first runs: the check runs under a lock in the binary's state folder; the others
  wait for its result (``locking.lock_or_done``), so it runs once and none goes unprotected.
- A state folder that cannot be written (read-only, full) cannot keep a result: uv runs
  unchanged after one line, rather than a check on every run.
- A uv that hangs is killed at the time limit (``UVSHIM_RELEASE_CHECK_TIMEOUT``, seconds) and
  fails the check; one that crashes fails it too. The user's command runs in every case.
"""

from __future__ import annotations

import errno
import os
import sys
import time

from uvshim import __version__
from uvshim.messages import say
from uvshim.record import Record
from uvshim.state import read_state, write_state
from uvshim.uv.cache_key import seahash
from uvshim.uv.releases import NEWEST_KNOWN, OLDEST_KNOWN
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from uvshim.state import Field

# Only ``messages``, ``state`` and the small modules a full check loads anyway are imported
# here: a binary whose check passed replays a memo like any other, and the run that keeps it
# must not load (nor stamp) the check's machinery (``facts``: subprocess, zipfile, re ...).
_KIND = "uvshim-release-check-v1"
STATE_FOLDER = "release-check-v1"
TIMEOUT_VARIABLE = "UVSHIM_RELEASE_CHECK_TIMEOUT"
_DEFAULT_TIMEOUT_S = 20.0
_RESULT = "result"


class Kept(Record):
    checked_at: int  # seconds since the epoch
    failure: str | None  # "it should …, but …", None when every fact held


def modelled(version: Version) -> bool:
    return version <= NEWEST_KNOWN


def model_holds(uv: str, version: Version, state: str, environ: Mapping[str, str]) -> bool:
    """Whether the shim may act for this uv: a modelled release, or a newer binary whose check
    passed (run now, once, if it has not been)."""
    if modelled(version):
        return True
    real = os.path.realpath(uv)
    folder, key = _folder(state, real), _key(real)
    found = _read(folder, key)
    if found is None:
        found = _check_once(uv, version, state, key, environ)
    return found is not None and found.failure is None


def kept_result(uv: str, state: str) -> Kept | None:
    """What an earlier check of this binary found, if it still applies (no check is run)."""
    real = os.path.realpath(uv)
    try:
        return _read(_folder(state, real), _key(real))
    except OSError:
        return None


def release_status(uv: str, version: Version, state: str) -> str:
    """One line for ``doctor`` and ``install --check``: how uvshim treats this uv."""
    version = Version(str(version))  # as printed, whatever kept it
    if version < OLDEST_KNOWN:
        return f"uv {version} is older than the releases uvshim models ({OLDEST_KNOWN} to " \
               f"{NEWEST_KNOWN}): uvshim runs it unchanged"
    if modelled(version):
        return f"uv {version} is a release uvshim models ({OLDEST_KNOWN} to {NEWEST_KNOWN})"
    newer = f"uv {version} is newer than the releases uvshim models (up to {NEWEST_KNOWN})"
    found = kept_result(uv, state)
    if found is None:
        return f"{newer}; not checked yet (the next uvx run checks it once)"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(found.checked_at))
    if found.failure is None:
        return f"{newer}; checked {when}: the model holds"
    return f"{newer}; checked {when}: {found.failure}; uvshim runs it unchanged"


def _folder(state: str, real: str) -> str:
    return os.path.join(state, STATE_FOLDER, f"{seahash(os.fsencode(real)):016x}")


def _key(real: str) -> list[Field]:
    st = os.stat(real)
    return [real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, __version__, str(NEWEST_KNOWN)]


def _read(folder: str, key: list[Field]) -> Kept | None:
    fields = read_state(os.path.join(folder, _RESULT), _KIND)
    if fields is None or fields[:-2] != key:
        return None
    checked_at, failure = fields[-2:]
    if not isinstance(checked_at, int) or not (failure is None or isinstance(failure, str)):
        return None
    return Kept(checked_at, failure)


def _check_once(uv: str, version: Version, state: str, key: list[Field],
                environ: Mapping[str, str]) -> Kept | None:
    """Check under the binary's lock, unless another process does meanwhile; None when no
    result can be had (uv then runs unchanged, after one line)."""
    from uvshim.locking import LockTimeoutError  # noqa: PLC0415  -- only for a first run

    folder = _folder(state, os.path.realpath(uv))
    timeout = _timeout(environ)
    newer = f"uv {version} is newer than the releases uvshim models (up to {NEWEST_KNOWN})"
    try:
        fd = _lock(folder, timeout + 10.0, lambda: _read(folder, key) is not None)
    except LockTimeoutError:
        say(f"warning: {newer} and another uvshim has been checking it for more than "
            f"{timeout + 10.0:g} s; running uv unchanged", once=True)
        return None
    except OSError as exc:
        say(f"warning: {newer} and cannot be checked: no result can be kept in {folder} "
            f"({exc.strerror or exc}); running uv unchanged", once=True)
        return None
    if fd is None:
        return _read(folder, key)
    try:
        found = _read(folder, key)
        if found is None:
            found = _check(uv, state, timeout, newer)
            if found is not None:
                write_state(os.path.join(folder, _RESULT), _KIND,
                            [*key, found.checked_at, found.failure])
    finally:
        os.close(fd)
    return found


def _lock(folder: str, timeout: float, done: Callable[[], bool]) -> int | None:
    """The binary's lock (``locking.lock_or_done``), refused on a full file system: a result
    that cannot be kept would mean a check on every run."""
    from uvshim.drop import full_filesystem  # noqa: PLC0415
    from uvshim.locking import lock_or_done  # noqa: PLC0415

    os.makedirs(folder, exist_ok=True)
    full = full_filesystem(folder)
    if full is not None:
        raise OSError(errno.ENOSPC, full.replace("the cache's", "its")
                      .replace(", so uv could not rebuild it", ""))
    return lock_or_done(folder, timeout, done)


def _check(uv: str, state: str, timeout: float, newer: str) -> Kept | None:
    """Run the check; say its one line when a fact fails."""
    from uvshim.contract.facts import CannotCheckError, check_release  # noqa: PLC0415
    from uvshim.discovery.identity_cache import identify  # noqa: PLC0415

    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    try:
        outcome = check_release(uv, python, lambda path: identify(path, state), timeout=timeout)
    except CannotCheckError as exc:
        say(f"warning: {newer} and cannot be checked now ({exc}); running uv unchanged",
            once=True)
        return None
    first = outcome.failures[0] if outcome.failures else None
    failure = f"it should {first.fact}, but {first.detail}" if first else None
    if failure is not None:
        say(f"warning: {newer} and fails uvshim's check: {failure}; from now on uvshim runs "
            "this uv unchanged, without its protection, until uvshim is upgraded")
    return Kept(int(time.time()), failure)


def _timeout(environ: Mapping[str, str]) -> float:
    raw = environ.get(TIMEOUT_VARIABLE)
    try:
        return max(1.0, float(raw)) if raw else _DEFAULT_TIMEOUT_S
    except ValueError:
        return _DEFAULT_TIMEOUT_S


__all__ = ["Kept", "kept_result", "model_holds", "modelled", "release_status"]
