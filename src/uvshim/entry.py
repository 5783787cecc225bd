"""The launchers' entry: replay the memo of an earlier check, else run the full check.

A replay imports this module, ``memo`` and ``state``, and not even ``os`` (see ``memo``); the
full check (``run``) is imported only when the memo does not hold.
"""

from __future__ import annotations

import sys

from uvshim.memo import DISABLE_VARIABLE, EXEC_MARK, replay

if sys.platform == "win32":
    import os as _os
else:
    import posix as _os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn


def main(mode: str, args: Sequence[str], defaults: Mapping[str, str] | None = None, *,
         environ: Mapping[str, str] | None = None) -> NoReturn:
    """Replay the memo of this invocation if it still holds, else run the full check.

    ``environ`` is the process environment unless given; ``defaults`` are values for variables
    it does not set (a launcher's bound ``UVSHIM_REAL_UV``).
    """
    seen = environ if environ is not None else {**(defaults or {}), **process_environ()}
    if seen.get(DISABLE_VARIABLE) != "0" and seen.get(EXEC_MARK) != str(_os.getpid()):
        argv = replay(mode, args, seen)
        if argv is not None:
            _os.putenv(EXEC_MARK, str(_os.getpid()))
            try:  # noqa: SIM105  -- contextlib is an import the fast path does without
                _os.execv(argv[0], argv)  # the command the full check exec'd
            except OSError:
                pass  # gone since: the full check says so properly
    import os  # noqa: PLC0415

    from uvshim.full_check import main as full_check  # noqa: PLC0415  -- only when the memo fails

    if environ is None:
        environ = {**defaults, **os.environ} if defaults else os.environ
    full_check(mode, args, environ)


def process_environ() -> Mapping[str, str]:
    """``os.environ`` if something imported ``os``, else the same, decoded as ``os`` does."""
    loaded = sys.modules.get("os")
    if loaded is not None or sys.platform == "win32":
        import os  # noqa: PLC0415  -- loaded already

        return os.environ
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    return {name.decode(encoding, errors): value.decode(encoding, errors)
            for name, value in _os.environ.items()}
