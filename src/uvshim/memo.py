"""A memo: a check already made, replayed while nothing it read has changed.

A full check imports most of the package before it decides, and on a warm cache it almost
always decides "run uv unchanged" (what each costs: ``benchmarks/bench_shim.py``, whose report
times a replay, ``shim``, beside the full check, ``shim_full``, and bare uv). When a check ends
that way, having said nothing and written nothing, ``run`` stores a memo: the invocation (mode,
arguments, working folder, user, uvshim's version and install folder), every environment
variable the check read with its value or its absence, and a stamp of every path it looked at
(``trace`` records them), with the command it exec'd. The next run with the same invocation
replays the memo if every variable still has its value and every path its stamp; anything else,
including a memo it cannot read, runs the full check.

Why that is enough: the check is deterministic in what it reads. Same values for every read
means the same path through the code, so the same reads and the same decision. A stamp is what
``stat``/``lstat`` says of a path: type, mode, owner, inode, device and, for files, links and
listed folders, size, mtime and ctime (ctime cannot be set back, so a file rewritten with its
old mtime still differs). A folder that was only traversed or tested is stamped without its
times: a new file in ``/tmp`` must not void every memo. A memo is never written when a stamped
time is less than ``SETTLE_NS`` old: a file changed twice within one timestamp tick would look
unchanged (the "racy" case Git's index has).

A replay imports ``entry``, this module and ``state``, and not even ``os``: with
``-I -S`` Python has not loaded it, and its import costs more than the rest of a replay
(``python -I -S -X importtime -c 'import os'``).
It calls the built-in ``posix`` module, which ``os`` re-exports; on Windows it uses ``os``.
"""

from __future__ import annotations

import sys

from uvshim import __version__
from uvshim.state import decode_fields, encode_fields, state_dir

if sys.platform == "win32":
    import os as _os
else:
    import posix as _os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from uvshim.state import Field

MEMO_FOLDER = "fast-v1"
MEMO_KIND = "uvshim-fast-v1"
# Coarse file-system clocks tick every 1-10 ms on Linux, every 1-2 s on old or FAT file systems.
SETTLE_NS = 2_000_000_000
MAX_MEMOS = 512  # then the folder is emptied: a bound, not an eviction policy
# Set (with putenv) to our pid just before exec'ing uv, so that a "uv" which execs a shim again
# in the same process is caught as a loop. See ``full_check.main``.
EXEC_MARK = "UVSHIM_EXEC_PID"
DISABLE_VARIABLE = "UVSHIM_FAST_PATH"

# Bound before any tracing replaces them in ``os``: stamps must not be recorded as reads.
_stat, _lstat = _os.stat, _os.lstat
_S_IFMT, _S_IFDIR = 0o170000, 0o040000  # stat.S_ISDIR, without importing stat
_PACKAGE = __file__.rpartition("/")[0] if "/" in __file__ else "."

# A variable read named "=PREFIX" stands for the names starting with PREFIX (a real name
# cannot hold "="), its value for those names, sorted, each followed by "=".
PREFIX_MARK = "="

# How a path was looked at: followed (stat), not followed (lstat), or listed.
FOLLOWED, NOT_FOLLOWED, LISTED = "s", "l", "d"


def stamp(how: str, path: str) -> str:
    """What ``stat``/``lstat`` says of ``path``, as compared between runs (or its errno)."""
    try:
        st = _lstat(path) if how == NOT_FOLLOWED else _stat(path)
    except OSError as exc:
        return f"!{exc.errno}"
    kept = f"{st.st_mode} {st.st_ino} {st.st_dev} {st.st_uid} {st.st_gid}"
    if how != LISTED and st.st_mode & _S_IFMT == _S_IFDIR:
        return kept
    return f"{kept} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def newest_time_ns(stamp_text: str) -> int:
    """The later of a full stamp's mtime and ctime; 0 for a stamp without times."""
    fields = stamp_text.split(" ")
    return max(int(fields[6]), int(fields[7])) if len(fields) == 8 else 0


class Invocation:
    """What a memo is for; its file name is a hash of it."""

    __slots__ = ("args", "cwd", "mode", "state")

    def __init__(self, mode: str, args: Sequence[str], environ: Mapping[str, str]) -> None:
        self.mode, self.args = mode, list(args)
        self.cwd = _os.getcwd()
        self.state = state_dir(environ)

    def key(self) -> list[Field]:
        # The package folder's listing stamp: reinstalling uvshim, even at the same version,
        # leaves old memos behind.
        return [__version__, stamp(LISTED, _PACKAGE), self.mode, self.cwd, _os.geteuid(),
                len(self.args), *self.args]

    def memo_path(self) -> str:
        name = f"{_fnv1a(encode_fields(MEMO_KIND, self.key())):016x}"
        return f"{self.state}/{MEMO_FOLDER}/{name}"


def replay(mode: str, args: Sequence[str], environ: Mapping[str, str]) -> list[str] | None:
    """The command to exec if this invocation's memo still holds, else None (never raises)."""
    try:
        invocation = Invocation(mode, args, environ)
        fields = _read_memo(invocation.memo_path())
        return None if fields is None else _still_holds(fields, invocation.key(), environ)
    except Exception:  # noqa: BLE001  -- any doubt means the full check, which reports properly
        return None


def _read_memo(path: str) -> list[Field] | None:
    fd = _os.open(path, _os.O_RDONLY | _os.O_CLOEXEC | getattr(_os, "O_NOFOLLOW", 0))
    try:
        st = _os.fstat(fd)
        # It names a program to exec: only a file of ours that nobody else can write.
        if st.st_uid != _os.geteuid() or st.st_mode & 0o022:
            return None
        return decode_fields(MEMO_KIND, _os.read(fd, 1 << 20))
    finally:
        _os.close(fd)


def _still_holds(fields: list[Field], key: list[Field], environ: Mapping[str, str]
                 ) -> list[str] | None:
    if fields[: len(key)] != key:
        return None
    at = len(key)
    count = int(fields[at])  # type: ignore[arg-type]  # a malformed memo raises: ignored
    for field, value in zip(fields[at + 1: at + 1 + 2 * count: 2],
                            fields[at + 2: at + 2 + 2 * count: 2]):
        name = str(field)
        if name.startswith(PREFIX_MARK):
            if names_value(n for n in environ if n.startswith(name[1:])) != value:
                return None
        elif environ.get(name) != value:
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


def names_value(names: Iterable[str]) -> str:
    return "".join(f"{name}=" for name in sorted(names))


def encode_memo(key: list[Field], env_reads: Mapping[str, str | None],
                stamps: Mapping[tuple[str, str], str], argv: Sequence[str]) -> bytes:
    fields: list[Field] = [*key, len(env_reads)]
    for name, value in env_reads.items():
        fields += [name, value]
    fields.append(len(stamps))
    for (how, path), seen in stamps.items():
        fields += [how, path, seen]
    return encode_fields(MEMO_KIND, [*fields, len(argv), *argv])


def write_memo(path: str, data: bytes) -> None:
    """Atomically, readable by the user alone; a full or read-only folder is not an error."""
    import os  # noqa: PLC0415  -- the full check, which writes memos, has it loaded

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
    for name in _os.listdir(folder):
        _discard(f"{folder}/{name}")


def _discard(path: str) -> None:
    try:
        _os.unlink(path)
    except OSError:
        return


def _fnv1a(data: bytes) -> int:
    """64-bit FNV-1a: a file name, not a check (the memo holds its whole key)."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value
