"""The option table agrees with what each real uv release lists in ``uv tool run --help``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from _support.uv_binaries import MATRIX, under_test, uv_release
from uvshim.contract.listed import Listed, listed_options, table_options
from uvshim.uv.options import OPTIONS, Action, Level, LevelName, UvOption
from uvshim.versions import Version

pytestmark = pytest.mark.integration

_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "NO_COLOR": "1"}


def help_of(uv: Path, subcommand: str) -> str:
    done = subprocess.run(
        [str(uv), "tool", subcommand, "--help"],
        capture_output=True, text=True, env=_ENV, check=True, timeout=60,
    )
    return done.stdout


@pytest.mark.parametrize("version", under_test(MATRIX))
@pytest.mark.parametrize(("subcommand", "level"), [("run", Level.TOOL_RUN), ("uvx", Level.UVX)])
def test_table_matches_help(version: str, subcommand: str, level: LevelName) -> None:
    uv = uv_release(version) / "uv"
    listed = listed_options(help_of(uv, subcommand))
    expected = table_options(Version(version), level)
    assert listed == expected


def test_help_parser_reads_short_value_and_env() -> None:
    text = (
        "Python options:\n"
        "  -p, --python <PYTHON>      The Python interpreter to use. [env:\n"
        "                             UV_PYTHON=]\n"
        "      --offline\n"
        "          Disable network access [env: UV_OFFLINE=]\n"
        "  -v, --verbose...\n"
        "          Use verbose output\n"
    )
    assert listed_options(text) == {
        Listed("python", "p", True, "UV_PYTHON"),
        Listed("offline", None, False, "UV_OFFLINE"),
        Listed("verbose", "v", False, None),
    }


def clap_answer(uv: Path, args: list[str]) -> str:
    """"accepted", or clap's error when uv exits non-zero (which is the point of asking)."""
    done = subprocess.run(
        [str(uv), *args], capture_output=True, text=True, env=_ENV, check=False, timeout=60
    )
    return done.stderr if done.returncode else "accepted"


def expected_answer(option: UvOption) -> str:
    if option.takes_value:
        return f"error: a value is required for '--{option.name} <"
    return "accepted"


@pytest.mark.parametrize("version", under_test(MATRIX))
def test_every_spelling_in_the_table_is_accepted(version: str) -> None:
    """Hidden options and aliases too: `--NAME --help` shows help or asks for NAME's value."""
    uv = uv_release(version) / "uv"
    wrong: list[str] = []
    for option in OPTIONS:
        if not option.exists_in(Version(version)) or option.action is not Action.SET:
            continue
        for name in (option.name, *option.aliases):
            answer = clap_answer(uv, ["tool", "uvx", f"--{name}", "--help"])
            if not answer.startswith(expected_answer(option)):
                wrong.append(f"--{name}: {answer.splitlines()[0]}")
    assert wrong == []


@pytest.mark.parametrize("version", under_test(MATRIX))
def test_uv_run_table_matches_help(version: str) -> None:
    """``uv run --help`` against the global rows and ``uv run``'s own (``uv_run_options``)."""
    uv = uv_release(version) / "uv"
    done = subprocess.run([str(uv), "run", "--help"], capture_output=True, text=True,
                          env=_ENV, check=True, timeout=60)
    assert listed_options(done.stdout) == table_options(Version(version), Level.UV_RUN)
