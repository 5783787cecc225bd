"""The errors uvshim reports. Each message names the path or binary and says what to do next.

Only ``run`` and ``cli`` turn them into output and exit codes: on the ``uvx`` path any of them
means one ``uvshim: warning`` line and the real uv run unchanged.
"""

from __future__ import annotations


class UvshimError(Exception):
    """Something uvshim could not decide safely."""


class UvNotFoundError(UvshimError):
    """No real uv binary could be found (exit 127, as a shell would)."""


class InterpreterError(UvshimError):
    """An interpreter could not be run or did not say who it is."""


class UndecidableError(UvshimError):
    """The request is outside what uvshim models with certainty."""


class UvRefusesError(UvshimError):
    """uv itself refuses the command before it reads its cache (a usage error, a working
    folder that is gone) and says why: uvshim runs it unchanged and adds nothing."""
