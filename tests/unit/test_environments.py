from __future__ import annotations

from pathlib import Path

import pytest

from _support.distributions import add_distribution
from uvshim import messages
from uvshim.distributions import tools_in
from uvshim.environments import NOT_UTF8, parse_pyvenv_cfg, read_pyvenv_cfg

UV_WRITES = """home = /p/bin
implementation = CPython
uv = 0.13.9
version_info = 3.11.7
include-system-site-packages = false
relocatable = true
"""


def test_reads_what_uv_writes() -> None:
    cfg = parse_pyvenv_cfg(UV_WRITES)
    assert cfg["home"] == "/p/bin"
    assert cfg["implementation"] == "CPython"
    assert cfg["version_info"] == "3.11.7"


def test_tolerates_junk_and_splits_on_first_equals() -> None:
    cfg = parse_pyvenv_cfg("garbage\n= nokey\nHome= /a=b \n# comment = x\n\x00\xff")
    assert cfg == {"home": "/a=b"}


def test_missing_file_is_none_and_binary_file_is_tolerated(tmp_path: Path) -> None:
    assert read_pyvenv_cfg(str(tmp_path / "nope")) is None
    damaged = tmp_path / "pyvenv.cfg"
    damaged.write_bytes(b"\xff\xfe\x00\nversion_info = 3.12.1\nimplem")
    assert read_pyvenv_cfg(str(damaged)) == {"version_info": "3.12.1", NOT_UTF8: ""}


def test_an_environment_is_named_by_what_nothing_else_in_it_requires(tmp_path: Path) -> None:
    add_distribution(tmp_path, "tox", ["pluggy>=1", "virtualenv (>=20)"])
    add_distribution(tmp_path, "tox-uv", ["tox<5,>=4; python_version>'3'", "uv"])
    add_distribution(tmp_path, "Pluggy")
    add_distribution(tmp_path, "virtualenv", ["platformdirs[extra]"])
    add_distribution(tmp_path, "uv")
    add_distribution(tmp_path, "black", ["tomli; extra == 'x'"])  # tomli not installed
    assert tools_in(str(tmp_path)) == ("black", "tox-uv")
    assert tools_in(str(tmp_path / "missing")) == ()


@pytest.mark.parametrize(("found", "said"), [
    ([(("ruff",), "is old")], "the cached environment for ruff is old; dropped it so uv builds "
                              "a fresh one"),
    ([((), "is old")], "the cached environment whose tools could not be read, is old; dropped "
                       "it so uv builds a fresh one"),
    ([(("black",), "is old"), (("ruff", "tox"), "is old")],
     "2 cached environments: the one for black is old; the one for ruff and tox is old; "
     "dropped them so uv builds fresh ones"),
    ([(("black",), "is old"), ((), "is older")],
     "2 cached environments: the one for black is old; the one whose tools could not be "
     "read, is older; dropped them so uv builds fresh ones"),
    ([(("black",), "is old"), (("black",), "is older"), ((), "is old"), ((), "is old")],
     "4 cached environments: the one for black (cache entry a1) is old; the one for black "
     "(cache entry b2) is older; the one whose tools could not be read (cache entry c3), is "
     "old; the one whose tools could not be read (cache entry d4), is old; dropped them so "
     "uv builds fresh ones"),
])
def test_a_line_names_the_environments_it_is_about(found: list[tuple[tuple[str, ...], str]],
                                                   said: str) -> None:
    about = messages.About(found, ["a1", "b2", "c3", "d4"][:len(found)])
    assert messages.dropped(about) == said
