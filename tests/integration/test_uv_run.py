"""``uv run --with …`` after an interpreter swap, with real uv and real interpreters, through the
``uv`` launcher ``uvshim install`` writes.

``uv run --with X`` layers a cached environment from ``environments-v*/<interpreter hash>/…``
on its base interpreter, exactly the links uvx makes, so it breaks the same way: build it with
Python 3.11, swap the installation at the same path for 3.12, and
- bare uv fails where it reuses the stale environment (``ModuleNotFoundError`` on 0.13.9 in
  the unversioned layout; "failed to create file … _uv_ephemeral_overlay.pth" up to 0.7.13),
- through the launcher the command runs on 3.12 with one ``uvshim:`` line, and a second run
  says nothing.
One release per behaviour: 0.5.0 (oldest; ``sys._base_executable`` for a venv's base),
0.6.4 (``find_base_python``, the hash of ``sys.executable``), 0.8.24 (canonical path: the
symlinked layout copes, the shim stays silent), 0.13.9 (newest; it recreates the project's
``.venv`` after the swap).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from _support.audit import audited, settle
from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.swap_checks import assert_bare_after_swap, assert_repaired, notes
from _support.uv_binaries import reuses_stale_env, uv_release

OLD, NEW = "3.11", "3.12"
PRINT = "import shimcheck; shimcheck.main()"
PYPROJECT = ('[project]\nname = "demo"\nversion = "0"\nrequires-python = "{requires}"\n'
             'dependencies = []\n')

CASES = [
    ("0.13.9", "unversioned", "no-project"),
    ("0.13.9", "unversioned", "project"),
    ("0.13.9", "symlinked", "project"),
    ("0.8.24", "symlinked", "no-project"),
    # 0.7.19-0.7.22 key the bucket by the project environment's prefix too
    ("0.7.22", "unversioned", "project"),
    ("0.6.4", "symlinked", "no-project"),
    ("0.6.4", "unversioned", "project"),
    ("0.5.0", "unversioned", "project"),
]


def run_with(first: str, wheels: Path, mode: str) -> list[str]:
    project = ["--no-project"] if mode == "no-project" else []
    return [first, "run", *project, "--offline", "--find-links", str(wheels),
            "--with", "shimcheck", "python", "-c", PRINT]


def entries(sandbox: Sandbox) -> dict[str, str]:
    """Every cached environment link, with its target."""
    found = {}
    for folder in (sandbox.root / "cache").glob("environments-v*/*"):
        for entry in folder.iterdir():
            if entry.is_symlink():
                found[str(entry)] = os.readlink(entry)
    return found


def prepare(sandbox: Sandbox, version: str, layout: str, mode: str,
            requires: str = ">=3.10") -> tuple[Path, Path]:
    require_python(OLD)
    require_python(NEW)
    real = uv_release(version)
    bindir = make_prefix(sandbox.root / "prefix", OLD, layout)
    if mode == "project":
        (sandbox.root / "work" / "pyproject.toml").write_text(PYPROJECT.format(requires=requires))
    return real, bindir


@pytest.mark.parametrize(("version", "layout", "mode"), CASES)
def test_uv_run_with_after_a_swap(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                  version: str, layout: str, mode: str) -> None:
    real, bindir = prepare(sandbox, version, layout, mode)
    sandbox.path_dirs = [bindir, real]
    first = sandbox.run(run_with(str(real / "uv"), tool_wheels, mode))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr

    swap_prefix(sandbox.root / "prefix", NEW, layout)
    stale = reuses_stale_env(version, layout)
    bare = sandbox.run(run_with(str(real / "uv"), tool_wheels, mode))
    assert_bare_after_swap(bare, stale, NEW)

    sandbox.path_dirs = [launchers, bindir, real]
    shimmed = sandbox.run(run_with("uv", tool_wheels, mode))
    again = sandbox.run(run_with("uv", tool_wheels, mode))
    assert_repaired(shimmed, again, stale, NEW)


def test_a_right_environment_is_never_touched(sandbox: Sandbox, tool_wheels: Path,
                                              launchers: Path) -> None:
    real, bindir = prepare(sandbox, "0.13.9", "unversioned", "project")
    sandbox.path_dirs = [launchers, bindir, real]
    argv = run_with("uv", tool_wheels, "project")
    first = sandbox.run(argv)
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr
    before = entries(sandbox)
    for _ in range(2):
        again = sandbox.run(argv)
        assert again.stdout.startswith(f"shimcheck {OLD} "), again.stderr
        assert notes(again.stderr) == []
    assert entries(sandbox) == before


def test_a_project_environment_uv_recreates_elsewhere_needs_no_repair(
        sandbox: Sandbox, tool_wheels: Path, launchers: Path) -> None:
    """``requires-python = ">=3.10,<3.12"``: after the swap uv recreates ``.venv`` on another 3.11
    further along PATH, whose bucket is another one. The check sees that uv will not keep the
    environment (``kept_environment``), so there is nothing stale to drop and nothing to say."""
    real, bindir = prepare(sandbox, "0.13.9", "unversioned", "project", requires=">=3.10,<3.12")
    other = make_prefix(sandbox.root / "other311", OLD, "symlinked")
    sandbox.path_dirs = [launchers, bindir, other, real]
    argv = run_with("uv", tool_wheels, "project")
    assert sandbox.run(argv).stdout.startswith(f"shimcheck {OLD} ")
    swap_prefix(sandbox.root / "prefix", NEW, "unversioned")
    before = entries(sandbox)
    done = sandbox.run(argv)
    assert done.stdout.startswith(f"shimcheck {OLD} {sandbox.root}"), done.stderr
    assert notes(done.stderr) == [], done.stderr
    assert set(before) <= set(entries(sandbox))  # nothing dropped
    assert (sandbox.root / "work" / ".venv" / "lib" / "python3.11").is_dir()


def test_uv_run_with_replays_its_memo(sandbox: Sandbox, tool_wheels: Path) -> None:
    real, bindir = prepare(sandbox, "0.13.9", "unversioned", "no-project")
    sandbox.path_dirs = [bindir, real]
    args = run_with("uv", tool_wheels, "no-project")[1:]
    assert sandbox.run([str(real / "uv"), *args]).stdout.startswith(f"shimcheck {OLD} ")
    audited(sandbox, args, mode="uv")  # records the environment's build: a write, no memo
    settle(*sandbox.folders)
    full = audited(sandbox, args, mode="uv")
    assert full.full_check
    assert full.argv == [str(real / "uv"), *args]
    replayed = audited(sandbox, args, mode="uv")
    assert not replayed.full_check
    assert replayed.argv == full.argv
    assert replayed.spawned == []

    swap_prefix(sandbox.root / "prefix", NEW, "unversioned")
    after = audited(sandbox, args, mode="uv", UVSHIM_STRICT="1")
    assert after.full_check
    assert len(after.notes) == 1, after.notes


def test_a_command_that_reuses_nothing_goes_straight_through(sandbox: Sandbox) -> None:
    """`uv run python -c pass`: not even uv run's option table is loaded."""
    real, bindir = prepare(sandbox, "0.13.9", "unversioned", "no-project")
    sandbox.path_dirs = [bindir, real]
    run = audited(sandbox, ["run", "python", "-c", "pass"], mode="uv")
    assert run.argv == [str(real / "uv"), "run", "python", "-c", "pass"]
    assert run.notes == []
    assert "uvshim.uv.uv_run_options" not in run.modules
    assert "uvshim.survey" not in run.modules


def test_explain_uv_run_shows_what_the_shim_does(sandbox: Sandbox, tool_wheels: Path,
                                                 launchers: Path) -> None:
    """``uvshim explain uv run --with …`` is the shim's own decision as a dry run: after the
    swap it predicts the drop with the exact line the shim then prints, and changes nothing."""
    real, bindir = prepare(sandbox, "0.13.9", "unversioned", "no-project")
    sandbox.path_dirs = [bindir, real]
    first = sandbox.run(run_with(str(real / "uv"), tool_wheels, "no-project"))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr
    swap_prefix(sandbox.root / "prefix", NEW, "unversioned")
    words = run_with("uv", tool_wheels, "no-project")
    before = entries(sandbox)
    explained = sandbox.run([sys.executable, "-m", "uvshim", "explain", "--json", *words])
    assert explained.returncode == 0, explained.stderr
    report = json.loads(explained.stdout)
    assert entries(sandbox) == before  # explain changed nothing
    assert report["decision"]["action"] == "drop-stale"
    assert report["argv"] == [str(real / "uv"), *words[1:]]

    sandbox.path_dirs = [launchers, bindir, real]
    shimmed = sandbox.run(words)
    assert shimmed.stdout.startswith(f"shimcheck {NEW} "), shimmed.stderr
    assert report["decision"]["messages"] == notes(shimmed.stderr)


@pytest.mark.parametrize("asked", ["pin", "requires-python"])
def test_explain_says_where_the_python_request_of_uv_run_came_from(
        sandbox: Sandbox, tool_wheels: Path, asked: str) -> None:
    """A ``.python-version`` or a project's ``requires-python`` is no ``--python``: explain's
    why names the file it came from, and real uv runs on the interpreter explain names."""
    require_python(OLD)
    require_python(NEW)
    real = uv_release("0.13.9")
    work = sandbox.root / "work"
    older = make_prefix(sandbox.root / "older", OLD, "unversioned")
    newer = make_prefix(sandbox.root / "newer", NEW, "unversioned")
    sandbox.path_dirs = [older, newer, real]  # the request passes over the first one
    if asked == "pin":
        (work / ".python-version").write_text(f"{NEW}\n")
        mode, origin = "no-project", f"the .python-version at {work / '.python-version'}: "
    else:
        (work / "pyproject.toml").write_text(PYPROJECT.format(requires=f">={NEW}"))
        mode, origin = "project", f"requires-python >={NEW} of the project at {work}: "
    words = run_with("uv", tool_wheels, mode)
    explained = sandbox.run([sys.executable, "-m", "uvshim", "explain", "--json", *words])
    assert explained.returncode == 0, explained.stderr
    interpreter = json.loads(explained.stdout)["interpreter"]
    assert str(interpreter["source"]).startswith(origin), interpreter["source"]
    assert "--python" not in str(interpreter["source"])
    assert interpreter["executable"].startswith(str(newer))
    ran = sandbox.run(run_with(str(real / "uv"), tool_wheels, mode))
    assert ran.stdout.startswith(f"shimcheck {NEW} "), ran.stderr
