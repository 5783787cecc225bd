"""Many shims at once on one shared cache, right after an interpreter swap, with real uv.

Each round swaps the interpreter at one path (3.11 <-> 3.12, the unversioned layout, where
every uv release reuses the stale environment), then starts SHIMS launchers at once (they
all wait on one gate file) on the same cache. The last round starts with a memo of an
earlier check in place, which the swap must void. Every run must print the tool running on the
new interpreter (so no run saw a half-built or stale environment), exactly one shim must say
it dropped the stale link, and uv must have built exactly one environment: one new folder in
``archive-v0`` and one "Installed" line among all runs.

``UVSHIM_STRESS_ROUNDS`` sets the rounds for the newest uv (default 20); the other releases run
a few rounds each, enough to cover their own locking (none before 0.8.20, a shared cache lock
from 0.8.20, a per-entry lock from 0.13.8).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from _support.audit import settle
from _support.interpreters import fake_managed, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import uv_release
from uvshim.memo import MEMO_FOLDER

# Its tests run one after another (the group's lock, tests/integration/conftest.py), never
# two stress rounds at once on the machine.
pytestmark = pytest.mark.xdist_group("concurrency")

SHIMS = 16
LAYOUT = "unversioned"
PYTHONS = ("3.11", "3.12")
STRESS_ROUNDS = int(os.environ.get("UVSHIM_STRESS_ROUNDS", "20"))
ROUNDS = {"0.6.4": 3, "0.8.24": 3, "0.13.9": STRESS_ROUNDS}
GATE_SCRIPT = 'while [ ! -e "$0" ]; do sleep 0.01; done; exec "$@"'


def archives(sandbox: Sandbox) -> set[str]:
    folder = sandbox.root / "cache" / "archive-v0"
    return set(os.listdir(folder)) if folder.is_dir() else set()


def start_gated(sandbox: Sandbox, gate: Path, argv: list[str]) -> list[subprocess.Popen[str]]:
    return [subprocess.Popen(["sh", "-c", GATE_SCRIPT, str(gate), *argv], env=sandbox.env(),
                             cwd=sandbox.cwd or sandbox.root / "work", stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(SHIMS)]


def finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def log_round(**figures: object) -> None:
    """Append this round's figures for scripts/reliability.py, when it asks for them."""
    log = os.environ.get("UVSHIM_RELIABILITY_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(figures) + "\n")


def keep_memo(sandbox: Sandbox, argv: list[str]) -> None:
    """Let the last round's files settle and run once more, so the next round starts with a
    memo of a check that found nothing stale: the swap must void it for all shims at once.
    On a busy machine a file the check stamps can change inside the settle window (a hard link
    made to the shared interpreter elsewhere changes its ctime), and the run then rightly keeps
    no memo: it settles and tries again, three times at most."""
    sandbox.run(argv)  # records the new environment's build: a write, so no memo yet
    memos = sandbox.root / "uvshim-state" / MEMO_FOLDER
    for _ in range(3):
        settle(*sandbox.folders)
        sandbox.run(argv)
        if memos.is_dir() and any(memos.iterdir()):
            return
    raise AssertionError(f"no memo kept in {memos} after three settled runs; changed in the "
                         f"last 3 s: {recently_changed(sandbox.root)}")


def recently_changed(root: Path) -> list[str]:
    """What could have kept the run from keeping a memo (a stamped file changed lately)."""
    now = time.time()
    found = []
    for path in root.rglob("*"):
        try:
            st = path.lstat()
        except OSError:
            continue
        if max(st.st_mtime, st.st_ctime) > now - 3:
            found.append(str(path.relative_to(root)))
    return sorted(found)[:20]


def one_round(sandbox: Sandbox, argv: list[str], number: int) -> list[tuple[int, str, str]]:
    gate = sandbox.root / f"gate-{number}"
    processes = start_gated(sandbox, gate, argv)
    gate.touch()
    return finish(processes)


@pytest.mark.parametrize("version", sorted(ROUNDS))
def test_parallel_shims_rebuild_once(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                     version: str) -> None:
    for minor in PYTHONS:
        require_python(minor)
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, PYTHONS[0], LAYOUT)
    sandbox.path_dirs = [launchers, bindir, real]
    argv = [str(launchers / "uvx"), "--offline", "--find-links", str(tool_wheels), "shimcheck"]
    first = sandbox.run(argv)
    assert first.stdout.startswith(f"shimcheck {PYTHONS[0]} "), first.stderr

    for number in range(1, ROUNDS[version] + 1):
        if number == ROUNDS[version]:
            keep_memo(sandbox, argv)
        minor = PYTHONS[number % 2]
        swap_prefix(prefix, minor, LAYOUT)
        before = archives(sandbox)
        results = one_round(sandbox, argv, number)
        where = f"round {number}, uv {version}"
        errors = [err for _, _, err in results]
        log_round(uv=version, round=number, shims=SHIMS,
                  ok=sum(code == 0 and out.startswith(f"shimcheck {minor} ")
                         for code, out, _ in results),
                  dropped=sum("dropped it" in err for err in errors),
                  installed=sum("Installed 1 package" in err for err in errors),
                  built=len(archives(sandbox) - before))
        for code, out, err in results:
            assert code == 0, f"{where}: {err}"
            assert out.startswith(f"shimcheck {minor} "), f"{where}: {out!r} {err}"
            notes = [line for line in err.splitlines() if line.startswith("uvshim:")]
            assert all("dropped it so uv builds a fresh one" in line for line in notes), notes
        assert sum("dropped it" in err for err in errors) == 1, (where, errors)
        assert sum("Installed 1 package" in err for err in errors) == 1, (where, errors)
        assert len(archives(sandbox) - before) == 1, where


@pytest.mark.parametrize("version", ["0.8.24", "0.13.9"])
def test_parallel_shims_rebuild_a_build_change_once(sandbox: Sandbox, tool_wheels: Path,
                                                    launchers: Path, version: str) -> None:
    """``UVSHIM_ON_BUILD_CHANGE=rebuild`` after a managed Python was replaced by another build
    of the same version: one shim drops the environment, and the others wait for its rebuild
    instead of building their own (0.8.24 builds once per process, bare)."""
    require_python("3.12")
    real = uv_release(version)
    sandbox.path_dirs = [launchers, real]
    pythons = sandbox.root / "pythons"
    fake_managed(pythons, "20240107")
    argv = [str(launchers / "uvx"), "--offline", "--find-links", str(tool_wheels), "shimcheck"]
    for _ in range(2):  # uv builds the environment; then the shim records its build
        assert sandbox.run(argv).stdout.startswith("shimcheck 3.12 ")

    fake_managed(pythons, "20240814")
    sandbox.extra_env["UVSHIM_ON_BUILD_CHANGE"] = "rebuild"
    before = archives(sandbox)
    results = one_round(sandbox, argv, 1)
    errors = [err for _, _, err in results]
    for code, out, err in results:
        assert code == 0, err
        assert out.startswith("shimcheck 3.12 "), (out, err)
        notes = [line for line in err.splitlines() if line.startswith("uvshim:")]
        assert all("dropped it so uv builds a fresh one" in line for line in notes), notes
    assert sum("dropped it" in err for err in errors) == 1, errors
    assert sum("Installed 1 package" in err for err in errors) == 1, errors
    assert len(archives(sandbox) - before) == 1


MEMBER = '[project]\nname = "{name}"\nversion = "0"\nrequires-python = ">=3.10"\n'


@pytest.mark.parametrize("where", ["outside a project", "workspace member"])
def test_parallel_uv_run_with_rebuilds_once(sandbox: Sandbox, tool_wheels: Path,
                                            launchers: Path, where: str) -> None:
    """16 ``uv run --with shimcheck`` through the ``uv`` launcher after a swap (uv 0.13.9),
    outside a project or from a workspace member's folder (``packages/a`` of a workspace whose
    ``.venv`` uv remakes at its root): one shim drops the stale link, uv builds one environment,
    and every run is on the new interpreter."""
    for minor in PYTHONS:
        require_python(minor)
    real = uv_release("0.13.9")
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, PYTHONS[0], LAYOUT)
    sandbox.path_dirs = [launchers, bindir, real]
    options = ["--no-project"] if where == "outside a project" else []
    if where == "workspace member":
        work = sandbox.root / "work"
        (work / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
        for name in ("a", "b"):
            (work / "packages" / name).mkdir(parents=True)
            (work / "packages" / name / "pyproject.toml").write_text(MEMBER.format(name=name))
        sandbox.cwd = work / "packages" / "a"
    argv = [str(launchers / "uv"), "run", *options, "--offline", "--find-links",
            str(tool_wheels), "--with", "shimcheck", "python", "-c",
            "import shimcheck; shimcheck.main()"]
    assert sandbox.run(argv).stdout.startswith(f"shimcheck {PYTHONS[0]} ")
    swap_prefix(prefix, PYTHONS[1], LAYOUT)
    before = archives(sandbox)
    results = one_round(sandbox, argv, 1)
    errors = [err for _, _, err in results]
    for code, out, err in results:
        assert code == 0, err
        assert out.startswith(f"shimcheck {PYTHONS[1]} "), (out, err)
    assert sum("dropped it" in err for err in errors) == 1, errors
    assert sum("Installed 1 package" in err for err in errors) == 1, errors
    assert len(archives(sandbox) - before) == 1
