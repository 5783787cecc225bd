"""``uv run --with …`` in the layouts CI jobs, container images and monorepos use, after an
interpreter swap, with real uv and real interpreters, through the ``uv`` launcher.

- the launchers written into a folder inside a virtual environment (``uvshim install --dir
  "$VIRTUAL_ENV/shims"``): that folder holds no interpreter, so uv does not take it for a
  virtual environment, and neither may the shim;
- a virtual environment's ``bin`` first on PATH without ``VIRTUAL_ENV`` (an image's
  ``ENV PATH=/opt/venv/bin:$PATH``), remade at the same path on the new Python, with the
  launchers beside it or inside its ``bin``;
- ``uv run --with`` from a member's folder of a workspace (members under ``packages/*``), with a
  virtual root and with a root that is a project itself.

Each: bare uv fails after the swap where it reuses the stale environment, the launcher runs the
command on the new interpreter with one ``uvshim:`` line, and the next run says nothing. Where
bare uv copes (the symlinked layout from 0.7.14), the launcher says nothing at all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _support.audit import audited, settle
from _support.interpreters import swap_prefix
from _support.sandbox import Sandbox
from _support.swap_checks import notes
from _support.uv_run_swap import NEW, OLD, check_swap, prepare, run_with

MEMBER = '[project]\nname = "{name}"\nversion = "0"\nrequires-python = "{requires}"\n'
VIRTUAL_ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
PROJECT_ROOT = MEMBER.format(name="root", requires=">=3.9") + VIRTUAL_ROOT


def install_launchers(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "uvshim", "install", "--dir", str(folder)],
                   check=True, capture_output=True)
    return folder


def make_venv(bindir: Path, venv: Path) -> Path:
    """A virtual environment made by the standard library, as an image's ``RUN python -m venv``."""
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([str(bindir / "python3"), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    return venv


def make_workspace(work: Path, root: str) -> Path:
    """A workspace at ``work`` with members ``packages/a`` and ``packages/b``; returns a's
    folder."""
    (work / "pyproject.toml").write_text(root)
    for name, requires in (("a", ">=3.10"), ("b", ">=3.8")):
        member = work / "packages" / name
        member.mkdir(parents=True)
        (member / "pyproject.toml").write_text(MEMBER.format(name=name, requires=requires))
    return work / "packages" / "a"


# --- the launchers inside a virtual environment ----------------------------------------------

LAUNCHERS_IN_VENV = [("0.13.9", "unversioned"), ("0.6.4", "unversioned"),
                     ("0.13.9", "symlinked")]


@pytest.mark.parametrize(("version", "layout"), LAUNCHERS_IN_VENV)
def test_launchers_in_a_folder_inside_a_virtual_environment(
        sandbox: Sandbox, tool_wheels: Path, version: str, layout: str) -> None:
    """``uvshim install --dir "$VIRTUAL_ENV/shims"``: the venv is neither active nor on PATH,
    only its ``shims`` folder, which holds no interpreter."""
    swap, bindir = prepare(sandbox, version, layout, tool_wheels)
    venv = make_venv(bindir, sandbox.root / "tools-venv")
    shims = install_launchers(venv / "shims")
    sandbox.path_dirs = [bindir, swap.real]
    check_swap(sandbox, swap, [shims, bindir, swap.real], ("--no-project",))


# --- a virtual environment's bin first on PATH, remade on the new Python ---------------------

VENV_ON_PATH = [("0.13.9", "unversioned", "beside"), ("0.13.9", "unversioned", "inside"),
                ("0.6.4", "unversioned", "beside"), ("0.5.0", "unversioned", "inside"),
                ("0.13.9", "symlinked", "beside")]


@pytest.mark.parametrize(("version", "layout", "launchers_at"), VENV_ON_PATH)
@pytest.mark.parametrize("project", ["no-project", "outside"])
def test_a_virtual_environment_on_path_remade_on_the_new_python(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path, version: str, layout: str,
        launchers_at: str, project: str) -> None:
    """``ENV PATH=/opt/venv/bin:$PATH`` without ``VIRTUAL_ENV``; the image rebuilt on the new
    Python makes the venv again at the same path. ``inside``: the launchers are in the venv's
    ``bin`` (``uvshim install --dir /opt/venv/bin``), written again after the rebuild."""
    swap, bindir = prepare(sandbox, version, layout, tool_wheels)
    venv = sandbox.root / "opt-venv"

    def rebuild() -> None:
        make_venv(bindir, venv)
        if launchers_at == "inside":
            install_launchers(venv / "bin")

    rebuild()
    sandbox.path_dirs = [venv / "bin", bindir, swap.real]
    shimmed = sandbox.path_dirs if launchers_at == "inside" else [launchers, *sandbox.path_dirs]
    options = ("--no-project",) if project == "no-project" else ()
    check_swap(sandbox, swap, shimmed, options, after_swap=rebuild)


# --- a workspace member ----------------------------------------------------------------------

WORKSPACE = [("0.13.9", "unversioned", "virtual"), ("0.13.9", "unversioned", "project"),
             ("0.6.4", "unversioned", "virtual"), ("0.5.0", "unversioned", "project"),
             ("0.13.9", "symlinked", "virtual")]


@pytest.mark.parametrize(("version", "layout", "root"), WORKSPACE)
def test_uv_run_with_in_a_workspace_member(sandbox: Sandbox, tool_wheels: Path,
                                           launchers: Path, version: str, layout: str,
                                           root: str) -> None:
    """From ``packages/a``: the workspace's ``.venv`` at its root, on the interpreter the
    members' ``requires-python`` (>=3.10 and >=3.8, and >=3.9 for a root project) allows."""
    swap, bindir = prepare(sandbox, version, layout, tool_wheels)
    sandbox.cwd = make_workspace(sandbox.root / "work",
                                 VIRTUAL_ROOT if root == "virtual" else PROJECT_ROOT)
    sandbox.path_dirs = [bindir, swap.real]
    check_swap(sandbox, swap, [launchers, bindir, swap.real])
    assert (sandbox.root / "work" / ".venv").is_dir()
    assert not (sandbox.cwd / ".venv").exists()


# --- where uv run's project rules changed -----------------------------------------------------

TOOLS_ONLY = "[tool.ruff]\nline-length = 100\n"  # a pyproject.toml with no [project]


@pytest.mark.parametrize("version", ["0.8.24", "0.13.9"])
def test_beside_a_pyproject_that_only_configures_tools(sandbox: Sandbox, tool_wheels: Path,
                                                      launchers: Path, version: str) -> None:
    """From 0.8.18 a workspace root without members, whose .venv uv run makes and layers on."""
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    (sandbox.root / "work" / "pyproject.toml").write_text(TOOLS_ONLY)
    sandbox.path_dirs = [bindir, swap.real]
    check_swap(sandbox, swap, [launchers, bindir, swap.real])
    assert (sandbox.root / "work" / ".venv").is_dir()


def test_a_pyproject_uv_refuses_gets_no_line(sandbox: Sandbox, tool_wheels: Path,
                                            launchers: Path) -> None:
    """Up to 0.8.17 uv run refuses such a pyproject.toml itself: its message, none of ours."""
    swap, bindir = prepare(sandbox, "0.8.17", "unversioned", tool_wheels)
    (sandbox.root / "work" / "pyproject.toml").write_text(TOOLS_ONLY)
    sandbox.path_dirs = [launchers, bindir, swap.real]
    refused = sandbox.run(run_with("uv", tool_wheels))
    assert refused.returncode != 0
    assert "No `project` table found" in refused.stderr
    assert notes(refused.stderr) == [], refused.stderr


@pytest.mark.parametrize("version", ["0.9.30", "0.10.12"])
def test_a_workspace_with_an_empty_member_folder(sandbox: Sandbox, tool_wheels: Path,
                                                launchers: Path, version: str) -> None:
    """An empty folder the members' glob matches: uv fails on it up to 0.10.0 (and uvshim adds
    nothing), skips it from 0.10.1 (and uvshim repairs the swap)."""
    swap, bindir = prepare(sandbox, version, "unversioned", tool_wheels)
    sandbox.cwd = make_workspace(sandbox.root / "work", VIRTUAL_ROOT)
    (sandbox.root / "work" / "packages" / "empty").mkdir()
    sandbox.path_dirs = [bindir, swap.real]
    if swap.version == "0.9.30":
        sandbox.path_dirs = [launchers, bindir, swap.real]
        refused = sandbox.run(run_with("uv", tool_wheels))
        assert refused.returncode != 0
        assert notes(refused.stderr) == [], refused.stderr
        return
    check_swap(sandbox, swap, [launchers, bindir, swap.real])


def test_a_member_folder_left_with_what_git_ignores(sandbox: Sandbox, tool_wheels: Path,
                                                   launchers: Path) -> None:
    """A package removed from a git checkout leaves ``packages/old/__pycache__``: uv 0.10.1+
    skips the folder since git ignores all it holds, and so does the check (git says so)."""
    swap, bindir = prepare(sandbox, "0.13.9", "unversioned", tool_wheels)
    work = sandbox.root / "work"
    sandbox.cwd = make_workspace(work, VIRTUAL_ROOT)
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / ".gitignore").write_text("__pycache__/\n")
    (work / "packages" / "old" / "__pycache__").mkdir(parents=True)
    (work / "packages" / "old" / "__pycache__" / "old.cpython-311.pyc").write_bytes(b"")
    sandbox.path_dirs = [bindir, swap.real]
    check_swap(sandbox, swap, [launchers, bindir, swap.real])


@pytest.mark.parametrize("where", ["workspace member", "venv on PATH"])
def test_the_layouts_replay_their_memo(sandbox: Sandbox, tool_wheels: Path, where: str) -> None:
    """Warm, a member's ``uv run --with`` and one with a venv on PATH replay the memo of the
    check (no process started), and the swap voids it."""
    swap, bindir = prepare(sandbox, "0.13.9", "unversioned", tool_wheels)
    sandbox.path_dirs = [bindir, swap.real]
    if where == "workspace member":
        sandbox.cwd = make_workspace(sandbox.root / "work", VIRTUAL_ROOT)
    else:
        venv = make_venv(bindir, sandbox.root / "opt-venv")
        sandbox.path_dirs = [venv / "bin", bindir, swap.real]
    args = run_with("uv", tool_wheels)[1:]
    assert sandbox.run([str(swap.real / "uv"), *args]).stdout.startswith(f"shimcheck {OLD} ")
    audited(sandbox, args, mode="uv")  # records the environment's build: a write, no memo
    for _ in range(3):
        # A file the check read can change inside the settle window on a busy machine (a hard
        # link made elsewhere to the shared interpreter moves its ctime): no memo is then kept,
        # rightly, and the next round settles and tries again.
        settle(*sandbox.folders)
        full = audited(sandbox, args, mode="uv")
        assert full.full_check
        assert full.notes == []
        replayed = audited(sandbox, args, mode="uv")
        if not replayed.full_check:
            break
    assert not replayed.full_check
    assert replayed.argv == full.argv == [str(swap.real / "uv"), *args]
    assert replayed.spawned == []

    swap_prefix(sandbox.root / "prefix", NEW, "unversioned")
    if where == "venv on PATH":
        make_venv(bindir, sandbox.root / "opt-venv")
    after = audited(sandbox, args, mode="uv")
    assert after.full_check
    assert len(after.notes) == 1, after.notes
