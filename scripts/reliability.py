"""Rerun uvshim's reliability tests and print their figures as Markdown tables.

    .venv/bin/python scripts/reliability.py [--rounds N]

Runs, with real uv releases and real interpreters, the concurrency stress test (SHIMS shims
at once on one cache after every interpreter swap; ``--rounds`` for the newest uv, default 20),
the fault tests (integration and unit) and the fuzz tests, then prints what happened: for
each uv and round, runs that worked, links dropped, environments built; and every fault and
fuzz test with its outcome. The tables in docs/reliability.md are this script's output.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUITES = {
    "concurrency": "tests/integration/test_concurrency.py",
    "faults (real uv)": "tests/integration/test_faults.py",
    "faults (unit)": "tests/unit/test_faults_repair.py",
    "fuzz": "tests/property/test_fuzz_checked_args.py",
}


def run_suites(rounds: int, folder: Path) -> tuple[Path, Path, float]:
    log, junit = folder / "rounds.jsonl", folder / "junit.xml"
    env = {**os.environ, "UVSHIM_STRESS_ROUNDS": str(rounds),
           "UVSHIM_RELIABILITY_LOG": str(log)}
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--junitxml={junit}", *SUITES.values()], cwd=REPO, env=env, check=False)
    return log, junit, time.monotonic() - start


def concurrency_table(log: Path) -> list[str]:
    per_uv: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in log.read_text().splitlines() if log.exists() else []:
        figures = json.loads(line)
        counts = per_uv[figures["uv"]]
        counts["rounds"] += 1
        counts["runs"] += figures["shims"]
        counts["once"] += figures["built"] == 1 and figures["dropped"] == 1
        for name in ("ok", "dropped", "installed", "built"):
            counts[name] += figures[name]
    rows = ["| uv | rounds | shims per round | runs | runs on the new interpreter | links "
            "dropped | environments built | rounds with exactly one rebuild |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for uv in sorted(per_uv, key=lambda v: tuple(int(p) for p in v.split("."))):
        c = per_uv[uv]
        shims = c["runs"] // max(c["rounds"], 1)
        rows.append(f"| {uv} | {c['rounds']} | {shims} | {c['runs']} | {c['ok']} | "
                    f"{c['dropped']} | {c['built']} | {c['once']} of {c['rounds']} |")
    return rows


def outcome_table(junit: Path) -> list[str]:
    rows = ["| suite | test | outcome |", "| --- | --- | --- |"]
    if not junit.exists():
        return [*rows, "| - | no results | error |"]
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314  -- our own pytest's output
        path = case.get("classname", "").replace(".", "/") + ".py"
        suite = next((name for name, file in SUITES.items() if file == path), path)
        if suite == "concurrency":
            continue
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            if case.find(tag) is not None:
                outcome = "failed" if tag == "failure" else tag
        rows.append(f"| {suite} | `{case.get('name')}` | {outcome} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20,
                        help="stress rounds for the newest uv (default 20)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        log, junit, seconds = run_suites(options.rounds, Path(folder))
        tables = [*concurrency_table(log), "", *outcome_table(junit)]
    failed = sum("| failed |" in row or "| error |" in row for row in tables)
    print("\n".join(tables))
    print(f"\n{failed} failed; {seconds:.0f} s on {os.cpu_count()} CPUs "
          f"({sys.platform}, Python {sys.version.split()[0]}).")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
