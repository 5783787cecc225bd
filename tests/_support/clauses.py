"""The environments a ``uvshim:`` line names, read back from its text: one clause each, "the
cached environment for X and Y …", "the one for X …", "the one whose tools could not be read
…", each maybe with "(cache entry H)" when another clause would read the same."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_CLAUSE = re.compile(
    r"(?:the cached environment|the one) "
    r"(?:for (?P<tools>[^ ,]+(?:, [^ ,]+)*(?: and [^ ,]+)?)|whose tools could not be read)"
    r"(?: \(cache entry (?P<entry>[^)]+)\))?")
_COUNT = re.compile(r"^uvshim: (?:warning: )?(?P<count>\d+) cached environments: ")


@dataclass(frozen=True)
class Clause:
    tools: frozenset[str]  # empty: "whose tools could not be read"
    entry: str | None  # the cache entry it names, when given


def clauses(line: str) -> list[Clause]:
    found = [Clause(frozenset(_split(match["tools"])) if match["tools"] else frozenset(),
                    match["entry"]) for match in _CLAUSE.finditer(line)]
    counted = _COUNT.match(line)
    if counted is not None:
        assert int(counted["count"]) == len(found), line
    return found


def _split(listed: str) -> list[str]:
    head, _, last = listed.rpartition(" and ")
    return [*head.split(", "), last] if head else [last]


def assert_each_names_one(line: str, entries: Sequence[str],
                          could_name: Callable[[Clause, str], bool]) -> None:
    """Each clause of ``line`` names exactly one of ``entries`` (``could_name`` says which it
    could), and each entry is named by exactly one clause."""
    named: list[str] = []
    for clause in clauses(line):
        fits = [entry for entry in entries if could_name(clause, entry)
                and (clause.entry is None or entry.endswith("/" + clause.entry))]
        assert len(fits) == 1, (line, clause, fits)
        named += fits
    assert sorted(named) == sorted(entries), (line, named, entries)
