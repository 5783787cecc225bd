"""``uv run --with …`` where what the project or configuration asks for picks the interpreter,
after an interpreter swap, with real uv and real interpreters, through the ``uv`` launcher.

An older Python (3.10) comes first on PATH, so only the rule under test leads uv to the
swapped interpreter (3.11, then 3.12 at the same path); a model without the rule would check
the wrong bucket and let the stale environment through:

- the ``requires-python`` of the dependency group a command enables (uv 0.7.14+);
- the global ``.python-version`` (``uv run`` reads it from 0.6.7);
- ``--isolated`` in a project (the project's request, searched as outside one);
- a ``.venv`` found nearby under ``only-system`` (judged by its base from 0.8.0);
- a project ``.venv`` made by hand on the swapped interpreter: uv keeps it (its Python
  satisfies the project), up to 0.6.x even after the swap; from 0.7.0 it sees the version
  ``pyvenv.cfg`` recorded is no longer the interpreter's and makes it anew on the first Python
  on PATH, where nothing is stale and the launcher says nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.swap_checks import notes
from _support.uv_run_swap import NEW, OLD, Swap, check_swap, prepare, run_with

OTHER = "3.10"
PROJECT = '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.8"\n'
GROUP_NEEDS_OLD = ('[dependency-groups]\ndev = []\nlint = []\n'
                   '[tool.uv.dependency-groups]\nlint = {requires-python = ">=3.11"}\n')


def other_first(sandbox: Sandbox, swap: Swap, bindir: Path) -> list[Path]:
    """PATH with 3.10 before the swapped interpreter; returns it."""
    require_python(OTHER)
    other = make_prefix(sandbox.root / "other", OTHER, swap.layout)
    sandbox.path_dirs = [other, bindir, swap.real]
    return sandbox.path_dirs


@pytest.mark.parametrize("version", ["0.7.22", "0.13.9"])
@pytest.mark.parametrize("groups", ["--group", "default-groups"])
def test_the_requires_python_of_an_enabled_group(sandbox: Sandbox, tool_wheels: Path,
                                                 launchers: Path, version: str,
                                                 groups: str) -> None:
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    extra = '[tool.uv]\ndefault-groups = ["lint"]\n' if groups == "default-groups" else ""
    (sandbox.root / "work" / "pyproject.toml").write_text(PROJECT + extra + GROUP_NEEDS_OLD)
    path = other_first(sandbox, swap, bindir)
    options = ("--group", "lint") if groups == "--group" else ()
    check_swap(sandbox, swap, [launchers, *path], options)


@pytest.mark.parametrize("version", ["0.6.7", "0.8.24"])
def test_the_global_pin_before_0_10(sandbox: Sandbox, tool_wheels: Path,
                                    launchers: Path, version: str) -> None:
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    (sandbox.root / "config" / "uv").mkdir(parents=True, exist_ok=True)
    (sandbox.root / "config" / "uv" / ".python-version").write_text(">=3.11\n")
    path = other_first(sandbox, swap, bindir)
    check_swap(sandbox, swap, [launchers, *path], ("--no-project",))


@pytest.mark.parametrize("version", ["0.6.4", "0.13.9"])
def test_isolated_in_a_project(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                               version: str) -> None:
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    (sandbox.root / "work" / "pyproject.toml").write_text(
        PROJECT.replace(">=3.8", ">=3.11"))
    path = other_first(sandbox, swap, bindir)
    check_swap(sandbox, swap, [launchers, *path], ("--isolated",))


@pytest.mark.parametrize("version", ["0.8.24", "0.13.9"])
def test_a_nearby_venv_under_only_system(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                         version: str) -> None:
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    subprocess.run([str(bindir / "python3"), "-m", "venv", "--without-pip",
                    str(sandbox.root / "work" / ".venv")], check=True)
    path = other_first(sandbox, swap, bindir)
    check_swap(sandbox, swap, [launchers, *path],
               ("--no-project", "--python-preference", "only-system"))


@pytest.mark.parametrize("version", ["0.6.4", "0.13.9"])
def test_a_project_venv_made_on_another_python(sandbox: Sandbox, tool_wheels: Path,
                                               launchers: Path, version: str) -> None:
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    work = sandbox.root / "work"
    (work / "pyproject.toml").write_text(PROJECT)
    subprocess.run([str(bindir / "python3"), "-m", "venv", "--without-pip", str(work / ".venv")],
                   check=True)
    path = other_first(sandbox, swap, bindir)
    if version == "0.6.4":  # uv keeps the .venv after the swap: the stale bucket is reused
        check_swap(sandbox, swap, [launchers, *path])
        return
    first = sandbox.run(run_with(str(swap.real / "uv"), tool_wheels))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr
    swap_prefix(sandbox.root / "prefix", NEW, swap.layout)
    sandbox.path_dirs = [launchers, *path]
    for _ in range(2):  # uv makes the .venv anew on 3.10: nothing to repair, nothing to say
        shimmed = sandbox.run(run_with("uv", tool_wheels))
        assert shimmed.stdout.startswith(f"shimcheck {OTHER} "), shimmed.stderr
        assert notes(shimmed.stderr) == [], shimmed.stderr


# --- explain, in these layouts ---------------------------------------------------------------


@pytest.mark.parametrize("where", ["enabled group", "venv on PATH", "kept .venv"])
def test_explain_predicts_the_repair(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                     where: str) -> None:
    """``uvshim explain uv run --with …`` after the swap: the drop, with the exact line the
    launcher then prints."""
    swap, bindir = prepare(sandbox, "0.6.4" if where == "kept .venv" else "0.13.9",
                           "unversioned", tool_wheels)
    work = sandbox.root / "work"
    path = other_first(sandbox, swap, bindir)
    options: tuple[str, ...] = ()
    venv = sandbox.root / "opt-venv"

    def make_venv() -> None:
        subprocess.run([str(bindir / "python3"), "-m", "venv", "--clear", "--without-pip",
                        str(venv)], check=True)

    if where == "enabled group":
        (work / "pyproject.toml").write_text(PROJECT + GROUP_NEEDS_OLD)
        options = ("--group", "lint")
    elif where == "venv on PATH":
        make_venv()
        path = sandbox.path_dirs = [venv / "bin", *path]
        options = ("--no-project",)
    else:
        (work / "pyproject.toml").write_text(PROJECT)
        venv = work / ".venv"
        make_venv()
    first = sandbox.run(run_with(str(swap.real / "uv"), tool_wheels, *options))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr
    swap_prefix(sandbox.root / "prefix", NEW, swap.layout)
    if where == "venv on PATH":
        make_venv()  # the image rebuilt on the new Python
    words = run_with("uv", tool_wheels, *options)
    explained = sandbox.run([sys.executable, "-m", "uvshim", "explain", "--json", *words])
    assert explained.returncode == 0, explained.stderr
    decision = json.loads(explained.stdout)["decision"]
    assert decision["action"] == "drop-stale", decision
    sandbox.path_dirs = [launchers, *path]
    shimmed = sandbox.run(words)
    assert shimmed.stdout.startswith(f"shimcheck {NEW} "), shimmed.stderr
    assert decision["messages"] == notes(shimmed.stderr)
