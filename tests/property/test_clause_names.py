"""Every clause of a ``uvshim:`` line names an environment present in the bucket, exactly
once: the whole check (``full_check.uv_arguments``) on Hypothesis argv, over buckets of stale
environments with tricky metadata (``_support.distributions.TABLE``, and some whose tools
cannot be read), the same row often twice."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from strategies import PROPERTIES, UvxArgv, uvx_argvs

from _support.clauses import Clause, assert_each_names_one
from _support.distributions import TABLE, make_environment
from _support.identities import make_identity
from uvshim import full_check, survey
from uvshim.drop import DropOutcome
from uvshim.uv.cache_key import bucket_dir
from uvshim.versions import Version

UV = Version("0.13.9")
PY312 = make_identity("/names")
UNREADABLE = "an empty METADATA"
ROWS = st.sampled_from([*sorted(TABLE), UNREADABLE])
PLAIN = UvxArgv(UV, [], False, "tool", [])


def fill_bucket(cache: Path, rows: list[str]) -> dict[str, str]:
    """One environment built for 3.13 per row, each behind its own entry; {entry: row}."""
    bucket = Path(bucket_dir(str(cache), PY312, UV))
    bucket.mkdir(parents=True)
    held = {}
    for index, row in enumerate(rows):
        archive = cache / "archive-v0" / f"a{index}"
        if row == UNREADABLE:
            make_environment(archive, [("black", ["pytokens"]), ("pytokens", [])], "3.13.0")
            (archive / "lib" / "python3.13" / "site-packages" / "pytokens-1.0.dist-info"
             / "METADATA").write_text("")
        else:
            make_environment(archive, TABLE[row][0], "3.13.0")
        entry = bucket / f"{index:x}{'f' * 15}"
        os.symlink(archive, entry)
        (bucket / f"{entry.name}.lock").touch()
        held[str(entry)] = row
    return held


def expected_tools(row: str) -> frozenset[str]:
    return frozenset() if row == UNREADABLE else frozenset(TABLE[row][1])


@given(argv=st.one_of(st.just(PLAIN), uvx_argvs()),
       rows=st.lists(ROWS, min_size=1, max_size=5))
@example(argv=PLAIN, rows=["an extra nobody installed", "a tool that requires another"])
@example(argv=PLAIN, rows=[UNREADABLE, UNREADABLE, "a distribution that requires itself"])
@example(argv=UvxArgv(UV, ["--with", ""], False, "tool", []),
         rows=["names with dots, dashes, underscores and capitals"] * 2)
@PROPERTIES
def test_every_clause_names_one_environment_of_the_bucket(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: UvxArgv, rows: list[str]) -> None:
    cache = Path(tempfile.mkdtemp(dir=tmp_path)) / "cache"
    held = fill_bucket(cache, rows)
    bindir = cache.parent / "bin"
    bindir.mkdir()
    (bindir / "python").touch(mode=0o755)
    uv = cache.parent / "uv"
    uv.write_text("#!/bin/sh\nexit 0\n")
    uv.chmod(0o755)
    monkeypatch.setattr(full_check, "uv_version", lambda _uv, _state: UV)
    monkeypatch.setattr(survey, "identify", lambda _path, _state: PY312)
    monkeypatch.setattr("uvshim.drop.drop_for_rebuild",
                        lambda _bucket, judged, _timeout: DropOutcome(tuple(judged), None))
    environ = {"UVSHIM_REAL_UV": str(uv), "UVSHIM_CACHE_DIR": str(cache.parent / "state"),
               "HOME": str(cache.parent), "PATH": str(bindir), "UV_CACHE_DIR": str(cache)}
    full_check.uv_arguments("uvx", argv.argv, str(uv), environ)
    lines = capsys.readouterr().err.splitlines()
    dropping = [line for line in lines if "so uv builds" in line]
    event("a line about the bucket" if dropping else "no line about the bucket")
    for line in dropping:
        assert_each_names_one(line, list(held), lambda clause, entry: _fits(clause, held[entry]))


def _fits(clause: Clause, row: str) -> bool:
    return clause.tools == expected_tools(row)
