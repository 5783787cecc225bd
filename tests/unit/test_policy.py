from __future__ import annotations

from pathlib import Path

import pytest

from _support.identities import make_identity
from uvshim.environments import read_entry, scan_bucket
from uvshim.policy import judge, judge_all
from uvshim.record import replace

PY312 = make_identity()


def make_env(bucket: Path, name: str, cfg: str | None, purelib: str) -> Path:
    archive = bucket.parent / "archive" / name
    (archive / purelib).mkdir(parents=True)
    if cfg is not None:
        (archive / "pyvenv.cfg").write_text(cfg)
    bucket.mkdir(parents=True, exist_ok=True)
    (bucket / name).symlink_to(archive)
    return bucket / name


def cfg_for(home: Path, implementation: str, version: str) -> str:
    return f"home = {home}\nimplementation = {implementation}\nversion_info = {version}\n"


@pytest.mark.parametrize(("implementation", "version", "purelib", "stale"), [
    ("CPython", "3.12.1", "lib/python3.12/site-packages", False),
    ("CPython", "3.12.4", "lib/python3.12/site-packages", False),  # patch only: not stale
    ("CPython", "3.12", "lib/python3.12/site-packages", False),  # minor-version link
    ("CPython", "3.11.7", "lib/python3.11/site-packages", True),
    ("PyPy", "3.12.1", "lib/python3.12/site-packages", True),
    ("CPython", "3.12.1", "lib/python3.12t/site-packages", True),  # another ABI
])
def test_judge(tmp_path: Path, implementation: str, version: str, purelib: str,
               stale: bool) -> None:
    entry = make_env(tmp_path / "bucket", "abc", cfg_for(tmp_path, implementation, version),
                     purelib)
    assert judge(read_entry(str(entry)), PY312).stale is stale


def test_missing_home_is_stale(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path / "gone", "CPython", "3.12.1")
    entry = make_env(tmp_path / "bucket", "abc", cfg, "lib/python3.12/site-packages")
    verdict = judge(read_entry(str(entry)), PY312)
    assert verdict.stale
    assert "no longer exists" in verdict.reason


def test_unloadable_entries_are_left_to_uv(tmp_path: Path) -> None:
    bucket = tmp_path / "bucket"
    make_env(bucket, "nocfg", None, "lib/python3.12/site-packages")
    (bucket / "dangling").symlink_to(tmp_path / "missing")
    (bucket / "loop").symlink_to(bucket / "loop")
    (bucket / "abc.lock").write_text("")
    (bucket / ".uvshim.lock").write_text("")
    envs = scan_bucket(str(bucket))
    assert sorted(Path(e.entry).name for e in envs) == ["dangling", "loop", "nocfg"]
    # A dangling or looping link is uv's to rebuild; without pyvenv.cfg nothing can start in
    # the environment and uv does not rebuild it, so that one is stale.
    assert [Path(v.env.entry).name for v in judge_all(envs, PY312) if v.stale] == ["nocfg"]


def test_every_stale_entry_is_judged_stale(tmp_path: Path) -> None:
    bucket = tmp_path / "bucket"
    make_env(bucket, "a", cfg_for(tmp_path, "CPython", "3.11.7"), "lib/python3.11/site-packages")
    make_env(bucket, "b", cfg_for(tmp_path, "CPython", "3.12.1"), "lib/python3.12/site-packages")
    make_env(bucket, "c", cfg_for(tmp_path, "CPython", "3.10.1"), "lib/python3.10/site-packages")
    verdicts = judge_all(scan_bucket(str(bucket)), PY312)
    assert [Path(v.env.entry).name for v in verdicts if v.stale] == ["a", "c"]


def test_identity_without_purelib_skips_the_abi_check(tmp_path: Path) -> None:
    entry = make_env(tmp_path / "bucket", "x", cfg_for(tmp_path, "CPython", "3.12.1"), "lib/other")
    assert not judge(read_entry(str(entry)), replace(PY312, purelib=None)).stale
