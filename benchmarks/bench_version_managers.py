"""What the shim costs when a version manager's shims come first on PATH.

    .venv/bin/python benchmarks/bench_version_managers.py [--rounds 40] [--uv 0.13.9] [--json F]

The sandbox of ``bench_shim.py`` (a real Python 3.12, real uv, a tool wheel served offline),
with three PATHs in front of uv, all to one copy of the image's Python 3.12: the interpreter
itself; pyenv's shims (a pyenv root of its own whose version is that copy, chosen by a
``.python-version`` in the working folder); mise's shims (the npm registry's mise, the same
copy linked with ``mise link`` and chosen with ``mise use``). For each, interleaved: bare
``uvx --offline … shimcheck``, the same through the ``uvx`` launcher ``uvshim install``
writes (the memo of an earlier check replayed), the launcher with ``UVSHIM_FAST_PATH=0`` (the
full check) and a do-nothing Python launcher (``#!python -IS``, ``posix.execv`` of uv) for
the floor; then the same shim and floor once more in front of a stand-in ``uv`` (a ``/bin/sh``
script that answers ``--version`` as uv does and exits), which takes uv's own run, and the
version manager it starts, out of the comparison; then the processes and files a warm run of
the shim starts and opens before its exec of uv.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from benchmarks.bench_shim import (  # noqa: E402
    Bench,
    count_hot_path,
    interleave,
    machine,
    summary,
)

from _support.audit import settle  # noqa: E402
from _support.interpreters import installed_python  # noqa: E402
from _support.uv_binaries import NEWEST  # noqa: E402
from _support.version_managers import Mise, rehash_pyenv  # noqa: E402

CASES = ("bare", "shim", "shim_full", "nothing")
STAND_IN_UV = '#!/bin/sh\n[ "$1" = --version ] && echo "uv VERSION (0000000 2026-01-01)"\nexit 0\n'


class Setup:
    """One PATH in front of uv, sharing the bench's sandbox and cache."""

    def __init__(self, bench: Bench, name: str, python_dir: Path, **env: str) -> None:
        self.bench, self.name = bench, name
        self.env = {**bench.env, **env}
        parts = self.env["PATH"].split(":")
        parts[1] = str(python_dir)  # launchers, <the Python>, uv, /usr/bin, /bin
        self.env["PATH"] = ":".join(parts)
        self.nothing = bench.root / "nothing-uvx"

    def run(self, argv: list[str], **extra: str) -> float:
        saved = self.bench.env
        self.bench.env = {**self.env, **extra}
        try:
            return self.bench.run(argv)
        finally:
            self.bench.env = saved

    def cases(self) -> dict[str, Callable[[], float]]:
        bench = self.bench
        return {
            "bare": lambda: self.run(bench.argv(bench.real / "uvx")),
            "shim": lambda: self.run(bench.argv(bench.launchers / "uvx")),
            "shim_full": lambda: self.run(bench.argv(bench.launchers / "uvx"),
                                          UVSHIM_FAST_PATH="0"),
            "nothing": lambda: self.run(bench.argv(self.nothing)),
        }

    def until_exec(self) -> dict[str, Callable[[], float]]:
        """The shim and the floor in front of the stand-in uv, which exits at once."""
        bench = self.bench
        parts = self.env["PATH"].split(":")
        parts[2] = str(bench.root / "stand-in")
        env = {**self.env, "PATH": ":".join(parts)}
        nothing = bench.root / "nothing-stand-in-uvx"
        return {"shim": lambda: timed(bench.argv(bench.launchers / "uvx"), env, bench),
                "nothing": lambda: timed(bench.argv(nothing), env, bench)}

    def hot_path(self) -> dict[str, int]:
        saved = self.bench.env
        self.bench.env = self.env
        try:  # PWD as the launcher's sh exports it: the check reads it (pyenv's start folder)
            return count_hot_path(self.bench, PWD=str(self.bench.root / "work"))
        finally:
            self.bench.env = saved


def timed(argv: list[str], env: dict[str, str], bench: Bench) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=bench.root / "work", capture_output=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or done.stderr:
        raise SystemExit(f"benchmark run failed: {argv}\n{done.stderr.decode()}")
    return elapsed * 1000


def write_nothing_launcher(bench: Bench) -> None:
    """The floor: start Python as the launcher does, exec uv, nothing else; and the stand-in
    uv with its own floor."""
    stand_in = bench.root / "stand-in" / "uv"
    stand_in.parent.mkdir()
    stand_in.write_text(STAND_IN_UV.replace("VERSION", bench.real.name))
    stand_in.chmod(0o755)
    for name, uv in (("nothing-uvx", bench.real / "uv"), ("nothing-stand-in-uvx", stand_in)):
        launcher = bench.root / name
        launcher.write_text(f"#!{sys.executable} -IS\nimport posix, sys\n"
                            f"posix.execv({str(uv)!r}, [{str(uv)!r}, 'tool', 'uvx', "
                            "*sys.argv[1:]])\n")
        launcher.chmod(0o755)


def setups(bench: Bench) -> list[Setup]:
    """The three PATHs, all to one copy of the image's 3.12: a copy, not hard links, because
    a hard link made elsewhere changes the file's ctime, which voids the memo."""
    python = installed_python("3.12")
    assert python is not None
    prefix = bench.root / "python"
    subprocess.run(["cp", "-a", str(python), str(prefix)], check=True)
    work = bench.root / "work"
    pyenv = bench.root / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    (pyenv / "versions" / python.name).symlink_to(prefix)
    rehash_pyenv(pyenv)
    (work / ".python-version").write_text(f"{python.name}\n")
    mise = Mise(bench.root / "mise", work)
    mise.link(python.name, prefix, work)
    mise.run("use", f"python@{python.name}", cwd=work)
    return [Setup(bench, "interpreter", prefix / "bin"),
            Setup(bench, "pyenv", pyenv / "shims"),
            Setup(bench, "mise", mise.shims, **mise.env)]


def measure(bench: Bench, rounds: int) -> dict[str, object]:
    write_nothing_launcher(bench)
    report: dict[str, object] = {"rounds": rounds}
    for setup in setups(bench):
        cases = setup.cases()
        for _ in range(3):  # warm-up: the tool env, identities, uv's version, the OS
            for case in cases.values():
                case()
        settle(bench.root, bench.real)
        cases["shim"]()  # keeps the memo the timed runs replay
        samples = interleave(rounds, cases)
        hot_path = setup.hot_path()  # before the stand-in's runs replace the memo
        stand_in = setup.until_exec()
        stand_in["shim"]()  # the stand-in is a new uv: its version is asked once
        settle(bench.root, bench.real)
        stand_in["shim"]()  # keeps the memo for this PATH
        until_exec = interleave(rounds, stand_in)
        report[setup.name] = {"times": {k: summary(v) for k, v in samples.items()},
                              "until_exec": {k: summary(v) for k, v in until_exec.items()},
                              "hot_path": hot_path}
    return report


def print_report(report: dict[str, object]) -> None:
    print(f"uv {report['uv']}, {report['rounds']} interleaved rounds, medians in ms")
    print(f"{'PATH holds':<12} {'bare':>7} {'shim':>7} {'full':>7} {'nothing':>8} "
          f"{'shim-bare':>10} {'shim-nothing':>13} {'stand-in uv: shim-nothing':>26}  "
          "warm run before exec")
    for name in ("interpreter", "pyenv", "mise"):
        row = report[name]
        assert isinstance(row, dict)
        times = {case: row["times"][case]["median"] for case in CASES}
        alone = {case: row["until_exec"][case]["median"] for case in ("shim", "nothing")}
        print(f"{name:<12} {times['bare']:7.1f} {times['shim']:7.1f} {times['shim_full']:7.1f} "
              f"{times['nothing']:8.1f} {times['shim'] - times['bare']:10.1f} "
              f"{times['shim'] - times['nothing']:13.1f} "
              f"{alone['shim'] - alone['nothing']:26.1f}  {row['hot_path']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--uv", default=NEWEST, help="uv release to measure against")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    conditions = machine()
    with tempfile.TemporaryDirectory(prefix="uvshim-bench-vm-") as folder:
        report = measure(Bench(Path(folder), options.uv), options.rounds)
    report.update(uv=options.uv, **conditions)
    print_report(report)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
