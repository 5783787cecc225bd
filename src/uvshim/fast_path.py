"""The fast path: replay a check already made, while nothing it read has changed.

A full check imports ~24 modules (~3.5 ms here) before it decides, and on a warm cache it
almost always decides "run uv unchanged". When a check ends that way, having said nothing and
written nothing, ``run`` stores a memo: the invocation (mode, arguments, working folder, user,
uvshim version), every environment variable the check read with its value or its absence, and a
stamp of every path it looked at (``trace`` records them), with the command it exec'd. The next
run with the same invocation replays the memo if every variable still has its value and every
path its stamp; anything else, including a memo it cannot read, runs the full check.

Why that is enough: the check is deterministic in what it reads. Same values for every read
means the same path through the code, so the same reads and the same decision. A stamp is what
``stat``/``lstat`` says of a path: type, mode, owner, inode, device and, for files, links and
listed folders, size, mtime and ctime (ctime cannot be set back, so a file rewritten with its
old mtime still differs). A folder that was only traversed or tested is stamped without its
times: a new file in ``/tmp`` must not void every memo. A memo is never written when a stamped
time is less than ``SETTLE_NS`` old: a file changed twice within one timestamp tick would look
unchanged (the "racy" case Git's index has).

This module is the only one the fast path imports besides ``paths`` and ``state_file``.
"""

from __future__ import annotations

import os
import stat

from uvshim import __version__
from uvshim.paths import state_dir
from uvshim.state_file import decode_fields, encode_fields

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn

    from uvshim.state_file import Field

MEMO_FOLDER = "fast-v1"
_KIND = "uvshim-fast-v1"
# Coarse file-system clocks tick every 1-10 ms on Linux, every 1-2 s on old or FAT file systems.
SETTLE_NS = 2_000_000_000
MAX_MEMOS = 512  # then the folder is emptied: a bound, not an eviction policy
# Set (with putenv) to our pid just before exec'ing uv, so that a "uv" which execs a shim again
# in the same process is caught as a loop. See ``run.main``.
EXEC_MARK = "UVSHIM_EXEC_PID"
DISABLE_VARIABLE = "UVSHIM_FAST_PATH"

# Bound before any tracing replaces them in ``os``: stamps must not be recorded as reads.
_stat, _lstat = os.stat, os.lstat

# How a path was looked at: followed (stat), not followed (lstat), or listed.
FOLLOWED, NOT_FOLLOWED, LISTED = "s", "l", "d"


def stamp(how: str, path: str) -> str:
    """What ``stat``/``lstat`` says of ``path``, as compared between runs (or its errno)."""
    try:
        st = _lstat(path) if how == NOT_FOLLOWED else _stat(path)
    except OSError as exc:
        return f"!{exc.errno}"
    kept = f"{st.st_mode} {st.st_ino} {st.st_dev} {st.st_uid} {st.st_gid}"
    if how != LISTED and stat.S_ISDIR(st.st_mode):
        return kept
    return f"{kept} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def newest_time_ns(stamp_text: str) -> int:
    """The later of a full stamp's mtime and ctime; 0 for a stamp without times."""
    fields = stamp_text.split(" ")
    return max(int(fields[6]), int(fields[7])) if len(fields) == 8 else 0


def main(mode: str, args: Sequence[str], environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Replay the memo of this invocation if it still holds, else run the full check."""
    if environ.get(DISABLE_VARIABLE) != "0" and environ.get(EXEC_MARK) != str(os.getpid()):
        argv = replay(mode, args, environ)
        if argv is not None:
            os.putenv(EXEC_MARK, str(os.getpid()))
            try:  # noqa: SIM105  -- contextlib is an import the fast path does without
                os.execv(argv[0], argv)  # noqa: S606  -- the command the full check exec'd
            except OSError:
                pass  # gone since: the full check says so properly
    from uvshim.run import main as run_main  # noqa: PLC0415  -- only when the memo fails

    run_main(mode, args, environ)


class Invocation:
    """What a memo is for; its file name is a hash of it."""

    __slots__ = ("args", "cwd", "mode", "state")

    def __init__(self, mode: str, args: Sequence[str], environ: Mapping[str, str]) -> None:
        self.mode, self.args = mode, list(args)
        self.cwd = os.getcwd()
        self.state = state_dir(environ)

    def key(self) -> list[Field]:
        return [__version__, self.mode, self.cwd, os.geteuid(), len(self.args), *self.args]

    def memo_path(self) -> str:
        name = f"{_fnv1a(encode_fields(_KIND, self.key())):016x}"
        return os.path.join(self.state, MEMO_FOLDER, name)


def replay(mode: str, args: Sequence[str], environ: Mapping[str, str]) -> list[str] | None:
    """The command to exec if this invocation's memo still holds, else None (never raises)."""
    try:
        invocation = Invocation(mode, args, environ)
        fields = _read_memo(invocation.memo_path())
        return None if fields is None else _still_holds(fields, invocation.key(), environ)
    except Exception:  # noqa: BLE001  -- any doubt means the full check, which reports properly
        return None


def _read_memo(path: str) -> list[Field] | None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        # It names a program to exec: only a file of ours that nobody else can write.
        if st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return None
        return decode_fields(_KIND, os.read(fd, 1 << 20))
    finally:
        os.close(fd)


def _still_holds(fields: list[Field], key: list[Field], environ: Mapping[str, str]
                 ) -> list[str] | None:
    if fields[: len(key)] != key:
        return None
    at = len(key)
    count = int(fields[at])  # type: ignore[arg-type]  # a malformed memo raises: ignored
    for name, value in zip(fields[at + 1: at + 1 + 2 * count: 2],
                           fields[at + 2: at + 2 + 2 * count: 2]):
        if environ.get(str(name)) != value:
            return None
    at += 1 + 2 * count
    count = int(fields[at])  # type: ignore[arg-type]
    for offset in range(at + 1, at + 1 + 3 * count, 3):
        how, path, seen = fields[offset: offset + 3]
        if stamp(str(how), str(path)) != seen:
            return None
    at += 1 + 3 * count
    argv = [str(part) for part in fields[at + 1:]]
    return argv if argv and len(argv) == int(fields[at]) else None  # type: ignore[arg-type]


def encode_memo(key: list[Field], env_reads: Mapping[str, str | None],
                stamps: Mapping[tuple[str, str], str], argv: Sequence[str]) -> bytes:
    fields: list[Field] = [*key, len(env_reads)]
    for name, value in env_reads.items():
        fields += [name, value]
    fields.append(len(stamps))
    for (how, path), seen in stamps.items():
        fields += [how, path, seen]
    return encode_fields(_KIND, [*fields, len(argv), *argv])


def write_memo(path: str, data: bytes) -> None:
    """Atomically, readable by the user alone; a full or read-only folder is not an error."""
    folder = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if len(os.listdir(folder)) > MAX_MEMOS:
            _empty(folder)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        _discard(temporary)


def _empty(folder: str) -> None:
    for name in os.listdir(folder):
        _discard(os.path.join(folder, name))


def _discard(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        return


def _fnv1a(data: bytes) -> int:
    """64-bit FNV-1a: a file name, not a check (the memo holds its whole key)."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value
