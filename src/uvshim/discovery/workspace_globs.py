"""The globs of ``tool.uv.workspace``, matched and walked as uv's ``glob`` crate does.

uv compiles ``members`` and ``exclude`` with ``glob::Pattern`` and lists members with
``glob::glob``, both with the default ``MatchOptions`` (``crates/uv-workspace/src/workspace.rs``,
0.5.0 to 0.12.5; the crate's rules read in its ``src/lib.rs``, 0.3): case-sensitive; ``*``, ``?``
and ``[…]`` match ``/`` and a leading dot too; ``[!…]`` negates, ``a-z`` is a range, a ``]``
first in the brackets is one of the characters; ``**`` is a whole path component (any number
of folders, none included). A pattern uv cannot compile (``a**``, ``***``, an unclosed
``[``) makes uv fail, and is not modelled.
"""

from __future__ import annotations

import os
import re

from uvshim.errors import UndecidableError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

RECURSIVE = "**"
_MAX_DEPTH = 64  # a loop of folder links makes the crate recurse until the stack is gone


def full_match(pattern: str, path: str) -> bool:
    """``Pattern::matches_path``: the whole of ``path`` against the whole of ``pattern``."""
    return _compile(pattern).fullmatch(path) is not None


def expand(folder: str, glob: str) -> Iterator[str]:
    """``glob::glob(folder + "/" + glob)``: the paths it yields (``folder`` holds no
    metacharacter, as uv escapes the workspace root)."""
    _compile(glob)  # uv compiles the whole pattern first, and fails on a bad one
    yield from _walk(folder, glob.split("/"), 0)


def _walk(folder: str, parts: list[str], depth: int) -> Iterator[str]:
    if not parts:
        yield folder
        return
    head, rest = parts[0], parts[1:]
    if head == RECURSIVE:
        while rest and rest[0] == RECURSIVE:
            rest = rest[1:]
        for child in _children(folder):
            yield from _below(child, rest, depth + 1)
    elif not _has_metachars(head):
        path = os.path.join(folder, head)
        if os.path.lexists(path):
            yield from _walk(path, rest, depth)
    else:
        for child in _children(folder):
            if full_match(head, os.path.basename(child)):
                yield from _walk(child, rest, depth)


def _below(path: str, rest: list[str], depth: int) -> Iterator[str]:
    """A path a ``**`` reached: every folder below it is reached too, and the path itself is
    matched against the component after the ``**`` (or is a result when there is none)."""
    if depth > _MAX_DEPTH:
        raise UndecidableError(f"the workspace glob walks deeper than {_MAX_DEPTH} folders "
                               f"at {path}")
    if os.path.isdir(path):
        for child in _children(path):
            yield from _below(child, rest, depth + 1)
        if not rest:
            yield path
            return
    if rest and full_match(rest[0], os.path.basename(path)):
        yield from _walk(path, rest[1:], depth) if len(rest) > 1 else iter((path,))


def _children(folder: str) -> list[str]:
    try:
        return [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
    except OSError:
        return []  # not a folder, or unreadable: the crate yields an error uv reports


def _has_metachars(text: str) -> bool:
    return any(char in text for char in "*?[")


_compiled: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    found = _compiled.get(pattern)
    if found is None:
        found = _compiled[pattern] = re.compile(_translate(pattern), re.DOTALL)
    return found


def _translate(pattern: str) -> str:
    """``Pattern::new``'s tokens as a regular expression."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            i = _star(pattern, i, out)
        elif char == "[":
            i = _brackets(pattern, i, out)
        else:
            out.append("." if char == "?" else re.escape(char))
            i += 1
    return "".join(out)


def _star(pattern: str, start: int, out: list[str]) -> int:
    end = start
    while end < len(pattern) and pattern[end] == "*":
        end += 1
    if end - start == 1:
        out.append(".*")
        return end
    whole = end - start == 2 and (start == 0 or pattern[start - 1] == "/") \
        and (end == len(pattern) or pattern[end] == "/")
    if not whole:
        raise UndecidableError(f"the workspace glob {pattern!r} is one uv cannot compile")
    if end == len(pattern):
        out.append(".*")  # a final ``**`` takes whatever is left
        return end
    # Any number of whole components, each ending in "/"; consecutive ones collapse.
    if not out or out[-1] != "(?:.*/)?":
        out.append("(?:.*/)?")
    return end + 1


def _brackets(pattern: str, start: int, out: list[str]) -> int:
    negated = pattern.startswith("[!", start)
    first = start + (2 if negated else 1)
    close = pattern.find("]", first + 1)  # a "]" first in the brackets is a character
    if close < 0 or first >= len(pattern):
        raise UndecidableError(f"the workspace glob {pattern!r} is one uv cannot compile")
    options = "|".join(_specifiers(pattern[first:close])) or "(?!)"
    out.append(f"(?!{options})." if negated else f"(?:{options})")
    return close + 1


def _specifiers(text: str) -> Iterator[str]:
    i = 0
    while i < len(text):
        if i + 2 < len(text) and text[i + 1] == "-":
            low, high = text[i], text[i + 2]
            if low <= high:  # an empty range matches nothing
                yield f"[{re.escape(low)}-{re.escape(high)}]"
            i += 3
        else:
            yield re.escape(text[i])
            i += 1
