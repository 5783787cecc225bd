"""``uvshim doctor [--json] [--fix] [--cache-dir D]``: every stale environment uv could use.

Scans uv's whole cache, the installed tools and the managed Pythons (``doctor_scan``); with
``--fix`` repairs each finding (``doctor_fix``) and scans again. Exit status: 0 healthy (after
fixing, when fixing), 1 something stale or broken is left, 2 usage, 3 unexpected.
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
from uvshim.commands.doctor.report import Progress, summary_rows, table
from uvshim.commands.doctor.scan import Scan, UvDirs, scan, uv_dirs
from uvshim.commands.error_handler import handled
from uvshim.state import state_dir
from uvshim.uv.binary import find_real_uv, uv_version

SCHEMA = 1


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = commands.add_parser(
        "doctor", help="find (and with --fix repair) every stale uv environment and tool",
        description="Scan uv's cache, installed tools and managed Pythons for environments "
                    "whose interpreter is gone, changed, or is another build. Exit status 0 "
                    "healthy, 1 problems left.")
    doctor.add_argument("--json", action="store_true", help="print one JSON document")
    doctor.add_argument("--fix", action="store_true",
                        help="repair what is found, with uv's own commands where possible")
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
    version = str(uv_version(uv, state))
    dirs = uv_dirs(uv, options.cache_dir, environ)
    show_progress = not options.json and err.isatty()
    before = scan(dirs, state, Progress(err, 0, enabled=show_progress))
    fixes: list[Fix] | None = None
    after = before
    if options.fix:
        extra = ["--cache-dir", dirs.cache] if options.cache_dir else []
        fixes = fix_all(before.findings, uv, environ, extra) if before.findings else []
        after = scan(dirs, state, Progress(err, 0, enabled=show_progress)) \
            if before.findings else before
    report = build_report(uv, version, dirs, before, fixes=fixes, after=after)
    out.write(json.dumps(report, indent=2) + "\n" if options.json else render_text(report))
    return 0 if not after.findings else 1


def build_report(uv: str, version: str, dirs: UvDirs, before: Scan, *,
                 fixes: list[Fix] | None, after: Scan) -> dict[str, object]:
    """The ``--json`` document (schema in the README, "Explain and doctor")."""
    return {
        "schema": SCHEMA,
        "uv": {"path": uv, "version": version},
        "dirs": {"cache": dirs.cache, "tools": dirs.tools, "pythons": dirs.pythons},
        "checked": before.checked,
        "pythons": before.pythons,
        "findings": [finding.to_json() for finding in before.findings],
        "fixes": None if fixes is None else [fix.to_json() for fix in fixes],
        "remaining": [finding.to_json() for finding in after.findings],
        "healthy": not after.findings,
        "summary": _summary(before, fixes, after),
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
    lines += [f"{item['kind']}: {item['path']}\n  {item['problem']}: {item['reason']}"
              for item in _items(report["findings"])]
    fixes = report["fixes"]
    if isinstance(fixes, list):
        lines += [f"{'fixed' if item['ok'] else 'NOT fixed'}: {item['path']}\n  {item['did']}"
                  for item in _items(fixes)]
    summary = report["summary"]
    assert isinstance(summary, dict)  # noqa: S101  -- built by build_report
    lines.append(table(summary_rows(*_columns(summary))).rstrip("\n"))
    lines.append("healthy" if report["healthy"] else
                 "problems left" + ("" if isinstance(fixes, list) else "; `uvshim doctor "
                                    "--fix` repairs them"))
    return "\n".join(lines) + "\n"


def _heading(report: dict[str, object]) -> str:
    uv, dirs = report["uv"], report["dirs"]
    assert isinstance(uv, dict)  # noqa: S101
    assert isinstance(dirs, dict)  # noqa: S101
    return (f"uv {uv['version']} ({uv['path']}); cache {dirs['cache']}; tools {dirs['tools']}; "
            f"pythons {dirs['pythons']}")


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
