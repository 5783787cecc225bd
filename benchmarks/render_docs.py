"""Render the figures of docs/performance.md from the benchmarks' JSON reports.

    .venv/bin/python benchmarks/render_docs.py [--check]

Each table in docs/performance.md sits between ``<!-- generated: NAME -->`` and
``<!-- end generated: NAME -->``; this script rewrites what is between them from
``benchmarks/results.json`` (written by ``bench_shim.py --json``) and, when they exist,
``benchmarks/results-version-managers.json`` (``bench_version_managers.py --json``) and
``benchmarks/results-release-check.json`` (``bench_release_check.py --json``). The prose
around the tables is left as it is and holds no figure of its own. ``--check`` changes nothing
and exits 1 when the doc differs from what the reports render (a unit test does the same).
Standard library only, so the test that runs it imports nothing else.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
RESULTS = REPO / "benchmarks" / "results.json"
VERSION_MANAGER_RESULTS = REPO / "benchmarks" / "results-version-managers.json"
RELEASE_CHECK_RESULTS = REPO / "benchmarks" / "results-release-check.json"
BLOCK_RE = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)"
                      r"(<!-- end generated: (?P=name) -->)", re.DOTALL)

Report = dict[str, Any]
DASH = "\N{EN DASH}"  # between quartiles, as in the prose

# (label, section, case, section and case of the bare run it is compared with, show a ratio)
OVERHEAD_ROWS = (
    ("bare `uvx`", "hot", "bare", None, False),
    ("through uvshim, warm: the memo of an earlier check replayed", "hot", "shim",
     ("hot", "bare"), True),
    ("through uvshim, warm, full check (`UVSHIM_FAST_PATH=0`)", "hot", "shim_full",
     ("hot", "bare"), True),
    ("first run after any change: full check, traced, memo written", "memo_miss", "new_memo",
     ("memo_miss", "bare"), False),
    ("first run after an interpreter swap (identity unknown: runs the interpreter once)",
     "cold", "cold_identity", ("cold", "bare"), False),
    ("first run on a new uv binary (runs `uv --version` once)", "cold", "cold_uv",
     ("cold", "bare"), False),
    ("bare `uv run --no-project --with shimcheck python -c …`", "uv_run", "with_bare", None,
     False),
    ("through uvshim's `uv`, `uv run --with`, memo replayed", "uv_run", "with_shim",
     ("uv_run", "with_bare"), True),
    ("through uvshim's `uv`, `uv run --with`, full check", "uv_run", "with_shim_full",
     ("uv_run", "with_bare"), True),
    ("bare `uv run --with …` from a workspace member's folder", "uv_run", "member_bare", None,
     False),
    ("through uvshim's `uv`, the same, memo replayed", "uv_run", "member_shim",
     ("uv_run", "member_bare"), True),
    ("through uvshim's `uv`, the same, full check", "uv_run", "member_shim_full",
     ("uv_run", "member_bare"), True),
    ("bare `uv run --with …` with a virtual environment's `bin` first on PATH", "uv_run",
     "venv_path_bare", None, False),
    ("through uvshim's `uv`, the same, memo replayed", "uv_run", "venv_path_shim",
     ("uv_run", "venv_path_bare"), True),
    ("through uvshim's `uv`, the same, full check", "uv_run", "venv_path_shim_full",
     ("uv_run", "venv_path_bare"), True),
    ("bare `uv run --no-project python -c pass`", "uv_run", "plain_bare", None, False),
    ("a launcher that only execs uv (`#!python -IS`), `uv run python -c pass`", "uv_run",
     "plain_noop_launcher", ("uv_run", "plain_bare"), False),
    ("through uvshim's `uv`, a pass-through `uv run`, memo replayed", "uv_run", "plain_shim",
     ("uv_run", "plain_bare"), True),
    ("through uvshim's `uv`, a pass-through `uv run`, full check", "uv_run", "plain_shim_full",
     ("uv_run", "plain_bare"), True),
)
# (label, section, case, the case of the same section it is compared with)
RELEASE_CHECK_ROWS = (
    ("bare `uvx`, uv {uv}", "warm", "bare", None),
    ("a launcher that only execs `uv tool uvx`", "warm", "noop_launcher", "bare"),
    ("through uvshim, uv {uv} (a modelled release), warm", "warm", "shim_modelled", "bare"),
    ("bare `uv tool uvx`, a stand-in that answers `uv 0.14.0`", "warm", "bare_newer", None),
    ("through uvshim, the stand-in after its check passed, warm", "warm", "shim_newer_checked",
     "bare_newer"),
    ("a full check on the stand-in, its check's result kept", "one_time", "full_check_newer",
     None),
    ("first run on the stand-in: its check, then the full check", "one_time",
     "first_run_newer", "full_check_newer"),
)
VERSION_MANAGER_ROWS = (("interpreter", "the interpreter itself"),
                        ("pyenv", "pyenv's shims (`.python-version`)"),
                        ("mise", "mise's shims (`mise use`)"))


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def conditions(report: Report) -> str:
    """The line that says what the figures below were measured on."""
    parts = [f"uv {report['uv']}"]
    if "python" in report:
        parts.append(f"Python {report['python']}")
    if "cpus" in report:
        parts.append(f"{report['cpus']} CPUs, load average {report['load']:.1f} at the start")
    parts.append(f"{report['rounds']} interleaved rounds")
    return "Measured with " + ", ".join(parts) + "."


def overhead_table(report: Report) -> str:
    lines = [conditions(report), "",
             f"| case | median | q1{DASH}q3 | over bare uv |", "| --- | ---: | ---: | ---: |"]
    for label, section, case, bare, ratio in OVERHEAD_ROWS:
        figures = report[section][case]
        over = ""
        if bare is not None:
            base = report[bare[0]][bare[1]]["median"]
            over = ms(figures["median"] - base)
            if ratio:
                over += f" (ratio {figures['median'] / base:.2f})"
        lines.append(f"| {label} | {ms(figures['median'])} | "
                     f"{figures['q1']:.1f}{DASH}{figures['q3']:.1f} ms | {over} |")
    return "\n".join(lines)


def warm_paths_table(report: Report) -> str:
    replay, full = report["hot_path"], report["full_check_path"]
    return "\n".join([
        "| warm path, up to the exec of uv | processes started | files opened | "
        "files opened, modules included | paths stamped |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| memo replayed | {replay['processes']} | {replay['files_read']} | "
        f"{replay['files_incl_modules']} | {replay['paths_stamped']} |",
        f"| full check | {full['processes']} | {full['files_read']} | "
        f"{full['files_incl_modules']} | |",
    ])


def scaling_table(report: Report) -> str:
    scaling = report["scaling"]
    counts = list(scaling)
    header = " | ".join(f"{int(count):,}" for count in counts)
    rows = [f"| other cached environments | {header} |",
            "| --- |" + " ---: |" * len(counts)]
    for case, label in (("shim", "overhead, memo replayed"), ("shim_full", "overhead, full check")):
        cells = " | ".join(ms(scaling[count][case]["median"] - scaling[count]["bare"]["median"])
                           for count in counts)
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


def version_managers_table(report: Report | None) -> str:
    if report is None:
        return ("No figures yet: `benchmarks/results-version-managers.json` is written by the "
                "command above.")
    lines = [conditions(report), "",
             "| PATH holds | bare `uvx` | through uvshim (memo replayed) | full check | "
             "do-nothing launcher | uvshim over bare | uvshim over do-nothing | "
             "uvshim over do-nothing, stand-in uv | processes before exec (warm) |",
             "| --- |" + " ---: |" * 8]
    for name, label in VERSION_MANAGER_ROWS:
        times = {case: figures["median"] for case, figures in report[name]["times"].items()}
        alone = {case: figures["median"] for case, figures in report[name]["until_exec"].items()}
        lines.append(
            f"| {label} | {ms(times['bare'])} | {ms(times['shim'])} | {ms(times['shim_full'])} | "
            f"{ms(times['nothing'])} | {ms(times['shim'] - times['bare'])} | "
            f"{ms(times['shim'] - times['nothing'])} | "
            f"{ms(alone['shim'] - alone['nothing'])} ({alone['shim']:.1f} against "
            f"{alone['nothing']:.1f}) | {report[name]['hot_path']['processes']} |")
    return "\n".join(lines)


def release_check_table(report: Report | None) -> str:
    if report is None:
        return ("No figures yet: `benchmarks/results-release-check.json` is written by the "
                "command above.")
    lines = [conditions(report), "",
             f"| case | median | q1{DASH}q3 | over |", "| --- | ---: | ---: | ---: |"]
    for label, section, case, base in RELEASE_CHECK_ROWS:
        figures = report[section][case]
        over = "" if base is None else ms(figures["median"] - report[section][base]["median"])
        lines.append(f"| {label.format(uv=report['uv'])} | {ms(figures['median'])} | "
                     f"{figures['q1']:.1f}{DASH}{figures['q3']:.1f} ms | {over} |")
    alone = report["check_in_process"]
    lines.append(f"| the check alone, in process, uv {report['uv']} | {ms(alone['median'])} | "
                 f"{alone['q1']:.1f}{DASH}{alone['q3']:.1f} ms | |")
    hot = report["hot_path"]
    lines += ["", "| warm shim, up to the exec of uv | processes started | files opened | "
              "files opened, modules included |", "| --- | ---: | ---: | ---: |"]
    for name, label in (("modelled", f"uv {report['uv']}"),
                        ("newer_checked", "the stand-in, checked")):
        lines.append(f"| {label} | {hot[name]['processes']} | {hot[name]['files_read']} | "
                     f"{hot[name]['files_incl_modules']} |")
    return "\n".join(lines)


def tables(results: Report, version_managers: Report | None,
           release_check: Report | None = None) -> dict[str, str]:
    return {"overhead": overhead_table(results), "warm-paths": warm_paths_table(results),
            "scaling": scaling_table(results),
            "version-managers": version_managers_table(version_managers),
            "release-check": release_check_table(release_check)}


def render(doc: str, rendered: dict[str, str]) -> str:
    """The doc with every generated block replaced; a block with no table is an error."""
    def replace(match: re.Match[str]) -> str:
        return f"{match.group(1)}\n{rendered[match.group('name')]}\n\n{match.group(4)}"

    names = [match.group("name") for match in BLOCK_RE.finditer(doc)]
    if sorted(names) != sorted(rendered):
        raise ValueError(f"generated blocks {names}, tables {sorted(rendered)}")
    return BLOCK_RE.sub(replace, doc)


def load(path: Path) -> Report | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def rendered_doc() -> str:
    """docs/performance.md as the current reports render it."""
    results = load(RESULTS)
    assert results is not None, f"{RESULTS} is missing: run bench_shim.py --json"
    return render(DOC.read_text(encoding="utf-8"),
                  tables(results, load(VERSION_MANAGER_RESULTS), load(RELEASE_CHECK_RESULTS)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the doc is not what the reports render")
    options = parser.parse_args()
    text = rendered_doc()
    if options.check:
        same = text == DOC.read_text(encoding="utf-8")
        print(f"{DOC.name} {'matches' if same else 'differs from'} the benchmark reports")
        return 0 if same else 1
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
