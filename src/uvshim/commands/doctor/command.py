"""``uvshim doctor [--json] [--fix] [--cache-dir D]``: every stale environment uv could use.

Scans uv's whole cache, the installed tools and the managed Pythons, each against the build
the running uv would install (``scan``); with ``--fix`` reinstalls a managed Python on an older
build with everything built on it (``upgrade``), repairs each other finding (``fix``) and
scans again; a failed reinstall stops it before anything else is touched. Exit status: 0
healthy (after fixing, when fixing), 1 something stale, broken or older is left, 2 usage,
3 unexpected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Mapping
from typing import TextIO

from uvshim.commands.doctor.checks import Finding
from uvshim.commands.doctor.fix import Fix, fix_all
from uvshim.commands.doctor.pythons import NEWER_BUILD
from uvshim.commands.doctor.report import (
    Progress,
    python_lines,
    summary_rows,
    table,
    upgrade_rows,
)
from uvshim.commands.doctor.scan import Scan, UvAsked, UvDirs, scan, uv_dirs
from uvshim.commands.doctor.upgrade import Upgrade, summarize, upgrade
from uvshim.commands.error_handler import handled
from uvshim.contract.verdict import release_status
from uvshim.messages import environment_name
from uvshim.state import state_dir
from uvshim.uv.binary import find_real_uv, uv_version

SCHEMA = 1


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = commands.add_parser(
        "doctor", help="find (and with --fix repair) every stale uv environment and tool",
        description="Scan uv's cache, installed tools and managed Pythons for environments "
                    "whose interpreter is gone, changed, or is another build, and for managed "
                    "Pythons on an older build than uv would install. Exit status 0 "
                    "healthy, 1 problems left.")
    doctor.add_argument("--json", action="store_true", help="print one JSON document")
    doctor.add_argument("--fix", action="store_true",
                        help="repair what is found, with uv's own commands where possible; a "
                             "managed Python on an older build than uv's is reinstalled, "
                             "with what was built on it")
    doctor.add_argument("--cache-dir", metavar="D", default=None,
                        help="uv's cache folder (default: what `uv cache dir` says)")


def run_command(options: argparse.Namespace, environ: Mapping[str, str] = os.environ,
                out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    return handled(lambda: _doctor(options, environ, out, err), err)


def _doctor(options: argparse.Namespace, environ: Mapping[str, str], out: TextIO,
            err: TextIO) -> int:
    uv = find_real_uv(environ)
    state = state_dir(environ)
    release = uv_version(uv, state)
    version = str(release)
    dirs = uv_dirs(uv, options.cache_dir, environ)
    show_progress = not options.json and err.isatty()
    asked = UvAsked(uv, version, environ)
    before = scan(dirs, state, Progress(err, 0, enabled=show_progress), asked)
    fixes: list[Fix] | None = None
    upgrades: list[Upgrade] | None = None
    after = before
    if options.fix:
        extra = ["--cache-dir", dirs.cache] if options.cache_dir else []
        upgrades = upgrade_all(before, uv, dirs, environ, extra)
        fixes = [Fix(_finding_of(before, item), item.ok, item.did) for item in upgrades]
        failed = [item for item in upgrades if not item.ok]
        if failed:  # nothing else is touched: the old installation and its users stay as is
            err.write(f"uvshim: error: could not upgrade {failed[0].python.name}: "
                      f"{failed[0].did}\n")
        else:
            done = {fix.finding.path for up in upgrades for fix in [*up.tools, *up.rebuilt]} \
                | {item.path for up in upgrades for item in up.left}
            rest = [f for f in before.findings if f.kind != "managed-python"
                    and f.path not in done]
            fixes += fix_all(rest, uv, environ, extra) if rest else []
            after = scan(dirs, state, Progress(err, 0, enabled=show_progress), asked) \
                if before.findings else before
    report = build_report(uv, version, dirs, before, fixes=fixes, after=after,
                          upgrades=upgrades, model=release_status(uv, release, state))
    out.write(json.dumps(report, indent=2) + "\n" if options.json else render_text(report))
    return 0 if not after.findings else 1


def upgrade_all(before: Scan, uv: str, dirs: UvDirs, environ: Mapping[str, str],
                extra: list[str]) -> list[Upgrade]:
    """Each managed Python on an older build than uv's, in turn; the first failure stops."""
    done: list[Upgrade] = []
    for python in before.pythons:
        if python.status == NEWER_BUILD:
            done.append(upgrade(python, uv, dirs, environ, extra))
            if not done[-1].ok:
                break
    return done


def _finding_of(found: Scan, item: Upgrade) -> Finding:
    return next(f for f in found.findings if f.path == item.python.folder
                and f.kind == "managed-python")


def build_report(uv: str, version: str, dirs: UvDirs, before: Scan, *,
                 fixes: list[Fix] | None, after: Scan,
                 upgrades: list[Upgrade] | None = None, model: str = "") -> dict[str, object]:
    """The ``--json`` document (schema in docs/explain-and-doctor.md)."""
    return {
        "schema": SCHEMA,
        "uv": {"path": uv, "version": version, "model": model},
        "dirs": {"cache": dirs.cache, "tools": dirs.tools, "pythons": dirs.pythons},
        "checked": before.checked,
        "pythons": [python.to_json() for python in before.pythons],
        "findings": [finding.to_json() for finding in before.findings],
        "fixes": None if fixes is None else [fix.to_json() for fix in fixes],
        "remaining": [finding.to_json() for finding in after.findings],
        "healthy": not after.findings,
        "summary": _summary(before, fixes, after),
        "upgrades": None if upgrades is None else [item.to_json() for item in upgrades],
        "upgrade_summary": None if upgrades is None else summarize(upgrades),
    }


def _summary(before: Scan, fixes: list[Fix] | None,
             after: Scan) -> dict[str, dict[str, int | None]]:
    found = _per_kind(before.findings)
    left = _per_kind(after.findings)
    fixed = Counter(fix.finding.kind for fix in fixes or [] if fix.ok)
    return {kind: {"checked": count, "problems": found[kind],
                   "fixed": None if fixes is None else fixed[kind], "left": left[kind]}
            for kind, count in before.checked.items()}


def _per_kind(findings: list[Finding]) -> Counter[str]:
    return Counter(finding.kind for finding in findings)


def render_text(report: dict[str, object]) -> str:
    lines = [_heading(report)]
    lines += python_lines(_items(report["pythons"]))
    lines += [f"{item['kind']}: {item['path']}{_named(item)}\n  {item['problem']}: "
              f"{item['reason']}" for item in _items(report["findings"])]
    fixes = report["fixes"]
    if isinstance(fixes, list):
        lines += [f"{'fixed' if item['ok'] else 'NOT fixed'}: {item['path']}\n  {item['did']}"
                  for item in _items(fixes)]
    summary = report["summary"]
    assert isinstance(summary, dict)  # noqa: S101  -- built by build_report
    lines.append(table(summary_rows(*_columns(summary))).rstrip("\n"))
    if isinstance(report["upgrade_summary"], dict) and report["upgrades"]:
        lines.append(table(upgrade_rows(report["upgrade_summary"])).rstrip("\n"))
    lines.append("healthy" if report["healthy"] else
                 "problems left" + ("" if isinstance(fixes, list) else "; `uvshim doctor "
                                    "--fix` repairs them"))
    return "\n".join(lines) + "\n"


def _named(item: dict[str, object]) -> str:
    """A cache entry's tools, worded as the shim's lines word them."""
    tools = item.get("tools")
    if not isinstance(tools, list):
        return ""
    return f" ({environment_name([str(tool) for tool in tools])})"


def _heading(report: dict[str, object]) -> str:
    uv, dirs = report["uv"], report["dirs"]
    assert isinstance(uv, dict)  # noqa: S101
    assert isinstance(dirs, dict)  # noqa: S101
    model = f"\n{uv['model']}" if uv.get("model") else ""
    return (f"uv {uv['version']} ({uv['path']}); cache {dirs['cache']}; tools {dirs['tools']}; "
            f"pythons {dirs['pythons']}{model}")


def _columns(summary: dict[str, dict[str, int | None]]
             ) -> tuple[dict[str, int], dict[str, int], dict[str, int] | None, dict[str, int]]:
    def column(name: str) -> dict[str, int]:
        return {kind: row[name] or 0 for kind, row in summary.items()}
    any_fixes = any(row["fixed"] is not None for row in summary.values())
    return (column("checked"), column("problems"), column("fixed") if any_fixes else None,
            column("left"))


def _items(value: object) -> list[dict[str, object]]:
    assert isinstance(value, list)  # noqa: S101  -- built by build_report
    return [item for item in value if isinstance(item, dict)]
