"""What the shim costs in front of uvx: one run, interleaved with bare uv, many rounds.

    .venv/bin/python benchmarks/bench_shim.py [--rounds 40] [--uv 0.13.9] [--json FILE]

It builds a sandbox (a real interpreter, the newest uv from the package index, a tool wheel
served offline), warms the tool's cached environment, then times alternately
``uvx --offline … shimcheck``, the same through the ``uvx`` launcher that ``uvshim install``
writes (the hot path: the memo of an earlier check is replayed), and the same with
``UVSHIM_FAST_PATH=0`` (the full check, every time). It repeats the shim's cases with 0, 100,
1,000 and 10,000 other cached environments in uv's cache, measures the cold paths (identity
unknown after an interpreter swap; a uv binary not seen before; a full check that keeps a new
memo), and counts, for both warm paths, the processes the shim starts besides the final exec
and the files it opens (with an audit hook). Timings belong here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from _support.audit import settle  # noqa: E402
from _support.interpreters import make_prefix  # noqa: E402
from _support.tool_wheel import build_tool_wheel  # noqa: E402
from _support.uv_binaries import NEWEST, uv_release  # noqa: E402
from uvshim import memo, state  # noqa: E402
from uvshim.discovery import identity_cache  # noqa: E402
from uvshim.uv import binary  # noqa: E402

ENV_COUNTS = (0, 100, 1_000, 10_000)


class Bench:
    def __init__(self, root: Path, uv_version: str) -> None:
        self.root = root
        self.real = uv_release(uv_version)
        self.bindir = make_prefix(root / "prefix", "3.12", "symlinked")
        self.wheels = root / "wheels"
        build_tool_wheel(self.wheels)
        self.launchers = root / "launchers"
        subprocess.run([sys.executable, "-m", "uvshim", "install", "--dir", str(self.launchers)],
                       check=True, capture_output=True)
        (root / "work").mkdir()
        self.env = {
            "UV_CACHE_DIR": str(root / "cache"), "UV_TOOL_DIR": str(root / "tools"),
            "UV_PYTHON_INSTALL_DIR": str(root / "pythons"), "UV_PYTHON_DOWNLOADS": "never",
            "HOME": str(root / "home"), "XDG_CONFIG_HOME": str(root / "config"),
            "UVSHIM_CACHE_DIR": str(root / "state"),
            "PATH": os.pathsep.join([str(self.launchers), str(self.bindir), str(self.real),
                                     "/usr/bin", "/bin"]),
        }

    def argv(self, uvx: Path) -> list[str]:
        return [str(uvx), "--offline", "--find-links", str(self.wheels), "shimcheck"]

    def run(self, argv: list[str], expect: bytes = b"shimcheck 3.12", cwd: Path | None = None,
            **extra_env: str) -> float:
        start = time.perf_counter()
        done = subprocess.run(argv, env={**self.env, **extra_env}, cwd=cwd or self.root / "work",
                              capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0 or not done.stdout.startswith(expect):
            raise SystemExit(f"benchmark run failed: {argv}\n{done.stderr.decode()}")
        return elapsed * 1000

    def bare(self) -> float:
        return self.run(self.argv(self.real / "uvx"))

    def shim(self) -> float:
        return self.run(self.argv(self.launchers / "uvx"))

    def shim_full(self) -> float:
        return self.run(self.argv(self.launchers / "uvx"), UVSHIM_FAST_PATH="0")

    def settle(self) -> None:
        """Let the files the check reads age past the racy window, then keep a memo."""
        settle(self.root, self.real)
        self.shim()


# `uv run`: with a cached environment (`--with`), and a command that reuses none.
UV_RUN_WITH = ["run", "--no-project", "--offline", "--find-links", "{wheels}", "--with",
               "shimcheck", "python", "-c", "import shimcheck; shimcheck.main()"]
UV_RUN_PLAIN = ["run", "--no-project", "python", "-c", "pass"]
NOOP_LAUNCHER = """#!{python} -IS
import posix, sys
posix.execv({uv!r}, [{uv!r}, *sys.argv[1:]])
"""


WORKSPACE_ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
MEMBER = '[project]\nname = "{name}"\nversion = "0"\nrequires-python = ">=3.10"\n'


def layouts(bench: Bench) -> tuple[Path, str, Path]:
    """A workspace with members ``packages/a`` and ``b`` (returns a's folder), a virtual
    environment made from the interpreter (returns PATH with its ``bin`` after the launchers,
    as an image's ``ENV PATH=/opt/venv/bin:$PATH``), and the folder its runs are made in.

    A memo is one per command and working folder (``memo.Invocation.key``): the runs with the
    venv on PATH are made in a folder of their own, or they and the plain ``uv run --with``
    runs, interleaved, would void each other's memo on every round."""
    workspace = bench.root / "ws"
    for name in ("a", "b"):
        (workspace / "packages" / name).mkdir(parents=True)
        (workspace / "packages" / name / "pyproject.toml").write_text(MEMBER.format(name=name))
    (workspace / "pyproject.toml").write_text(WORKSPACE_ROOT)
    venv = bench.root / "opt-venv"
    subprocess.run([str(bench.bindir / "python3"), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    path = bench.env["PATH"].split(os.pathsep)
    (bench.root / "venv-work").mkdir()
    return (workspace / "packages" / "a",
            os.pathsep.join([path[0], str(venv / "bin"), *path[1:]]), bench.root / "venv-work")


def uv_run_cases(bench: Bench) -> dict[str, Callable[[], float]]:
    """`uv run --with` bare, replayed and in full: outside a project, from a workspace member's
    folder, and with a virtual environment's ``bin`` on PATH; `uv run python -c pass` bare,
    through the launcher (replayed, and in full: a parse that stops at `run`) and through a
    launcher that does nothing but exec uv (the floor of any Python launcher)."""
    noop = bench.root / "noop-uv"
    noop.write_text(NOOP_LAUNCHER.format(python=sys.executable, uv=str(bench.real / "uv")))
    noop.chmod(0o755)
    with_args = [arg.replace("{wheels}", str(bench.wheels)) for arg in UV_RUN_WITH]

    def case(first: Path, args: list[str], expect: bytes, cwd: Path | None = None,
             **env: str) -> Callable[[], float]:
        return lambda: bench.run([str(first), *args], expect, cwd, **env)

    real, shim = bench.real / "uv", bench.launchers / "uv"
    member, venv_path, venv_work = layouts(bench)
    in_project = [arg for arg in with_args if arg != "--no-project"]
    return {
        "member_bare": case(real, in_project, b"shimcheck 3.12", member),
        "member_shim": case(shim, in_project, b"shimcheck 3.12", member),
        "member_shim_full": case(shim, in_project, b"shimcheck 3.12", member,
                                 UVSHIM_FAST_PATH="0"),
        "venv_path_bare": case(real, with_args, b"shimcheck 3.12", venv_work, PATH=venv_path),
        "venv_path_shim": case(shim, with_args, b"shimcheck 3.12", venv_work, PATH=venv_path),
        "venv_path_shim_full": case(shim, with_args, b"shimcheck 3.12", venv_work,
                                    PATH=venv_path, UVSHIM_FAST_PATH="0"),
        "with_bare": case(real, with_args, b"shimcheck 3.12"),
        "with_shim": case(shim, with_args, b"shimcheck 3.12"),
        "with_shim_full": case(shim, with_args, b"shimcheck 3.12", UVSHIM_FAST_PATH="0"),
        "plain_bare": case(real, UV_RUN_PLAIN, b""),
        "plain_noop_launcher": case(noop, UV_RUN_PLAIN, b""),
        "plain_shim": case(shim, UV_RUN_PLAIN, b""),
        "plain_shim_full": case(shim, UV_RUN_PLAIN, b"", UVSHIM_FAST_PATH="0"),
    }


def measure_uv_run(bench: Bench, rounds: int) -> dict[str, dict[str, float]]:
    cases = uv_run_cases(bench)
    for _ in range(3):
        for run_case in cases.values():
            run_case()
    settle(bench.root, bench.real)
    for name in ("with_shim", "plain_shim", "member_shim", "venv_path_shim"):
        cases[name]()  # keep the memos
    return {name: summary(values) for name, values in interleave(rounds, cases).items()}


def interleave(rounds: int, cases: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name].append(case())
    return samples


def summary(values: list[float]) -> dict[str, float]:
    quartiles = statistics.quantiles(values, n=4)
    return {"median": statistics.median(values), "q1": quartiles[0], "q3": quartiles[2]}


def add_other_envs(cache: Path, count: int) -> None:
    """``count`` more environment entries in other interpreters' buckets, as a busy cache has."""
    bucket_root = cache / "environments-v2"
    archive = cache / "archive-v0"
    existing = len(list(archive.glob("bench-*")))
    for index in range(existing, count):
        target = archive / f"bench-{index}"
        target.mkdir(parents=True)
        (target / "pyvenv.cfg").write_text("home = /x\nimplementation = CPython\n"
                                           "version_info = 3.11.7\n")
        bucket = bucket_root / f"{index % 997:016x}"
        bucket.mkdir(parents=True, exist_ok=True)
        (bucket / f"{index:016x}").symlink_to(target)


def cold_identity(bench: Bench) -> float:
    state = Path(bench.env["UVSHIM_CACHE_DIR"])
    shutil.rmtree(state / identity_cache.STATE_FOLDER, ignore_errors=True)
    return bench.shim()


def cold_uv(bench: Bench) -> float:
    shutil.rmtree(Path(bench.env["UVSHIM_CACHE_DIR"]) / binary.STATE_FOLDER, ignore_errors=True)
    return bench.shim()


def new_memo(bench: Bench) -> float:
    """The first run after any change: the full check, traced, and a memo written."""
    shutil.rmtree(Path(bench.env["UVSHIM_CACHE_DIR"]) / memo.MEMO_FOLDER,
                  ignore_errors=True)
    return bench.shim()


AUDIT = r"""
import sys
opened, spawned = [], []
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])
    elif event in ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.system"):
        spawned.append(event)
    elif event == "os.exec":
        print(len(spawned), len([p for p in opened if not p.endswith((".pyc", ".py"))]),
              len(opened), file=sys.stderr)
        sys.stderr.flush()
        import os; os._exit(0)
sys.addaudithook(hook)
sys.path[:0] = PATHS
from uvshim.entry import main
main("uvx", sys.argv[1:])
"""


def count_hot_path(bench: Bench, cwd: Path | None = None, **extra_env: str) -> dict[str, int]:
    """Processes started and files opened by a warm shim run, up to its exec of uv."""
    from uvshim.commands.launcher_template import runtime_paths  # noqa: PLC0415

    code = AUDIT.replace("PATHS", json.dumps(runtime_paths()))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, *bench.argv(Path("x"))[1:]],
                          env={**bench.env, **extra_env}, cwd=cwd or bench.root / "work",
                          capture_output=True, text=True, check=True)
    spawned, data_files, all_files = (int(x) for x in done.stderr.split()[-3:])
    return {"processes": spawned, "files_read": data_files, "files_incl_modules": all_files}


def memo_stamps(bench: Bench) -> int:
    """How many paths a replay stats: the stamps in the benchmark's one memo."""
    folder = Path(bench.env["UVSHIM_CACHE_DIR"]) / memo.MEMO_FOLDER
    (memo_file,) = folder.iterdir()
    fields = state.decode_fields(memo.MEMO_KIND, memo_file.read_bytes())
    assert fields is not None
    key_length = len(memo.Invocation("uvx", bench.argv(Path("x"))[1:], bench.env).key())
    env_count = int(str(fields[key_length]))
    return int(str(fields[key_length + 1 + 2 * env_count]))


def machine() -> dict[str, object]:
    """What the figures were measured on, for docs/performance.md (benchmarks/render_docs.py):
    the Python uvshim runs in, the CPUs, and the load average when the run starts."""
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "load": round(os.getloadavg()[0], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--uv", default=NEWEST, help="uv release to measure against")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--svg", type=Path,
                        help="also plot overhead against cached environments to this file")
    options = parser.parse_args()
    conditions = machine()
    with tempfile.TemporaryDirectory(prefix="uvshim-bench-") as folder:
        report = measure(Bench(Path(folder), options.uv), options.rounds)
    report.update(uv=options.uv, **conditions)
    print_report(report)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")
    if options.svg:
        options.svg.write_text(overhead_svg(report))
    return 0


SERIES = (("shim", "#1f6feb", "memo replayed"), ("shim_full", "#d1242f", "full check"))


def overhead_svg(report: dict[str, object]) -> str:
    """A small line chart, drawn by hand so the benchmark needs no plotting library."""
    scaling = report["scaling"]
    assert isinstance(scaling, dict)
    counts = [int(count) for count in scaling]
    series = {name: [float(cases[name]["median"] - cases["bare"]["median"])
                     for cases in scaling.values()] for name, _, _ in SERIES}
    width, height, left, bottom = 440, 230, 50, 40
    top = max(12.0, max(max(values) for values in series.values()) * 1.2)
    def x_of(index: int) -> float:
        return left + 10 + index * (width - left - 60) / (len(counts) - 1)
    def y_of(value: float) -> float:
        return height - bottom - max(value, 0) * (height - bottom - 30) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{width - 10}" y2="{y_of(0):.1f}" '
             f'stroke="#888"/><line x1="{left}" y1="20" x2="{left}" y2="{y_of(0):.1f}" '
             f'stroke="#888"/>']
    for row, (name, colour, label) in enumerate(SERIES):
        values = series[name]
        line = " ".join(f"{x_of(i):.1f},{y_of(y):.1f}" for i, y in enumerate(values))
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                     f'stroke-width="2"/>')
        parts += [f'<text x="{x_of(i):.1f}" y="{y_of(y) - 6:.1f}" text-anchor="middle" '
                  f'fill="{colour}">{y:.1f}</text>' for i, y in enumerate(values)]
        parts.append(f'<text x="{left + 12}" y="{14 + 13 * row}" fill="{colour}">{label}</text>')
    parts += [f'<text x="{x_of(i):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
              f'{count:,}</text>' for i, count in enumerate(counts)]
    parts.append(f'<text x="{left + (width - left) / 2}" y="{height - 6}" text-anchor="middle">'
                 f'cached environments in uv\'s cache</text>'
                 f'<text x="12" y="{(height - bottom) / 2}" transform="rotate(-90 12 '
                 f'{(height - bottom) / 2})" text-anchor="middle">overhead, ms (median)</text>'
                 '</svg>\n')
    return "".join(parts)


def measure(bench: Bench, rounds: int) -> dict[str, object]:
    for _ in range(5):  # warm-up: the tool env, the identity and uv-version caches, the OS
        bench.bare()
        bench.shim()
    bench.settle()
    cases = {"bare": bench.bare, "shim": bench.shim, "shim_full": bench.shim_full}
    hot = interleave(rounds, cases)
    scaling = {}
    for count in ENV_COUNTS:
        add_other_envs(Path(bench.env["UV_CACHE_DIR"]), count)
        bench.settle()
        samples = interleave(max(rounds // 2, 10), cases)
        scaling[count] = {name: summary(values) for name, values in samples.items()}
    cold = interleave(max(rounds // 4, 5), {"bare": bench.bare,
                                            "cold_identity": lambda: cold_identity(bench),
                                            "cold_uv": lambda: cold_uv(bench)})
    bench.settle()  # what the cold runs wrote must age, or no memo is written
    misses = interleave(max(rounds // 4, 5), {"bare": bench.bare,
                                            "new_memo": lambda: new_memo(bench)})
    return {"rounds": rounds, "hot": {k: summary(v) for k, v in hot.items()},
            "scaling": scaling, "cold": {k: summary(v) for k, v in cold.items()},
            "memo_miss": {k: summary(v) for k, v in misses.items()},
            "hot_path": {**count_hot_path(bench), "paths_stamped": memo_stamps(bench)},
            "full_check_path": count_hot_path(bench, UVSHIM_FAST_PATH="0"),
            "uv_run": measure_uv_run(bench, rounds)}


def print_report(report: dict[str, object]) -> None:
    hot = report["hot"]
    assert isinstance(hot, dict)
    bare = hot["bare"]["median"]
    print(f"uv {report['uv']}, {report['rounds']} interleaved rounds (ms, median [q1-q3])")
    for name in ("bare", "shim", "shim_full"):
        s = hot[name]
        print(f"  {name:<14} {s['median']:7.1f}  [{s['q1']:.1f}-{s['q3']:.1f}]")
    for name in ("shim", "shim_full"):
        shim = hot[name]["median"]
        print(f"  overhead {name:<9} {shim - bare:5.1f} ms  ratio {shim / bare:.3f}")
    print("other cached environments -> overhead (median - median bare): shim, shim_full")
    scaling = report["scaling"]
    assert isinstance(scaling, dict)
    for count, cases in scaling.items():
        base = cases["bare"]["median"]
        print(f"  {count:>6}        {cases['shim']['median'] - base:7.1f} ms"
              f"  {cases['shim_full']['median'] - base:7.1f} ms")
    cold = report["cold"]
    assert isinstance(cold, dict)
    for name in ("cold_identity", "cold_uv"):
        print(f"  {name:<14} {cold[name]['median'] - cold['bare']['median']:7.1f} ms over bare")
    miss = report["memo_miss"]
    assert isinstance(miss, dict)
    extra = miss["new_memo"]["median"] - miss["bare"]["median"]
    print(f"  new_memo       {extra:7.1f} ms over bare")
    uv_run = report["uv_run"]
    assert isinstance(uv_run, dict)
    for name, bare_name in (("with_shim", "with_bare"), ("with_shim_full", "with_bare"),
                            ("member_shim", "member_bare"), ("member_shim_full", "member_bare"),
                            ("venv_path_shim", "venv_path_bare"),
                            ("venv_path_shim_full", "venv_path_bare"),
                            ("plain_noop_launcher", "plain_bare"), ("plain_shim", "plain_bare"),
                            ("plain_shim_full", "plain_bare")):
        s, base = uv_run[name], uv_run[bare_name]["median"]
        print(f"  uv run {name:<20} {s['median']:7.1f} [{s['q1']:.1f}-{s['q3']:.1f}]"
              f"  {s['median'] - base:5.1f} ms over {bare_name} ({base:.1f})")
    print(f"hot path (memo replayed): {report['hot_path']}")
    print(f"full check: {report['full_check_path']}")


if __name__ == "__main__":
    raise SystemExit(main())
