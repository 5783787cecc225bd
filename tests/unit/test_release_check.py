"""The pure parts of the release check: reading a help text against the option table, and
the line doctor and ``install --check`` print from a kept result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from uvshim import __version__
from uvshim.contract import verdict
from uvshim.contract.listed import compare_help, table_options
from uvshim.state import write_state
from uvshim.uv.options import Level
from uvshim.uv.releases import NEWEST_KNOWN
from uvshim.versions import Version

NEWER = Version("0.14.0")


def listed_help(drop: str | None = None, extra: str = "") -> str:
    rows = table_options(NEWEST_KNOWN, Level.UVX)
    lines = ["Options:"]
    for row in sorted(rows, key=lambda row: row.long):
        if row.long == drop:
            continue
        short = f"-{row.short}, " if row.short else "    "
        value = f" <{row.long.upper().replace('-', '_')}>" if row.takes_value else ""
        env = f" [env: {row.env}=]" if row.env else ""
        lines.append(f"  {short}--{row.long}{value}  Some words.{env}")
    return "\n".join([*lines, extra]) + "\n"


def test_a_help_that_lists_the_table_differs_in_nothing() -> None:
    difference = compare_help(listed_help(), NEWER, Level.UVX)
    assert (difference.missing, difference.added) == ((), ())


def test_a_gone_option_is_missing_and_a_new_one_only_added() -> None:
    difference = compare_help(listed_help(drop="from", extra="      --shiny  New."),
                              NEWER, Level.UVX)
    assert difference.command == "uv tool uvx --help"
    assert difference.missing == ("--from is gone",)
    assert difference.added == ("--shiny",)


def test_an_option_that_stopped_taking_a_value_is_named() -> None:
    text = listed_help().replace("--python <PYTHON>", "--python")
    (missing,) = compare_help(text, NEWER, Level.UVX).missing
    assert missing.startswith("--python is now -p, --python [env: UV_PYTHON], not -p, "
                              "--python <VALUE>")


@pytest.mark.parametrize(("version", "line"), [
    ("0.4.30", "uv 0.4.30 is older than the releases uvshim models (0.5.0 to "
               f"{NEWEST_KNOWN}): uvshim runs it unchanged"),
    (str(NEWEST_KNOWN), f"uv {NEWEST_KNOWN} is a release uvshim models (0.5.0 to "
                        f"{NEWEST_KNOWN})"),
    ("0.14.0", f"uv 0.14.0 is newer than the releases uvshim models (up to {NEWEST_KNOWN}); "
               "not checked yet (the next uvx run checks it once)"),
])
def test_status_without_a_kept_result(tmp_path: Path, version: str, line: str) -> None:
    uv = tmp_path / "uv"
    uv.write_text("#!/bin/sh\n")
    assert verdict.release_status(str(uv), Version(version), str(tmp_path)) == line


def keep(uv: Path, state: Path, checked_at: int, failure: str | None) -> None:
    real = os.path.realpath(uv)
    st = os.stat(real)
    folder = verdict._folder(str(state), real)
    write_state(os.path.join(folder, "result"), "uvshim-release-check-v1",
                [real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, __version__,
                 str(NEWEST_KNOWN), checked_at, failure])


def test_status_of_a_kept_result_until_the_binary_changes(tmp_path: Path) -> None:
    uv = tmp_path / "uv"
    uv.write_text("#!/bin/sh\n")
    keep(uv, tmp_path, 0, "it should x, but y")
    assert verdict.release_status(str(uv), NEWER, str(tmp_path)) == (
        f"uv 0.14.0 is newer than the releases uvshim models (up to {NEWEST_KNOWN}); checked "
        "1970-01-01 00:00 UTC: it should x, but y; uvshim runs it unchanged")
    keep(uv, tmp_path, 60, None)
    assert verdict.release_status(str(uv), NEWER, str(tmp_path)).endswith(
        "checked 1970-01-01 00:01 UTC: the model holds")
    uv.write_text("#!/bin/sh\n# another build\n")
    assert verdict.kept_result(str(uv), str(tmp_path)) is None
