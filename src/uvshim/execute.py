"""Replacing this process with the real uv, so exit status, stdio and signals are uv's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from typing import NoReturn


def exec_uv(argv: Sequence[str]) -> NoReturn:
    """``execv`` on POSIX; elsewhere run uv as a child and exit with its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(argv[0], list(argv))  # noqa: S606  -- exec of a resolved absolute path, no shell
    raise SystemExit(subprocess.call(list(argv)))
