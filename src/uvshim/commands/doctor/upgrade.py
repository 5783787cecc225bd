"""``doctor --fix`` for a managed Python on an older build than the running uv would install:
reinstall it with that uv, then deal with everything built on the old build.

``uv python install --reinstall KEY`` downloads and checks the archive before it replaces the
installation folder, so a failed reinstall (archive missing, wrong hash, downloads not
allowed) leaves the old installation as it was (checked with real uv 0.8.17 and 0.13.9:
tests/integration/test_managed_builds.py). Nothing else is touched until it succeeds. Then:

- an installed tool whose environment runs that installation (its ``bin/python`` resolves into
  the folder, through the minor-version link or not) is reinstalled from its receipt, the way
  ``doctor`` repairs any tool (``tools.repair_commands``);
- a cached environment built on it follows ``UVSHIM_ON_BUILD_CHANGE``, as the shim would once
  it saw the new build: ``rebuild`` drops its link so uv builds a fresh one, ``warn`` (the
  default) leaves it, and the report says it was left.

The dependents are found before the reinstall, from what their environments link to.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field

from uvshim.commands.doctor.checks import BUILD_CHANGED, Finding, base_interpreter
from uvshim.commands.doctor.fix import Fix, drop_link, repair_tool
from uvshim.commands.doctor.pythons import ManagedPython
from uvshim.commands.doctor.scan import UvDirs, cache_entries
from uvshim.commands.doctor.tools import tool_folders
from uvshim.environments import read_entry, read_pyvenv_cfg
from uvshim.policy import build_change_action

UV_PYTHON_TIMEOUT_S = 1800
RUN_TIMEOUT_S = 60


@dataclass(frozen=True)
class Upgrade:
    python: ManagedPython
    ok: bool
    did: str
    tools: list[Fix] = field(default_factory=list)  # reinstalled from their receipts
    rebuilt: list[Fix] = field(default_factory=list)  # cached environments whose link went
    left: list[Finding] = field(default_factory=list)  # cached environments left as they are

    def to_json(self) -> dict[str, object]:
        return {"key": self.python.name, "folder": self.python.folder,
                "from_build": self.python.installed_build, "to_build": self.python.uv_build,
                "ok": self.ok, "did": self.did,
                "tools": [fix.to_json() for fix in self.tools],
                "rebuilt": [fix.to_json() for fix in self.rebuilt],
                "left": [{"path": item.path, "kind": item.kind, "why": item.reason}
                         for item in self.left]}


def upgrade(python: ManagedPython, uv: str, dirs: UvDirs, environ: Mapping[str, str],
            extra_uv_args: list[str]) -> Upgrade:
    """Reinstall ``python`` with ``uv``; on success, repair what was built on it."""
    tools, cached = dependents(python, dirs)
    command = [uv, "python", "install", "--reinstall", python.name, *extra_uv_args]
    shown = " ".join(["uv", *command[1:]])
    problem = _run(command, environ, UV_PYTHON_TIMEOUT_S)
    if problem is not None:
        return Upgrade(python, False, f"`{shown}` failed ({problem}); {_still(python)}")
    did = f"ran `{shown}`: build {python.installed_build} -> {python.uv_build}"
    repaired = [repair_tool(tool, uv, environ, extra_uv_args) for tool in tools]
    action, _ = build_change_action(environ.get("UVSHIM_ON_BUILD_CHANGE"))
    if action == "rebuild":
        return Upgrade(python, True, did, repaired, [drop_link(env) for env in cached])
    return Upgrade(python, True, did, repaired, [], cached)


def summarize(upgrades: list[Upgrade]) -> dict[str, dict[str, int]]:
    """Per kind: how many were upgraded (a managed Python) or rebuilt (a tool reinstalled, a
    cached environment's link dropped), and how many were left as they were."""
    done = [up for up in upgrades if up.ok]
    tools = [fix for up in done for fix in up.tools]
    rebuilt = [fix for up in done for fix in up.rebuilt]
    return {
        "managed-python": {"upgraded": len(done), "rebuilt": 0,
                           "left": len(upgrades) - len(done)},
        "tool": {"upgraded": 0, "rebuilt": sum(fix.ok for fix in tools),
                 "left": sum(not fix.ok for fix in tools)},
        "cached-environment": {"upgraded": 0, "rebuilt": sum(fix.ok for fix in rebuilt),
                               "left": sum(not fix.ok for fix in rebuilt)
                               + sum(len(up.left) for up in done)},
    }


def dependents(python: ManagedPython, dirs: UvDirs) -> tuple[list[Finding], list[Finding]]:
    """(installed tools, cached environments) whose interpreter is inside ``python``'s folder,
    as findings of a build change for the repairs ``doctor`` already makes."""
    folder = os.path.realpath(python.folder)
    why = f"built on build {python.installed_build} of {python.name}"
    tools: list[Finding] = []
    for tool in tool_folders(dirs.tools):
        config = read_pyvenv_cfg(os.path.join(tool, "pyvenv.cfg"))
        base = base_interpreter(tool, config) if config is not None else None
        if _inside(base, folder):
            tools.append(Finding("tool", BUILD_CHANGED, tool, os.path.basename(tool), base, why))
    cached: list[Finding] = []
    for entry in cache_entries(dirs.cache):
        env = read_entry(entry)
        if env.target is None or env.config is None:
            continue
        base = base_interpreter(env.target, env.config)
        if _inside(base, folder):
            cached.append(Finding("cached-environment", BUILD_CHANGED, entry,
                                  os.path.basename(entry), base, why, env.target))
    return tools, cached


def _inside(path: str | None, folder: str) -> bool:
    return path is not None and os.path.realpath(path).startswith(folder + os.sep)


def _still(python: ManagedPython) -> str:
    """What a failed reinstall left: the old installation, checked by running it."""
    executable = python.executable
    if executable and _run([executable, "-c", "pass"], {}, RUN_TIMEOUT_S) is None:
        return f"build {python.installed_build} is still installed and runs; nothing else " \
               f"was changed"
    return f"its interpreter {executable or '(none found)'} does not run now: reinstall it " \
           f"with `uv python install --reinstall {python.name}`; nothing else was changed"


def _run(command: list[str], environ: Mapping[str, str], timeout: float) -> str | None:
    """None when it succeeds, else uv's reason in one line."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=timeout, env=dict(environ) or None,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    return failure_line(done.stderr, done.returncode)


def failure_line(stderr: str, status: int) -> str:
    """uv's cause (``Caused by:`` up to 0.8, ``cause:`` later), else its error line: the last
    line is often a detail, such as the computed hash after a hash mismatch."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for prefix in ("Caused by:", "cause:"):
        causes = [line[len(prefix):].strip() for line in lines if line.startswith(prefix)]
        if causes:
            return ": ".join(causes)
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    return (errors or lines or [f"exit status {status}"])[-1]
