"""The container tests' base image comes from the Debian mirror the machine's apt uses."""

from __future__ import annotations

from pathlib import Path

from _support.containers import DEFAULT_MIRROR, debian_mirror

DEB822 = """\
Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
# a comment line
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
"""


def test_deb822_stanza_naming_the_suite(tmp_path: Path) -> None:
    (tmp_path / "debian.sources").write_text(DEB822)
    assert debian_mirror([tmp_path / "debian.sources"]) == "http://mirror.example/debian"


def test_one_line_form_with_options(tmp_path: Path) -> None:
    listed = tmp_path / "sources.list"
    listed.write_text("deb [arch=amd64] http://other.example/apt nodistro main\n"
                      "deb [signed-by=/k.gpg] http://mirror.example/debian bookworm main\n")
    assert debian_mirror([tmp_path / "missing", listed]) == "http://mirror.example/debian"


def test_no_source_names_the_suite(tmp_path: Path) -> None:
    listed = tmp_path / "sources.list"
    listed.write_text("deb http://mirror.example/debian trixie main\n")
    assert debian_mirror([listed]) == DEFAULT_MIRROR
