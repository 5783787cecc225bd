"""Every ``uvshim:`` line the full check can print, worded once.

``policy`` builds a decision's lines from these, so the shim prints, and ``explain`` shows,
the same text by construction. ``say`` is the one place that writes to stderr on the ``uvx``
path (stdout belongs to the tool), and it remembers that the run spoke: such a run keeps no
memo, or a replay would be silent where the check was not.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from uvshim.versions import Version

REBUILD_HINT = "UVSHIM_ON_BUILD_CHANGE=rebuild rebuilds it"
_said: list[str] = []


def say(message: str) -> None:
    # Always one line: a tool name, path or value may hold newlines or terminal escapes.
    _said.append(message)
    if not message.isprintable():
        message = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in message)
    sys.stderr.write(f"uvshim: {message}\n")


def said_count() -> int:
    """How many lines this process has said so far."""
    return len(_said)


def subject(tool: str | None) -> str:
    return f"the cached environment for {tool}"


def dropped(what: str, reason: str) -> str:
    return f"{what} {reason}; dropped it so uv builds a fresh one"


def cannot_drop(what: str, reason: str, problem: str, flags: Sequence[str],
                uv_version: Version) -> str:
    if flags:
        return f"warning: {what} {reason}, and {problem}; running uv with {' '.join(flags)}"
    return (f"warning: {what} {reason}, and {problem}; uv {uv_version} has no flag that "
            "avoids it; running uv unchanged")


def build_changed(what: str, reason: str) -> str:
    return f"warning: {what} {reason}; running it as is ({REBUILD_HINT})"


def warning(problem: str) -> str:
    return f"warning: {problem}"


def cannot_decide(problem: object) -> str:
    return f"warning: {problem}; running uv unchanged"


def internal_error(exc: BaseException) -> str:
    return f"warning: internal error ({type(exc).__name__}: {exc}); running uv unchanged"
