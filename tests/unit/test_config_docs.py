"""Configuration in one place: the ``UVSHIM_*`` variables the code reads, the ones
``uvshim --help`` lists and the README's Configuration table are the same, with the same
defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from uvshim.cli import main

REPO = Path(__file__).resolve().parents[2]
# A variable read by the code appears as a string literal of its own: "UVSHIM_X".
READ_RE = re.compile(r"""["'](UVSHIM_[A-Z_]+)["']""")
HELP_ENTRY_RE = re.compile(r"^  (UVSHIM_[A-Z_]+)=\S+\s+(.*?)\(default: ([^)]*)\)",
                           re.MULTILINE | re.DOTALL)
README_ROW_RE = re.compile(r"^\| `(UVSHIM_[A-Z_]+)` \| ([^|]+) \|", re.MULTILINE)


def variables_read() -> set[str]:
    return {name for path in (REPO / "src").rglob("*.py")
            for name in READ_RE.findall(path.read_text(encoding="utf-8"))}


def help_defaults(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    # Entries start at a variable and may wrap; split on each variable, then read its default.
    chunks = re.split(r"(?m)^(?=  UVSHIM_)", text.split("\nenvironment:\n", 1)[1])
    defaults = {}
    for chunk in chunks:
        match = HELP_ENTRY_RE.match(chunk)
        if match:
            defaults[match.group(1)] = " ".join(match.group(3).split())
    return defaults


def readme_defaults() -> dict[str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return {name: default.replace("`", "").strip()
            for name, default in README_ROW_RE.findall(section)}


def test_help_and_readme_list_exactly_the_variables_read(capsys: pytest.CaptureFixture[str],
                                                          ) -> None:
    read = variables_read()
    assert "UVSHIM_REAL_UV" in read  # the pattern does find reads
    assert set(help_defaults(capsys)) == read
    assert set(readme_defaults()) == read


def test_help_and_readme_give_the_same_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert help_defaults(capsys) == readme_defaults()


def test_default_lock_timeout_is_the_documented_one() -> None:
    from uvshim.check import DEFAULT_LOCK_TIMEOUT_S  # noqa: PLC0415

    assert readme_defaults()["UVSHIM_LOCK_TIMEOUT"] == f"{DEFAULT_LOCK_TIMEOUT_S:g}"
