"""The warm hot path, run for real up to its exec of uv: which modules it imported and how
many processes it started, for the full check and for the replay of its memo. Start-up
imports are most of the shim's cost (see benchmarks/bench_shim.py); this keeps the expensive
ones from creeping back."""

from __future__ import annotations

from pathlib import Path

from _support.audit import audited, settle
from _support.interpreters import make_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

# Each of these costs 1-13 ms of start-up on this machine, or pulls in one that does.
EXPENSIVE = {"re", "typing", "dataclasses", "json", "subprocess", "pathlib", "enum", "tempfile",
             "platform", "packaging", "inspect", "secrets", "hashlib", "shutil", "collections",
             "filelock", "platformdirs", "tomllib", "tomli"}

# All a replay may import (the package and its three small modules): never the full check.
REPLAY_MODULES = {"uvshim", "uvshim.entry", "uvshim.memo", "uvshim.state"}


def test_warm_hot_path_imports_nothing_expensive_and_starts_no_process(
        sandbox: Sandbox, tool_wheels: Path) -> None:
    require_python("3.12")
    real = uv_release(NEWEST)
    bindir = make_prefix(sandbox.root / "prefix", "3.12", "unversioned")
    sandbox.path_dirs = [bindir, real]
    args = ["--offline", "--find-links", str(tool_wheels), "shimcheck"]
    assert sandbox.run([str(real / "uvx"), *args]).stdout.startswith("shimcheck 3.12")

    cold = audited(sandbox, args)  # fills the identity and uv-version caches
    assert cold.spawned, "the first run must have asked the interpreter and uv"
    warm = audited(sandbox, args)  # the full check: the cold run's state is too fresh to memo
    assert "uvshim.full_check" in warm.modules
    assert warm.argv == [str(real / "uv"), "tool", "uvx", *args]
    assert warm.spawned == []
    imported = {name.split(".")[0] for name in warm.modules}
    assert imported & EXPENSIVE == set()

    settle(*sandbox.folders)
    audited(sandbox, args)  # keeps a memo
    replayed = audited(sandbox, args)
    assert replayed.argv == warm.argv
    assert replayed.spawned == []
    assert {name for name in replayed.modules if name.startswith("uvshim")} == REPLAY_MODULES
    assert {name.split(".")[0] for name in replayed.modules} & EXPENSIVE == set()
    assert "os" not in replayed.modules  # ~1 ms of a replay's ~1.5 ms, when it was
