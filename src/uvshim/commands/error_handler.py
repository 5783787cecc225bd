"""How every ``uvshim`` command ends: one handler, one line, one exit status.

0 ok and 1 problems found are the command's own; a ``UvshimError`` is 1 after one ``uvshim:
error:`` line that names the path or binary and what to do; ^C is 130; anything else is a bug,
3 after one line that says so (never a traceback). The ``uvx``/``uv`` path never comes here:
it exits with uv's status, or fails open (``run``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from uvshim.errors import UvshimError

ERROR, UNEXPECTED, INTERRUPTED = 1, 3, 130


def handled(command: Callable[[], int], err: TextIO | None = None) -> int:
    """Run ``command`` and return its exit status, or the one its failure maps to."""
    err = err or sys.stderr
    try:
        return command()
    except UvshimError as exc:
        err.write(f"uvshim: error: {exc}\n")
        return ERROR
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:  # noqa: BLE001  -- one line for users, never a traceback
        err.write(f"uvshim: internal error ({type(exc).__name__}: {exc}); please report it\n")
        return UNEXPECTED
