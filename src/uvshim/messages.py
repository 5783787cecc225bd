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
_said: list[str] = []  # what must be said every time: the run keeps no memo
_said_once: list[str] = []  # what is said once per situation: a memo replays the run silently


def say(message: str, *, once: bool = False) -> None:
    """Print one ``uvshim:`` line. With ``once`` it is said once per situation: while nothing
    the check read has changed, a memo replays the same run without it (``entry``)."""
    (_said_once if once else _said).append(message)
    # Always one line: a tool name, path or value may hold newlines or terminal escapes.
    if not message.isprintable():
        message = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in message)
    sys.stderr.write(f"uvshim: {message}\n")


def said_count() -> int:
    """How many lines this process has said so far that must be said every time."""
    return len(_said)


UNREAD = "whose tools could not be read"


class About:
    """The environments a line is about, a clause each: what each holds
    (``distributions.tools_in``; () when that cannot be told) and what is wrong with it.
    One is "the cached environment for X <reason>"; several are "N cached environments: the
    one for X <reason>; the one for Y <reason>", in the order of their names. Two that hold
    the same tools are told apart by their cache entries (``entries``, in the order of
    ``found``), so each clause names one environment and no other."""

    __slots__ = ("count", "text")

    def __init__(self, found: Sequence[tuple[Sequence[str], str]],
                 entries: Sequence[str] = ()) -> None:
        self.count = len(found)
        names = _names([tools for tools, _ in found], entries)
        if self.count == 1:
            self.text = _clause("the cached environment", names[0], found[0][1])
        else:  # in the order of their names, so the same bucket reads the same every time
            self.text = f"{self.count} cached environments: " + "; ".join(
                _clause("the one", name, reason)
                for name, (_, reason) in sorted(zip(names, found), key=lambda pair: pair[0]))

    def pronoun(self) -> str:
        return "it" if self.count == 1 else "them"


def environment_name(tools: Sequence[str]) -> str:
    """How a line names an environment that holds ``tools``: "for X and Y", or UNREAD."""
    return f"for {_listed(sorted(tools))}" if tools else UNREAD


def _names(held: Sequence[Sequence[str]], entries: Sequence[str]) -> list[str]:
    """What sets each environment apart (``environment_name``), with its cache entry when
    another one in the same line would read the same."""
    names = [environment_name(tools) for tools in held]
    shared = {name for name in names if names.count(name) > 1}
    return [f"{name} (cache entry {entries[index]})" if name in shared and index < len(entries)
            else name for index, name in enumerate(names)]


def _clause(subject: str, name: str, reason: str) -> str:
    # A relative clause ends the subject: a comma keeps it from running into the reason.
    return f"{subject} {name}{',' if name.startswith(UNREAD) else ''} {reason}"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def dropped(about: About) -> str:
    fresh = "a fresh one" if about.count == 1 else "fresh ones"
    return f"{about.text}; dropped {about.pronoun()} so uv builds {fresh}"


def cannot_drop(about: About, problem: str, flags: Sequence[str], uv_version: Version) -> str:
    if flags:
        return f"warning: {about.text}, and {problem}; running uv with {' '.join(flags)}"
    return (f"warning: {about.text}, and {problem}; uv {uv_version} has no flag that "
            "avoids it; running uv unchanged")


def build_changed(about: About) -> str:
    return f"warning: {about.text}; running {about.pronoun()} as is ({REBUILD_HINT})"


def warning(problem: str) -> str:
    return f"warning: {problem}"


def cannot_decide(problem: object) -> str:
    return f"warning: {problem}; running uv unchanged"


def broken_installation(exc: BaseException) -> str:
    return (f"warning: uvshim's installation is broken ({type(exc).__name__}: {exc}); running "
            "uv unchanged; reinstall uvshim")


def internal_error(exc: BaseException) -> str:
    return f"warning: internal error ({type(exc).__name__}: {exc}); running uv unchanged"
