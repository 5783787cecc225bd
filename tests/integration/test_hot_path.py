"""The warm hot path, run for real up to its exec of uv: which modules it imported and how
many processes it started. Start-up imports are most of the shim's cost (see
benchmarks/bench_shim.py); this keeps the expensive ones from creeping back."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from _support.interpreters import make_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release
from uvshim.install import runtime_paths

# Each of these costs 1-13 ms of start-up on this machine, or pulls in one that does.
EXPENSIVE = {"re", "typing", "dataclasses", "json", "subprocess", "pathlib", "enum", "tempfile",
             "platform", "packaging", "inspect", "secrets", "hashlib", "shutil", "collections",
             "filelock", "platformdirs", "tomllib", "tomli"}

# Reports with repr(), not json: the harness must import nothing the shim would not.
AUDITED_RUN = r"""
import os, sys
spawned = []
def hook(event, args):
    if event in ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.system"):
        spawned.append(event)
    elif event == "os.exec":
        report = {"spawned": spawned, "modules": sorted(sys.modules),
                  "argv": [os.fsdecode(arg) for arg in args[1]]}
        sys.stderr.write("AUDIT" + repr(report) + "\n")
        sys.stderr.flush()
        os._exit(0)
sys.addaudithook(hook)
sys.path[:0] = PATHS
from uvshim.run import main
main("uvx", sys.argv[1:])
"""


def audited(sandbox: Sandbox, args: list[str]) -> dict[str, list[str]]:
    code = AUDITED_RUN.replace("PATHS", json.dumps(runtime_paths()))
    done = sandbox.run([sys.executable, "-I", "-S", "-c", code, *args])
    line = next(x for x in done.stderr.splitlines() if x.startswith("AUDIT"))
    report: dict[str, list[str]] = ast.literal_eval(line[len("AUDIT"):])
    return report


def test_warm_hot_path_imports_nothing_expensive_and_starts_no_process(
        sandbox: Sandbox, tool_wheels: Path) -> None:
    require_python("3.12")
    real = uv_release(NEWEST)
    bindir = make_prefix(sandbox.root / "prefix", "3.12", "unversioned")
    sandbox.path_dirs = [bindir, real]
    args = ["--offline", "--find-links", str(tool_wheels), "shimcheck"]
    assert sandbox.run([str(real / "uvx"), *args]).stdout.startswith("shimcheck 3.12")

    cold = audited(sandbox, args)  # fills the identity and uv-version caches
    assert cold["spawned"], "the first run must have asked the interpreter and uv"
    warm = audited(sandbox, args)
    assert warm["argv"] == [str(real / "uv"), "tool", "uvx", *args]
    assert warm["spawned"] == []
    imported = {name.split(".")[0] for name in warm["modules"]}
    assert imported & EXPENSIVE == set()
