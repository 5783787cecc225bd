"""What the one-time check of an unmodelled uv release costs, and that the warm path does not
change after it passed.

    .venv/bin/python benchmarks/bench_release_check.py [--rounds 20] [--json FILE]

(``--json benchmarks/results-release-check.json`` for docs/performance.md, rendered by
``benchmarks/render_docs.py``.)

Uses ``bench_shim``'s sandbox (a real interpreter, the newest uv, a tool wheel served offline)
and a stand-in for a newer release: a script that answers ``uv 0.14.0`` to ``--version`` and
otherwise execs the real uv. Timed, interleaved:

- warm: bare ``uvx``, a launcher that does nothing but exec ``uv tool uvx``, the shim replaying
  its memo with the real release (modelled), bare ``uv tool uvx`` through the stand-in, and
  the shim replaying its memo with the stand-in after its check passed;
- the warm shim's processes and files up to its exec of uv, modelled and newer (``bench_shim``);
- one-time: the first run with the stand-in (its check, then the full check) against a run
  whose check result is kept and whose memo is gone (the full check alone); the difference is
  the check. Also the check itself in process (``check_release``) on the real release.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from benchmarks.bench_shim import Bench, count_hot_path, interleave, machine, summary  # noqa: E402

from _support.audit import settle  # noqa: E402
from _support.uv_binaries import NEWEST  # noqa: E402
from uvshim import memo  # noqa: E402
from uvshim.contract import verdict  # noqa: E402
from uvshim.contract.facts import check_release  # noqa: E402
from uvshim.discovery.identity_cache import identify  # noqa: E402

STANDIN = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "uv 0.14.0"; exit 0; fi
exec {uv!r} "$@"
"""
NOOP_UVX = """#!{python} -IS
import posix, sys
posix.execv({uv!r}, [{uv!r}, "tool", "uvx", *sys.argv[1:]])
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


class Cases:
    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        real_uv = str(bench.real / "uv")
        self.standin = write(bench.root / "standin" / "uv", STANDIN.format(uv=real_uv))
        self.noop = write(bench.root / "noop" / "uvx",
                          NOOP_UVX.format(python=sys.executable, uv=real_uv))
        self.state = Path(bench.env["UVSHIM_CACHE_DIR"])
        self.newer_path = os.pathsep.join([str(bench.launchers), str(bench.bindir),
                                           str(self.standin.parent), "/usr/bin", "/bin"])
        # A memo is one per command and working folder: the stand-in's runs are made in a
        # folder of their own, or they and the modelled ones would void each other's memo.
        self.newer_work = bench.root / "newer-work"
        self.newer_work.mkdir()

    def warm(self) -> dict[str, Callable[[], float]]:
        bench, uvx = self.bench, self.bench.launchers / "uvx"
        return {
            "bare": bench.bare,
            "noop_launcher": lambda: bench.run(bench.argv(self.noop)),
            "shim_modelled": bench.shim,
            "bare_newer": lambda: bench.run([str(self.standin), "tool", "uvx",
                                             *bench.argv(uvx)[1:]], cwd=self.newer_work),
            "shim_newer_checked": lambda: bench.run(bench.argv(uvx), cwd=self.newer_work,
                                                    PATH=self.newer_path),
        }

    def first_run(self) -> float:
        """The first run with the stand-in: no kept result, no memo."""
        shutil.rmtree(self.state / verdict.STATE_FOLDER, ignore_errors=True)
        return self.full_check()

    def full_check(self) -> float:
        shutil.rmtree(self.state / memo.MEMO_FOLDER, ignore_errors=True)
        return self.bench.run(self.bench.argv(self.bench.launchers / "uvx"), cwd=self.newer_work,
                              PATH=self.newer_path)


def in_process(bench: Bench, rounds: int) -> list[float]:
    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    with tempfile.TemporaryDirectory() as state:
        return [check_release(str(bench.real / "uv"), python,
                              lambda path: identify(path, state)).seconds * 1000
                for _ in range(rounds)]


def measure(bench: Bench, rounds: int) -> dict[str, object]:
    cases = Cases(bench)
    for case in cases.warm().values():  # warms uv's environment, the identities, the check
        case()
    settle(bench.root, bench.real)
    for case in cases.warm().values():  # keeps the memos
        case()
    warm = interleave(rounds, cases.warm())
    settle(bench.root, bench.real)
    for case in cases.warm().values():  # memos kept again, then counted
        case()
    hot_path = {"modelled": count_hot_path(bench),
                "newer_checked": count_hot_path(bench, cases.newer_work, PATH=cases.newer_path)}
    once = interleave(max(3, rounds // 4), {"first_run_newer": cases.first_run,
                                            "full_check_newer": cases.full_check})
    return {
        "rounds": rounds,
        "warm": {name: summary(values) for name, values in warm.items()},
        "hot_path": hot_path,
        "one_time": {name: summary(values) for name, values in once.items()},
        "check_in_process": summary(in_process(bench, max(3, rounds // 4))),
    }


def print_report(report: dict[str, object]) -> None:
    print("| case | median ms | q1 | q3 |\n| --- | ---: | ---: | ---: |")
    for group in ("warm", "one_time"):
        rows = report[group]
        assert isinstance(rows, dict)
        for name, row in rows.items():
            print(f"| {name} | {row['median']:.1f} | {row['q1']:.1f} | {row['q3']:.1f} |")
    row = report["check_in_process"]
    assert isinstance(row, dict)
    print(f"| check_in_process | {row['median']:.1f} | {row['q1']:.1f} | {row['q3']:.1f} |")
    print(f"warm shim, up to its exec of uv: {report['hot_path']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    conditions = machine()
    with tempfile.TemporaryDirectory(prefix="uvshim-bench-") as folder:
        report = measure(Bench(Path(folder), NEWEST), options.rounds)
    report.update(uv=NEWEST, **conditions)
    print_report(report)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
