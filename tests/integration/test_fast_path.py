"""The memo the fast path replays, against real uv and real interpreters.

A memo must be replayed when nothing changed, and must never be replayed once something the
check depends on has changed: above all, the interpreter swapped at the same path, the failure
uvshim exists for. Each run here is ``_support.audit.audited``: through ``entry.main`` as
the launchers do, stopped at the exec of uv, reporting whether the full check ran (it imports
``uvshim.full_check``; a replay never does) and what would have been exec'd.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _support.audit import AuditedRun, audited, settle
from _support.interpreters import LAYOUTS, fake_managed, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, reuses_stale_env, uv_release
from uvshim.memo import MEMO_FOLDER

OLD, NEW = "3.11", "3.12"


def with_memo(sandbox: Sandbox, args: list[str], **extra_env: str) -> AuditedRun:
    """Run until a memo exists, and prove the next run replays it."""
    audited(sandbox, args, **extra_env)  # may write state: identities, build records
    settle(*sandbox.folders)
    written = audited(sandbox, args, **extra_env)
    assert written.full_check, "no memo can exist yet"
    replayed = audited(sandbox, args, **extra_env)
    assert not replayed.full_check, "the memo was not replayed"
    assert replayed.argv == written.argv
    assert replayed.notes == []
    return replayed


def tool_args(wheels: Path) -> list[str]:
    return ["--offline", "--find-links", str(wheels), "shimcheck"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("version", ["0.6.4", NEWEST])
def test_a_memo_never_hides_an_interpreter_swap(sandbox: Sandbox, tool_wheels: Path,
                                                launchers: Path, version: str,
                                                layout: str) -> None:
    require_python(OLD)
    require_python(NEW)
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, OLD, layout)
    sandbox.path_dirs = [launchers, bindir, real]
    args = tool_args(tool_wheels)
    built = sandbox.run([str(launchers / "uvx"), *args])
    assert built.stdout.startswith(f"shimcheck {OLD} "), built.stderr
    with_memo(sandbox, args)
    assert list((sandbox.root / "uvshim-state" / MEMO_FOLDER).iterdir())

    swap_prefix(prefix, NEW, layout)
    shimmed = sandbox.run([str(launchers / "uvx"), *args])
    assert shimmed.stdout.startswith(f"shimcheck {NEW} "), shimmed.stderr
    notes = [line for line in shimmed.stderr.splitlines() if line.startswith("uvshim:")]
    assert len(notes) == (1 if reuses_stale_env(version, layout) else 0), shimmed.stderr


def _local_pin(sandbox: Sandbox) -> None:
    (sandbox.root / "work" / ".python-version").write_text(f"{OLD}\n")


def _global_pin(sandbox: Sandbox) -> None:
    (sandbox.root / "config" / "uv").mkdir(parents=True)
    (sandbox.root / "config" / "uv" / ".python-version").write_text(f"{OLD}\n")


def _new_python_ahead(sandbox: Sandbox) -> None:
    first = sandbox.path_dirs[0]
    os.symlink(make_prefix(sandbox.root / "other", OLD, "symlinked") / f"python{OLD}",
               first / "python3")


def _user_config(sandbox: Sandbox) -> None:
    folder = sandbox.root / "config" / "uv"
    folder.mkdir(parents=True)
    (folder / "uv.toml").write_text(f'cache-dir = "{sandbox.root / "other-cache"}"\n')


def _stale_link(sandbox: Sandbox) -> None:
    """Another image at the same path relinked the entry to an environment of another Python."""
    bucket = next((sandbox.root / "cache" / "environments-v2").iterdir())
    entry = next(p for p in bucket.iterdir() if p.is_symlink())
    env = Path(os.path.realpath(entry))
    cfg = env / "pyvenv.cfg"
    text = cfg.read_text()
    version = next(line.split("=")[1].strip() for line in text.splitlines()
                   if line.startswith("version_info"))
    other = env.with_name(env.name + "-other")
    os.rename(env, other)
    (other / "pyvenv.cfg").write_text(text.replace(version, "3.11.1"))
    entry.unlink()
    entry.symlink_to(other)


def _unrelated_file(sandbox: Sandbox) -> None:
    (sandbox.root / "work" / "notes.txt").write_text("nothing uv reads\n")
    (sandbox.root / "home" / ".bashrc").write_text("# nor this\n")


MUTATIONS = {
    "a global .python-version pin appears": (_global_pin, {}, True),
    "a local .python-version appears (uvx ignores it)": (_local_pin, {}, False),
    "UV_PYTHON is set": (lambda _: None, {"UV_PYTHON": OLD}, True),
    "a python3 appears in the first PATH folder": (_new_python_ahead, {}, True),
    "a user uv.toml moves the cache": (_user_config, {}, True),
    "the cached environment is relinked to another Python": (_stale_link, {}, True),
    "files nothing reads change": (_unrelated_file, {}, False),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_a_memo_holds_only_while_its_inputs_do(sandbox: Sandbox, tool_wheels: Path,
                                               mutation: str) -> None:
    """The memo is dropped exactly when a change matters; then the fast path does what the
    full check does (compared when nothing was repaired: a repair changes the cache)."""
    require_python(NEW)
    require_python(OLD)
    real = uv_release(NEWEST)
    bindir = make_prefix(sandbox.root / "prefix", NEW, "symlinked")
    (sandbox.root / "early").mkdir()
    sandbox.path_dirs = [sandbox.root / "early", bindir, real]
    args = tool_args(tool_wheels)
    assert sandbox.run([str(real / "uvx"), *args]).stdout.startswith(f"shimcheck {NEW} ")
    with_memo(sandbox, args)

    change, extra_env, matters = MUTATIONS[mutation]
    change(sandbox)
    fast = audited(sandbox, args, **extra_env)
    assert fast.full_check is matters
    if fast.notes:
        assert mutation == "the cached environment is relinked to another Python"
        assert len(fast.notes) == 1
        assert "built for CPython 3.11.1" in fast.notes[0], fast.notes
        return
    full = audited(sandbox, args, UVSHIM_FAST_PATH="0", **extra_env)
    assert (fast.argv, fast.notes) == (full.argv, full.notes)


def test_a_memo_never_hides_a_build_change(sandbox: Sandbox, tool_wheels: Path) -> None:
    """A managed Python replaced by another build of the same version, in the same folder."""
    require_python(NEW)
    real = uv_release(NEWEST)
    sandbox.path_dirs = [real]
    pythons = sandbox.root / "pythons"
    fake_managed(pythons, "20240107")
    args = tool_args(tool_wheels)
    assert sandbox.run([str(real / "uvx"), *args]).stdout.startswith(f"shimcheck {NEW} ")
    with_memo(sandbox, args)  # its first run records the environment's build

    fake_managed(pythons, "20240814")
    changed = audited(sandbox, args)
    assert changed.full_check
    assert len(changed.notes) == 1, changed.notes
    assert "build 20240107" in changed.notes[0]
    assert "build 20240814" in changed.notes[0]


def test_what_it_cannot_decide_is_said_once_per_situation(sandbox: Sandbox,
                                                         tool_wheels: Path) -> None:
    """A warning on every run trains people to ignore uvshim's lines: a command the shim
    cannot decide is said once, then replayed silently while nothing the check read changed,
    and said again when something did."""
    require_python(NEW)
    real = uv_release(NEWEST)
    sandbox.path_dirs = [make_prefix(sandbox.root / "prefix", NEW, "symlinked"), real]
    args = tool_args(tool_wheels)
    # uv 0.13.9 reads "off" as false; how each release reads such spellings is not modelled.
    lenient = {"UVSHIM_STRICT": "0", "UV_MANAGED_PYTHON": "off"}
    audited(sandbox, args, **lenient)  # writes uvshim's state: no memo yet
    settle(*sandbox.folders)
    said = audited(sandbox, args, **lenient)
    assert said.full_check
    (line,) = said.notes
    assert line.startswith("uvshim: warning: UV_MANAGED_PYTHON='off' is not modelled")
    assert said.argv == [str(real / "uv"), "tool", "uvx", *args]
    quiet = audited(sandbox, args, **lenient)
    assert (quiet.full_check, quiet.notes, quiet.argv) == (False, [], said.argv)
    changed = audited(sandbox, args, **lenient, UVSHIM_REAL_UV=str(real / "uv"))
    assert changed.full_check
    assert changed.notes == [line]
