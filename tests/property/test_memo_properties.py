"""The memo file: whatever the arguments, variables and paths, it gives back exactly the
command it was written with, and only to the same invocation with the same variables."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTIES

from uvshim.memo import Invocation, encode_memo, replay, write_memo


# What argv, environment names and values can be: bytes without NUL, decoded as Python
# decodes them (undecodable bytes become surrogate escapes).
def _decoded(data: bytes) -> str:
    return data.replace(b"\0", b"").decode("utf-8", "surrogateescape")


TEXT = st.binary(max_size=12).map(_decoded)
NAMES = st.binary(min_size=1, max_size=8).map(_decoded).filter(
    lambda name: bool(name) and "=" not in name)
ARGS = st.lists(TEXT, max_size=6)



@PROPERTIES
@given(mode=st.sampled_from(["uvx", "uv"]), args=ARGS,
       reads=st.dictionaries(NAMES, st.none() | TEXT, max_size=5),
       command=st.lists(TEXT, min_size=1, max_size=6))
def test_a_memo_gives_back_its_command(tmp_path: Path, mode: str, args: list[str],
                                       reads: dict[str, str | None], command: list[str]) -> None:
    environ = {name: value for name, value in reads.items() if value is not None}
    environ["UVSHIM_CACHE_DIR"] = str(tmp_path / "state")
    invocation = Invocation(mode, args, environ)
    stamps = {("s", os.fspath(tmp_path)): "?"}  # a stamp that never holds ...
    write_memo(invocation.memo_path(), encode_memo(invocation.key(), reads, {}, command))
    assert replay(mode, args, environ) == command
    assert replay(mode, [*args, "x"], environ) is None
    for name, value in reads.items():
        changed = {**environ, name: "changed"} if value != "changed" else dict(environ)
        if value == "changed":
            del changed[name]
        assert replay(mode, args, changed) is None
    write_memo(invocation.memo_path(), encode_memo(invocation.key(), reads, stamps, command))
    assert replay(mode, args, environ) is None  # ... so the memo does not either
