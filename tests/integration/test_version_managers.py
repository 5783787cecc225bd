"""pyenv's and mise's shims first on PATH, against real uv, real pyenv and real mise.

The shim must check the bucket uv uses, folder by folder (``explain`` says the same as uv),
resolve a pyenv shim without running it (no process on a warm run, and a memo that is replayed
until a version setting changes), and repair an interpreter swapped behind a pyenv version or a
mise-linked version. A mise shim is resolved without running mise where the model covers the
configuration (``test_mise_model.py`` compares it with the real shim), and is never cached by the
``mise`` binary's stat.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _support.audit import audited, settle
from _support.interpreters import installed_python, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, reuses_stale_env, uv_release
from _support.version_managers import Mise, make_pyenv_root

OLD, NEW = "3.11", "3.12"


def full_version(minor: str) -> str:
    require_python(minor)
    found = installed_python(minor)
    assert found is not None
    return found.name


def tool_args(wheels: Path) -> list[str]:
    return ["--offline", "--find-links", str(wheels), "shimcheck"]


def run_in(sandbox: Sandbox, argv: list[str], cwd: Path, **extra: str
           ) -> subprocess.CompletedProcess[str]:
    env = {**sandbox.env(), "PWD": str(cwd), **extra}
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def buckets(sandbox: Sandbox) -> set[Path]:
    root = sandbox.root / "cache"
    return {bucket for folder in root.glob("environments-v*") for bucket in folder.iterdir()}


def bare_bucket(sandbox: Sandbox, real: Path, wheels: Path, cwd: Path, minor: str,
                **extra: str) -> Path:
    """Run bare uvx in ``cwd``: it must use ``minor``; the bucket it created."""
    before = buckets(sandbox)
    done = run_in(sandbox, [str(real / "uvx"), *tool_args(wheels)], cwd, **extra)
    assert done.stdout.startswith(f"shimcheck {minor} "), done.stderr
    (created,) = buckets(sandbox) - before
    return created


def explain(sandbox: Sandbox, wheels: Path, cwd: Path, **extra: str) -> dict[str, object]:
    done = run_in(sandbox, [sys.executable, "-m", "uvshim", "explain", "--json",
                            *tool_args(wheels)], cwd, **extra)
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def interpreter(report: dict[str, object]) -> dict[str, object]:
    chosen = report["interpreter"]
    assert isinstance(chosen, dict)
    return chosen


def bucket_of(report: dict[str, object]) -> Path:
    cache = report["cache"]
    assert isinstance(cache, dict)
    return Path(cache["bucket"])


@pytest.mark.parametrize("version", ["0.6.4", NEWEST])
def test_pyenv_folders_variables_global_and_system(sandbox: Sandbox, tool_wheels: Path,
                                                  version: str) -> None:
    old, new = full_version(OLD), full_version(NEW)
    real = uv_release(version)
    root = sandbox.root / "pyenv"
    shims = make_pyenv_root(root, {old: OLD, new: NEW})
    sandbox.path_dirs = [shims, real]
    work = sandbox.root / "work"
    (work / "a").mkdir()
    (work / "a" / ".python-version").write_text(f"{old}\n")
    (work / "b" / "deep").mkdir(parents=True)
    (work / "b" / ".python-version").write_text(f"{NEW}\n")  # a prefix: the newest 3.12.x
    (root / "version").write_text(f"{old}\n")
    cases = [  # folder, variables, the minor uv uses, what explain must name
        (work / "a", {}, OLD, f"the version file {work}/a/.python-version"),
        (work / "b" / "deep", {}, NEW, f"{new} (newest installed of {NEW}) from the version "
                                       f"file {work}/b/.python-version"),
        (work, {}, OLD, f"the global version file {root}/version"),
        (work / "a", {"PYENV_VERSION": new}, NEW, f"PYENV_VERSION={new}"),
    ]
    for cwd, variables, minor, why in cases:
        for old_bucket in buckets(sandbox):
            for entry in old_bucket.iterdir():
                entry.unlink()
            old_bucket.rmdir()
        uv_bucket = bare_bucket(sandbox, real, tool_wheels, cwd, minor, **variables)
        report = explain(sandbox, tool_wheels, cwd, **variables)
        assert bucket_of(report) == uv_bucket, (cwd, variables)
        assert why in str(interpreter(report)["source"]), interpreter(report)["source"]
        through = run_in(sandbox, [sys.executable, "-m", "uvshim", "uvx",
                                   *tool_args(tool_wheels)], cwd, **variables)
        assert through.stdout.startswith(f"shimcheck {minor} "), through.stderr
        assert through.stderr == "", through.stderr
    # pyenv's system: the next python3 on PATH without the shims (Debian's, in the image).
    (root / "version").write_text("system\n")
    system = subprocess.run(["/usr/bin/python3", "-c", "import sys; print(sys.version[:4])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    uv_bucket = bare_bucket(sandbox, real, tool_wheels, work, system)
    report = explain(sandbox, tool_wheels, work)
    assert bucket_of(report) == uv_bucket
    assert "pyenv's system Python" in str(interpreter(report)["source"])


def warm_runs_replay(sandbox: Sandbox, wheels: Path, launchers: Path, work: Path,
                     manager: str) -> None:
    """A first uvx in ``work`` uses OLD; a warm full check starts no process (``manager`` is
    not run) and keeps a memo that the next run replays."""
    args = tool_args(wheels)
    built = run_in(sandbox, [str(launchers / "uvx"), *args], work)
    assert built.stdout.startswith(f"shimcheck {OLD} "), built.stderr
    warm = audited(sandbox, args)
    assert warm.full_check
    assert warm.spawned == [], f"{manager} was run"
    settle(*sandbox.folders)
    audited(sandbox, args)  # keeps a memo
    replayed = audited(sandbox, args)
    assert not replayed.full_check, "the memo was not replayed"
    assert replayed.spawned == []


def new_version_is_seen(sandbox: Sandbox, wheels: Path, launchers: Path, work: Path,
                        change: dict[str, str], manager: str) -> None:
    """After ``change`` (variables, or a file already rewritten) to NEW: the memo is not
    replayed, the next full check starts no process, and explain and uvx use NEW."""
    args = tool_args(wheels)
    after = audited(sandbox, args, **change)
    assert after.full_check, f"the memo was replayed after {change or 'a new file'}"
    again = audited(sandbox, args, **change)  # the first probed the new interpreter
    assert again.spawned == [], f"{manager} was run"
    report = explain(sandbox, wheels, work, **change)
    assert interpreter(report)["identity"]["version"] == full_version(NEW)  # type: ignore[index]
    done = run_in(sandbox, [str(launchers / "uvx"), *args], work, **change)
    assert done.stdout.startswith(f"shimcheck {NEW} "), done.stderr


def test_pyenv_warm_runs_start_no_process_and_a_new_version_is_seen(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    old, new = full_version(OLD), full_version(NEW)
    real = uv_release(NEWEST)
    root = sandbox.root / "pyenv"
    shims = make_pyenv_root(root, {old: OLD, new: NEW})
    sandbox.path_dirs = [launchers, shims, real]
    work = sandbox.root / "work"
    (work / ".python-version").write_text(f"{old}\n")
    warm_runs_replay(sandbox, tool_wheels, launchers, work, "pyenv's shim")
    for change in ({"PYENV_VERSION": new}, {}):
        if not change:
            (work / ".python-version").write_text(f"{new}\n")
        new_version_is_seen(sandbox, tool_wheels, launchers, work, change, "pyenv's shim")


def test_seed_scenario_behind_a_pyenv_version(sandbox: Sandbox, tool_wheels: Path,
                                              launchers: Path) -> None:
    require_python(OLD)
    require_python(NEW)
    real = uv_release(NEWEST)
    root = sandbox.root / "pyenv"
    shims = make_pyenv_root(root, {"ci": OLD}, layout="unversioned")
    sandbox.path_dirs = [launchers, shims, real]
    args = tool_args(tool_wheels)
    work = sandbox.root / "work"
    (work / ".python-version").write_text("ci\n")
    before = run_in(sandbox, [str(launchers / "uvx"), *args], work)
    assert before.stdout.startswith(f"shimcheck {OLD} "), before.stderr

    swap_prefix(root / "versions" / "ci", NEW, "unversioned")
    bare = run_in(sandbox, [str(real / "uvx"), *args], work)
    assert reuses_stale_env(NEWEST, "unversioned")
    assert not bare.stdout.startswith(f"shimcheck {NEW} "), "uv no longer reuses it"
    after = run_in(sandbox, [str(launchers / "uvx"), *args], work)
    assert after.stdout.startswith(f"shimcheck {NEW} "), after.stderr
    assert "dropped it so uv builds a fresh one" in after.stderr


@pytest.fixture
def mise_folders(sandbox: Sandbox) -> tuple[Mise, Path, Path]:
    """mise with 3.11 and 3.12 linked from prefixes, ``mise use`` in folders a and b."""
    old, new = full_version(OLD), full_version(NEW)
    work = sandbox.root / "work"
    mise = Mise(sandbox.root / "mise", work)
    for name, minor in ((old, OLD), (new, NEW)):
        prefix = sandbox.root / "prefixes" / name
        prefix.parent.mkdir(exist_ok=True)
        make_prefix(prefix, minor, "unversioned")
        mise.link(name, prefix, work)
    for folder, name in (("a", old), ("b", new)):
        (work / folder).mkdir()
        mise.run("use", f"python@{name}", cwd=work / folder)
    sandbox.extra_env.update(mise.env)
    return mise, work / "a", work / "b"


def test_a_mise_shim_answers_for_each_folder(sandbox: Sandbox, tool_wheels: Path,
                                             launchers: Path,
                                             mise_folders: tuple[Mise, Path, Path]) -> None:
    mise, a, b = mise_folders
    real = uv_release(NEWEST)
    sandbox.path_dirs = [launchers, mise.shims, real]
    state = sandbox.root / "uvshim-state"
    identify = ("from uvshim.discovery.identity_cache import identify; import sys; "
                "print(identify(sys.argv[1], sys.argv[2]).version)")
    seen = [run_in(sandbox, [sys.executable, "-c", identify, str(mise.shims / "python3"),
                             str(state)], folder).stdout.strip() for folder in (a, b, a)]
    assert seen == [full_version(OLD), full_version(NEW), full_version(OLD)]
    for folder, minor in ((a, OLD), (b, NEW)):
        uv_bucket = bare_bucket(sandbox, real, tool_wheels, folder, minor)
        report = explain(sandbox, tool_wheels, folder)
        assert bucket_of(report) == uv_bucket
        source = str(interpreter(report)["source"])
        assert f"mise python {full_version(minor)} from {folder / 'mise.toml'}" in source
        through = run_in(sandbox, [str(launchers / "uvx"), *tool_args(tool_wheels)], folder)
        assert through.stdout.startswith(f"shimcheck {minor} "), through.stderr


def test_seed_scenario_behind_a_mise_linked_version(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path,
        mise_folders: tuple[Mise, Path, Path]) -> None:
    mise, a, b = mise_folders
    real = uv_release(NEWEST)
    sandbox.path_dirs = [launchers, mise.shims, real]
    args = tool_args(tool_wheels)
    for folder, minor in ((b, NEW), (a, OLD)):  # the identity of b's first, as a user would
        done = run_in(sandbox, [str(launchers / "uvx"), *args], folder)
        assert done.stdout.startswith(f"shimcheck {minor} "), done.stderr

    swap_prefix(sandbox.root / "prefixes" / full_version(OLD), NEW, "unversioned")
    bare = run_in(sandbox, [str(real / "uvx"), *args], a)
    assert not bare.stdout.startswith(f"shimcheck {NEW} "), "uv no longer reuses it"
    after = run_in(sandbox, [str(launchers / "uvx"), *args], a)
    assert after.stdout.startswith(f"shimcheck {NEW} "), after.stderr
    assert "dropped it so uv builds a fresh one" in after.stderr


def test_mise_warm_runs_start_no_process_and_a_new_version_is_seen(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path,
        mise_folders: tuple[Mise, Path, Path]) -> None:
    mise, _, _ = mise_folders
    old, new = full_version(OLD), full_version(NEW)
    real = uv_release(NEWEST)
    sandbox.path_dirs = [launchers, mise.shims, real]
    work = sandbox.root / "work"  # where ``audited`` runs
    mise.run("use", f"python@{old}", cwd=work)
    warm_runs_replay(sandbox, tool_wheels, launchers, work, "mise")  # asks its version once
    args = tool_args(tool_wheels)
    unmodelled = audited(sandbox, args, MISE_NOT_FOUND_AUTO_INSTALL="0")
    assert unmodelled.full_check, "the memo was replayed with a new MISE_ variable"
    assert unmodelled.spawned, "a configuration outside the model was not probed"
    for change in ({"MISE_PYTHON_VERSION": new}, {}):
        if not change:
            (work / "mise.toml").write_text(f'[tools]\npython = "{new}"\n')
        new_version_is_seen(sandbox, tool_wheels, launchers, work, change, "mise")
