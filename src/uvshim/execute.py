"""Replacing this process with the real uv, so exit status, stdio and signals are uv's own."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn


def exec_uv(argv: Sequence[str]) -> NoReturn:
    """``execv`` on POSIX; elsewhere run uv as a child and exit with its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(argv[0], list(argv))  # noqa: S606  -- exec of a resolved absolute path, no shell
    import subprocess  # noqa: PLC0415  -- Windows only

    raise SystemExit(subprocess.call(list(argv)))
