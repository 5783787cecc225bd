"""A shim run, for real, stopped at its exec of uv: what it imported, which processes it
started, what it would have exec'd and what it said. It enters through ``entry.main``, as
the launchers do, so a replayed memo shows as a run that never imported ``uvshim.full_check``."""

from __future__ import annotations

import ast
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import uvshim
from _support.sandbox import Sandbox
from uvshim.commands.launcher_template import runtime_paths
from uvshim.memo import SETTLE_NS

# Reports with repr(), not json, and uses posix, not os: the harness must import nothing the
# shim would not.
AUDITED_RUN = r"""
import posix, sys
spawned = []
def hook(event, args):
    if event in ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.system"):
        spawned.append(event)
    elif event == "os.exec":
        report = {"spawned": spawned, "modules": sorted(sys.modules),
                  "argv": [arg if isinstance(arg, str) else arg.decode() for arg in args[1]]}
        sys.stderr.write("AUDIT" + repr(report) + "\n")
        sys.stderr.flush()
        posix._exit(0)
sys.addaudithook(hook)
sys.path[:0] = PATHS
from uvshim.entry import main
main(sys.argv[1], sys.argv[2:])
"""


@dataclass(frozen=True)
class AuditedRun:
    spawned: list[str]
    modules: list[str]
    argv: list[str]
    notes: list[str]  # the uvshim: lines

    @property
    def full_check(self) -> bool:
        return "uvshim.full_check" in self.modules


def audited(sandbox: Sandbox, args: list[str], mode: str = "uvx",
            **extra_env: str) -> AuditedRun:
    """``uvx ARGS`` (or, with ``mode="uv"``, ``uv ARGS``) through the launchers' entry."""
    code = AUDITED_RUN.replace("PATHS", json.dumps(runtime_paths()))
    done = sandbox.run([sys.executable, "-I", "-S", "-c", code, mode, *args],
                       {**sandbox.env(), **extra_env})
    lines = done.stderr.splitlines()
    audit = [line for line in lines if line.startswith("AUDIT")]
    assert audit, done.stderr
    report = ast.literal_eval(audit[0][len("AUDIT"):])
    return AuditedRun(report["spawned"], report["modules"], report["argv"],
                      [line for line in lines if line.startswith("uvshim:")])


def settle(*folders: Path) -> None:
    """Wait until every file a check may stamp is older than the racy window (``SETTLE_NS``),
    so that the next check may keep a memo: the files below ``folders`` (a sandbox's root and
    its PATH folders) and the bytecode of uvshim's own modules. Only the rest of the window
    after the newest change is waited: a file's times never run ahead of the clock ``memo``
    compares them with."""
    scanned = [*folders, Path(uvshim.__file__).parent]
    newest_ns = max(_newest_change_ns(str(folder)) for folder in scanned)
    wait_ns = newest_ns + SETTLE_NS - time.time_ns()
    if wait_ns > 0:
        time.sleep(wait_ns / 1e9 + 0.01)


def _newest_change_ns(folder: str) -> int:
    """The latest mtime or ctime of ``folder`` and of everything below it, links not followed."""
    st = os.lstat(folder)
    newest = max(st.st_mtime_ns, st.st_ctime_ns)
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                newest = max(newest, _newest_change_ns(entry.path))
            else:
                st = entry.stat(follow_symlinks=False)
                newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
    return newest
