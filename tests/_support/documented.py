"""What docs/explain-and-doctor.md says the ``--json`` documents hold, read from its tables,
for the tests that hold the documents to the docs."""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "explain-and-doctor.md"
ROW_RE = re.compile(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \| (.*) \|$")


def json_rows(command: str) -> dict[str, str]:
    """Each key of ``uvshim COMMAND --json``'s table, with the text of its row."""
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    table = text.split(f"`uvshim {command} --json` prints one document", 1)[1]
    rows: dict[str, str] = {}
    for line in table.split("\n\n", 2)[1].splitlines():
        match = ROW_RE.match(line)
        if match:
            rows.update(dict.fromkeys(match.group(1).replace("`", "").split(", "),
                                      match.group(2)))
    return rows


def json_fields(command: str, key: str) -> set[str]:
    """The fields the row of ``key`` names first, as ``{a, b, c}``."""
    match = re.search(r"`\{([a-z_, ]+)\}`", json_rows(command)[key])
    assert match, f"no {{fields}} in the row of {key}"
    return set(match.group(1).split(", "))
