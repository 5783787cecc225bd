from __future__ import annotations

from pathlib import Path

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
