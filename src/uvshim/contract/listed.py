"""The options a uv help text lists, compared with the option table (``uv.options``).

The table was measured on every release in tests/_support/uv_binaries.py; a newer release
keeps the newest row of each option (``options_for``). What it must still list for the shim to
parse its command lines as before: each option of the table, with the same short form, the
same "takes a value" and the same environment variable. New options are only unknown to the
parser, which then runs uv unchanged (``uv.argv``), so they are reported but break nothing.
"""

from __future__ import annotations

import re

from uvshim.record import Record
from uvshim.uv.options import OPTIONS, Level
from uvshim.uv.releases import NEWEST_KNOWN
from uvshim.uv.uv_run_options import UV_RUN_OPTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.uv.options import LevelName, UvOption
    from uvshim.versions import Version

# `  -p, --python <PYTHON>  …` or `      --offline  …`; clap appends `...` to counting flags.
_OPTION_LINE = re.compile(
    r"^\s+(?:-(?P<short>\w), )?--(?P<long>[\w-]+)(?:\.\.\.)?(?P<value> <\w+>)?"
)
_ENV_NOTE = re.compile(r"\[env:\s*`?\"?(?P<name>[A-Z0-9_]+)")

# The help each level's options are listed in (after ``uv``).
HELP_COMMANDS: dict[LevelName, tuple[str, ...]] = {
    Level.TOOL_RUN: ("tool", "run", "--help"),
    Level.UVX: ("tool", "uvx", "--help"),
    Level.UV_RUN: ("run", "--help"),
}


class Listed(Record):
    long: str
    short: str | None
    takes_value: bool
    env: str | None

    def spelled(self) -> str:
        short = f"-{self.short}, " if self.short else ""
        value = " <VALUE>" if self.takes_value else ""
        env = f" [env: {self.env}]" if self.env else ""
        return f"{short}--{self.long}{value}{env}"


def listed_options(help_text: str) -> set[Listed]:
    """The options in a help text; an option's note runs to the next option or heading."""
    blocks: list[tuple[re.Match[str], list[str]]] = []
    current: list[str] | None = None
    for line in help_text.splitlines():
        match = _OPTION_LINE.match(line)
        if match:
            current = [line]
            blocks.append((match, current))
        elif current is not None and line.startswith(" "):
            current.append(line)
        else:
            current = None
    return {_listed(match, " ".join(part.strip() for part in lines)) for match, lines in blocks}


def _listed(match: re.Match[str], note: str) -> Listed:
    env = _ENV_NOTE.search(note)
    return Listed(match["long"], match["short"], bool(match["value"]), env["name"] if env else None)


def table_options(version: Version, level: LevelName) -> set[Listed]:
    """What the table says ``version`` lists at ``level`` (a newer release: the newest rows)."""
    effective = min(version, NEWEST_KNOWN)
    table: tuple[UvOption, ...] = (*OPTIONS, *UV_RUN_OPTIONS) if level == Level.UV_RUN else OPTIONS
    return {Listed(option.name, option.short, option.takes_value, option.env)
            for option in table
            if level in option.levels and option.exists_in(effective) and not option.hidden}


class HelpDifference(Record):
    command: str  # "uv tool uvx --help"
    missing: tuple[str, ...]  # table rows the help does not list as they are (a broken fact)
    added: tuple[str, ...]  # options the help lists that the table does not know


def compare_help(help_text: str, version: Version, level: LevelName) -> HelpDifference:
    listed = listed_options(help_text)
    expected = table_options(version, level)
    return HelpDifference(
        "uv " + " ".join(HELP_COMMANDS[level]),
        tuple(sorted(_describe(row, listed) for row in expected - listed)),
        tuple(sorted(row.spelled() for row in listed - expected
                     if row.long not in {other.long for other in expected})),
    )


def _describe(row: Listed, listed: set[Listed]) -> str:
    same_name = next((other for other in listed if other.long == row.long), None)
    if same_name is None:
        return f"--{row.long} is gone"
    return f"--{row.long} is now {same_name.spelled()}, not {row.spelled()}"
