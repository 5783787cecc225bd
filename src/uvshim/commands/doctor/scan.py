"""``doctor``'s scan: every environment in uv's cache, every installed tool, the managed Pythons
(each against the build the running uv would install for it: ``pythons``).

Every bucket version uv has used is read: ``environments-v1`` (0.5.x) and ``environments-v2``
(0.6.0-0.13.9), and any later ``environments-vN``, since a cache shared by several uv
releases holds several (``CacheBucket::Environments``, #11269 for the v2 bump).
"""

from __future__ import annotations

import glob
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from uvshim.commands.doctor.checks import Finding, check_cached
from uvshim.commands.doctor.pythons import ManagedPython, managed_pythons
from uvshim.commands.doctor.report import Progress
from uvshim.commands.doctor.tools import check_tool, tool_folders
from uvshim.environments import read_entry
from uvshim.errors import UvshimError

UV_DIR_TIMEOUT_S = 60


@dataclass(frozen=True)
class UvDirs:
    cache: str
    tools: str
    pythons: str


@dataclass(frozen=True)
class Scan:
    checked: dict[str, int]  # per kind of thing looked at
    findings: list[Finding]
    pythons: list[ManagedPython]  # the managed installations and minor-version links


def uv_dirs(uv: str, cache_dir: str | None, environ: Mapping[str, str]) -> UvDirs:
    """Ask uv itself (``uv cache dir`` and friends take no lock, 0.5.0-0.13.9)."""
    cache = cache_dir if cache_dir else _ask_dir(uv, ["cache", "dir"], environ)
    return UvDirs(os.path.abspath(cache), _ask_dir(uv, ["tool", "dir"], environ),
                  _ask_dir(uv, ["python", "dir"], environ))


def _ask_dir(uv: str, command: list[str], environ: Mapping[str, str]) -> str:
    shown = " ".join(["uv", *command])
    try:
        done = subprocess.run([uv, *command], capture_output=True, text=True, check=False,
                              timeout=UV_DIR_TIMEOUT_S, env=dict(environ),
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UvshimError(f"cannot run `{shown}` with {uv}: {exc}") from None
    folder = done.stdout.strip()
    if done.returncode != 0 or not folder:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise UvshimError(f"`{shown}` failed with {uv} ({last}); check uv's settings")
    return folder


def cache_entries(cache_dir: str) -> list[str]:
    """``<cache>/environments-vN/<interpreter>/<resolution>``, locks and dot files skipped."""
    pattern = os.path.join(glob.escape(cache_dir), "environments-v*", "*", "*")
    return sorted(path for path in glob.glob(pattern)
                  if not path.endswith(".lock") and not os.path.basename(path).startswith("."))


@dataclass(frozen=True)
class UvAsked:
    """The running uv, for the managed Pythons' comparison with its download list."""

    path: str
    version: str
    environ: Mapping[str, str]


def scan(dirs: UvDirs, state: str, progress: Progress, uv: UvAsked | None = None) -> Scan:
    entries = cache_entries(dirs.cache)
    tools = tool_folders(dirs.tools)
    progress.total = len(entries) + len(tools)
    findings: list[Finding] = []
    for entry in entries:
        progress.step(os.path.basename(entry))
        found = check_cached(entry, read_entry(entry), state)
        findings += [found] if found else []
    for folder in tools:
        progress.step(os.path.basename(folder))
        found = check_tool(folder, state)
        findings += [found] if found else []
    progress.close()
    pythons = managed_pythons(dirs.pythons, uv.path if uv else None,
                              uv.version if uv else "", uv.environ if uv else {}, state)
    findings += [found for found in (python.finding() for python in pythons) if found]
    checked = {"cached-environment": len(entries), "tool": len(tools),
               "managed-python": len(pythons)}
    return Scan(checked, findings, pythons)

