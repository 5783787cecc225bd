"""How ``doctor`` shows its work: a progress bar on a terminal, findings, fixes, a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

KIND_LABELS = {"cached-environment": "cached environments", "tool": "installed tools",
               "managed-python": "managed Pythons"}
_BAR_WIDTH = 30


class Progress:
    """``[#####.....] 12/40 label`` redrawn in place on ``stream``; silent unless enabled."""

    def __init__(self, stream: TextIO, total: int, *, enabled: bool) -> None:
        self.stream, self.total, self.enabled, self.done = stream, total, enabled, 0

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled or self.total == 0:
            return
        filled = _BAR_WIDTH * self.done // self.total
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[-40:]:<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.total:
            self.stream.write("\r" + " " * (_BAR_WIDTH + 60) + "\r")
            self.stream.flush()


def summary_rows(checked: dict[str, int], found: dict[str, int], fixed: dict[str, int] | None,
                 left: dict[str, int]) -> list[list[str]]:
    header = ["", "checked", "problems", "fixed", "left"]
    rows = [header]
    for kind, label in KIND_LABELS.items():
        rows.append([label, str(checked.get(kind, 0)), str(found.get(kind, 0)),
                     "-" if fixed is None else str(fixed.get(kind, 0)),
                     str(left.get(kind, 0))])
    return rows


def upgrade_rows(counts: dict[str, dict[str, int]]) -> list[list[str]]:
    """What ``--fix`` did about managed Pythons on an older build, and about what was built
    on them."""
    rows = [["after upgrading builds", "upgraded", "rebuilt", "left"]]
    for kind, label in KIND_LABELS.items():
        row = counts.get(kind, {})
        rows.append([label, *(str(row.get(column, 0)) for column in
                              ("upgraded", "rebuilt", "left"))])
    return rows


def python_lines(pythons: Sequence[dict[str, object]]) -> list[str]:
    """One line per managed installation: its key, its build, uv's build, what to do."""
    lines = []
    for python in pythons:
        if python.get("link_to"):
            continue
        installed = python.get("installed_build") or "unknown"
        source = f" ({python['installed_build_from']})" if python.get("installed_build_from") \
            else ""
        lines.append(f"managed Python: {python['name']}: installed build {installed}{source}, "
                     f"uv would install {python.get('uv_build') or '(cannot tell)'}\n"
                     f"  {python['status']}: {python['reason']}")
    return lines


def table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, right-aligned numbers, two spaces between columns."""
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in
                                              zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
