"""``doctor --fix``: repair each finding with uv's own command where one exists, else drop
the stale cache entry's link (never the environment behind it: a running tool may use it;
``uv cache prune`` collects it later)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from uvshim.commands.doctor.checks import Finding
from uvshim.commands.doctor.tools import repair_commands
from uvshim.drop import drop_links

LOCK_TIMEOUT_S = 30.0
UV_TOOL_TIMEOUT_S = 600


@dataclass(frozen=True)
class Fix:
    finding: Finding
    ok: bool
    did: str  # what was done, or tried, in words

    def to_json(self) -> dict[str, object]:
        return {"path": self.finding.path, "kind": self.finding.kind, "ok": self.ok,
                "did": self.did}


def fix_all(findings: list[Finding], uv: str, environ: Mapping[str, str],
            extra_uv_args: list[str]) -> list[Fix]:
    fixes = [drop_link(finding) for finding in findings if finding.kind == "cached-environment"]
    fixes += [repair_tool(finding, uv, environ, extra_uv_args)
              for finding in findings if finding.kind == "tool"]
    return fixes


def drop_link(finding: Finding) -> Fix:
    if finding.target is None:
        return Fix(finding, ok=False, did="nothing to drop")
    bucket = os.path.dirname(finding.path)
    result = drop_links(bucket, {finding.path: finding.target}, LOCK_TIMEOUT_S, hold=False)
    if result.problem is not None:
        return Fix(finding, ok=False, did=f"could not drop the link: {result.problem}")
    if not result.dropped:
        return Fix(finding, ok=True, did="the link was already replaced or removed")
    return Fix(finding, ok=True, did="dropped the link; uv builds a fresh environment next "
                                     "time (`uv cache prune` removes the old one)")


def repair_tool(finding: Finding, uv: str, environ: Mapping[str, str],
                 extra_uv_args: list[str]) -> Fix:
    commands = repair_commands(finding, uv)
    if not commands:
        return Fix(finding, ok=False, did=f"no uv command can rebuild it from its receipt; "
                                          f"run `uv tool install --reinstall` for {finding.name}")
    failures = []
    for command in commands:
        full = [*command, *extra_uv_args]
        shown = " ".join(["uv", *full[1:]])
        problem = _run(full, environ)
        if problem is None:
            return Fix(finding, ok=True, did=f"ran `{shown}`")
        failures.append(f"`{shown}` failed ({problem})")
    return Fix(finding, ok=False, did="; ".join(failures))


def _run(command: list[str], environ: Mapping[str, str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=UV_TOOL_TIMEOUT_S, env=dict(environ),
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
