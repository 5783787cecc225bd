"""What one full check read: the dependencies of its memo, recorded as they happen.

Recording is exhaustive by construction rather than by care at each call site:

- ``os.stat``, ``os.lstat``, ``os.readlink`` and ``os.access`` raise no audit event, so while a
  trace runs they are replaced in ``os`` by recording wrappers. ``os.path.exists``, ``isfile``,
  ``isdir``, ``islink``, ``lexists`` and ``realpath`` look them up in ``os`` at each call
  (3.9 to 3.13), so they are recorded too, link by link.
- Everything else goes through CPython's audit hooks: ``open`` (files and ``os.open``),
  ``os.listdir`` and ``os.scandir`` are recorded; any event not known to be a plain read
  (a write, a rename, a process, a sleep while another shim rebuilds, ``chdir``, ``putenv`` …)
  spoils the trace, and a spoiled run gets no memo.
- Environment variables are read through a recording mapping: each name, with its value or
  its absence. Iterating the whole environment spoils the trace; the names that start with a
  prefix are recorded as one read (``names_starting``).

A path seen twice with two different stamps also spoils it: something changed during the run.
"""

from __future__ import annotations

import os
import sys
from _collections_abc import Mapping

from uvshim.memo import (
    FOLLOWED,
    LISTED,
    NOT_FOLLOWED,
    PREFIX_MARK,
    SETTLE_NS,
    names_value,
    newest_time_ns,
    stamp,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

# Audit events that read nothing the decision depends on, or that the hook records.
_HARMLESS = frozenset({
    "import", "exec", "compile", "marshal.loads", "marshal.load", "sys._getframe",
    "object.__getattr__", "object.__setattr__", "object.__delattr__", "code.__new__",
    "function.__new__", "fcntl.flock", "sys.addaudithook", "builtins.id",
})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# The functions ``start`` replaces and ``stop`` puts back (bound before any trace runs).
_STAT, _LSTAT, _READLINK, _ACCESS = os.stat, os.lstat, os.readlink, os.access


class RecordingEnviron(Mapping[str, str]):
    """``environ`` as the check sees it, remembering each name it asked for."""

    def __init__(self, environ: Mapping[str, str], trace: Trace) -> None:
        self._environ = environ
        self._trace = trace
        self.reads: dict[str, str | None] = {}

    def _read(self, name: str) -> str | None:
        value = self._environ.get(name)
        self.reads.setdefault(name, value)
        return value

    def __getitem__(self, name: str) -> str:
        value = self._read(name)
        if value is None:
            raise KeyError(name)
        return value

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        value = self._read(name)
        return default if value is None else value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._read(name) is not None

    def names_starting(self, prefix: str) -> list[str]:
        """The names that start with ``prefix``, sorted; recorded as the pseudo-variable
        ``=PREFIX`` (no real name holds "="), which ``memo`` replays as the same list."""
        names = sorted(name for name in self._environ if name.startswith(prefix))
        self.reads.setdefault(PREFIX_MARK + prefix, names_value(names))
        return names

    def __iter__(self) -> Iterator[str]:
        self._trace.spoil("the whole environment was read")
        return iter(self._environ)

    def __len__(self) -> int:
        self._trace.spoil("the whole environment was read")
        return len(self._environ)


class Trace:
    """Stamps of every path looked at, the variables read, and whether a memo may be kept."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = RecordingEnviron(environ, self)
        self.stamps: dict[tuple[str, str], str] = {}
        self.spoiled: str | None = None
        self._busy = False  # the hook's own listdir must not record itself

    def spoil(self, why: str) -> None:
        if self.spoiled is None:
            self.spoiled = why

    def see(self, how: str, path: object) -> None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        elif isinstance(path, os.PathLike):
            path = os.fspath(path)
        if not isinstance(path, str):
            self.spoil(f"a path it cannot stamp ({type(path).__name__})")
            return
        now = stamp(how, path)
        if self.stamps.setdefault((how, path), now) != now:
            self.spoil(f"{path} changed during the check")

    def unsettled(self, now_ns: int) -> str | None:
        """A path changed so recently that a second change could keep its stamp, if any."""
        for (_, path), seen in self.stamps.items():
            if newest_time_ns(seen) > now_ns - SETTLE_NS:
                return path
        return None

    def start(self) -> None:
        global _ACTIVE  # noqa: PLW0603  -- the audit hook is process-wide and cannot be removed
        _install_hook()
        os.stat, os.lstat = self._stat, self._lstat
        os.readlink, os.access = self._readlink, self._access
        _ACTIVE = self

    def stop(self) -> None:
        global _ACTIVE  # noqa: PLW0603
        _ACTIVE = None
        os.stat, os.lstat, os.readlink, os.access = _STAT, _LSTAT, _READLINK, _ACCESS

    def _stat(self, path: Any, *, dir_fd: int | None = None,
              follow_symlinks: bool = True) -> os.stat_result:
        self._see_or_spoil(FOLLOWED if follow_symlinks else NOT_FOLLOWED, path, dir_fd)
        return _STAT(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)

    def _lstat(self, path: Any, *, dir_fd: int | None = None) -> os.stat_result:
        self._see_or_spoil(NOT_FOLLOWED, path, dir_fd)
        return _LSTAT(path, dir_fd=dir_fd)

    def _readlink(self, path: Any, *, dir_fd: int | None = None) -> Any:
        self._see_or_spoil(NOT_FOLLOWED, path, dir_fd)
        return _READLINK(path, dir_fd=dir_fd)

    def _access(self, path: Any, mode: int, **options: Any) -> bool:
        self._see_or_spoil(NOT_FOLLOWED if options.get("follow_symlinks") is False
                           else FOLLOWED, path, options.get("dir_fd"))
        return _ACCESS(path, mode, **options)

    def _see_or_spoil(self, how: str, path: object, dir_fd: object) -> None:
        if dir_fd is not None or isinstance(path, int):
            self.spoil("a look-up relative to a descriptor")
        else:
            self.see(how, path)

    def on_event(self, event: str, args: tuple[object, ...]) -> None:
        if self._busy or event in _HARMLESS:
            return
        if event == "open":
            path, flags = args[0], args[2]
            if isinstance(flags, int) and flags & _WRITE_FLAGS:
                self.spoil(f"it wrote {path!r}")
            elif not isinstance(path, int):  # a descriptor was opened, and recorded, before
                self.see(FOLLOWED, path)
        elif event in ("os.listdir", "os.scandir"):
            self._see_listing(event, "." if args[0] is None else args[0])
        else:
            self.spoil(f"audit event {event}")

    def _see_listing(self, event: str, folder: Any) -> None:
        self.see(LISTED, folder)
        if event != "os.scandir" or self.spoiled is not None:
            return  # listdir tells no more than its folder's stamp; a spoiled trace is moot
        # DirEntry.is_dir() and .stat() may stat an entry without telling anyone: stamp all.
        self._busy = True
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        finally:
            self._busy = False
        for name in names:
            entry = os.path.join(os.fsdecode(folder), os.fsdecode(name))
            self.see(NOT_FOLLOWED, entry)
            self.see(FOLLOWED, entry)


_ACTIVE: Trace | None = None
_HOOKED: list[bool] = []


def _install_hook() -> None:
    if not _HOOKED:
        sys.addaudithook(_hook)
        _HOOKED.append(True)


def _hook(event: str, args: tuple[object, ...]) -> None:
    active = _ACTIVE
    if active is not None:
        active.on_event(event, args)
