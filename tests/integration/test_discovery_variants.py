"""Everyday machines with other kinds of Python nearby: the shim decides, stays silent on a
healthy cache and repairs the seed swap, with real uv and real interpreters.

Each situation puts something the shim once refused next to the interpreter uv really uses
(an active conda environment, a real PyPy on PATH, managed installations of other variants).
That interpreter is Python 3.11 at a fixed path, swapped for 3.12 in place between runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import uv_release
from _support.variants import (
    conda_environment,
    managed_pypy,
    managed_variant,
    pypy_folder,
    swappable_managed,
)
from uvshim.versions import Version

UV_VERSIONS = ("0.6.4", "0.8.24", "0.13.9")
OLD, NEW = "3.11", "3.12"


class World:
    """The sandbox, the swappable interpreter and how to swap it."""

    def __init__(self, sandbox: Sandbox, version: str) -> None:
        self.sandbox = sandbox
        self.version = Version(version)
        self.pythons = sandbox.root / "pythons"
        self.swap: Callable[[], None] = lambda: None
        self.path: list[Path] = []

    def path_prefix(self) -> Path:
        prefix = self.sandbox.root / "prefix"
        bindir = make_prefix(prefix, OLD, "unversioned")
        self.swap = _swapper(prefix)
        return bindir


def _swapper(prefix: Path) -> Callable[[], None]:
    def swap() -> None:
        swap_prefix(prefix, NEW, "unversioned")

    return swap


def _situation_conda_base(world: World) -> None:
    if world.version < Version("0.8.18"):
        # Up to 0.8.17 a prefix counts as base only when its folder is named base or root: a
        # Miniconda root is a named environment to uv, which uvx ignores; PATH is used.
        world.sandbox.extra_env.update(conda_environment(world.sandbox.root, "base", "3.13",
                                                         base=True))
        world.path = [world.path_prefix()]
        return
    variables = conda_environment(world.sandbox.root, "base", OLD, base=True)
    world.sandbox.extra_env.update(variables)
    prefix = Path(variables["CONDA_PREFIX"])
    world.swap = _swapper(prefix)
    # Another Python first on PATH: uvx takes the base environment before PATH.
    other = world.sandbox.root / "other"
    world.path = [make_prefix(other, "3.13", "symlinked")]


def _situation_conda_named(world: World) -> None:
    variables = conda_environment(world.sandbox.root, "work", "3.13", base=False)
    world.sandbox.extra_env.update(variables)
    # A named environment is not considered by uvx at all; the PATH interpreter is used.
    world.path = [world.path_prefix()]


def _situation_pypy_before(world: World) -> None:
    # Debian's pypy3 (and a python3.9 link to it, which uv queries and skips) ahead of CPython.
    folder = pypy_folder(world.sandbox.root / "pypy", "pypy3", "python3.9")
    world.path = [folder, world.path_prefix()]


def _situation_pypy_after(world: World) -> None:
    folder = pypy_folder(world.sandbox.root / "pypy", "pypy3", "python3.9")
    world.path = [world.path_prefix(), folder]


def _situation_managed_variants(world: World) -> None:
    # A plain managed 3.12 (the one uv uses) beside a free-threaded, a pre-release and a PyPy
    # installation that sort after it.
    swappable_managed(world.pythons, OLD)
    managed_variant(world.pythons, "cpython-3.12.0rc1-linux-x86_64-gnu", "3.12", "python3.12")
    managed_variant(world.pythons, "cpython-3.11.7+freethreaded-linux-x86_64-gnu", "3.11",
                    "python3.11t")
    managed_pypy(world.pythons)
    def swap() -> None:
        swappable_managed(world.pythons, NEW)

    world.swap = swap


def _situation_managed_pypy_only(world: World) -> None:
    # uv queries the managed PyPy first, skips it, and takes PATH.
    managed_pypy(world.pythons)
    world.path = [world.path_prefix()]


SITUATIONS: dict[str, Callable[[World], None]] = {
    "conda-base": _situation_conda_base,
    "conda-named": _situation_conda_named,
    "pypy-before-cpython": _situation_pypy_before,
    "pypy-after-cpython": _situation_pypy_after,
    "managed-variants-beside-plain": _situation_managed_variants,
    "managed-pypy-only": _situation_managed_pypy_only,
}


def _tool(uvx: Path, wheels: Path) -> list[str]:
    return [str(uvx), "--offline", "--find-links", str(wheels), "shimcheck"]


def _notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("uvshim:")]


@pytest.mark.parametrize("version", UV_VERSIONS)
@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_shim_decides_and_repairs(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                                  situation: str, version: str) -> None:
    for minor in (OLD, NEW, "3.13"):
        require_python(minor)
    world = World(sandbox, version)
    SITUATIONS[situation](world)
    real = uv_release(version)
    sandbox.path_dirs = [launchers, *world.path, real]

    for _ in range(2):  # builds the environment, then reuses it: silent both times
        healthy = sandbox.run(_tool(launchers / "uvx", tool_wheels))
        assert healthy.stdout.startswith(f"shimcheck {OLD} "), healthy.stderr
        assert _notes(healthy.stderr) == [], healthy.stderr

    world.swap()
    shimmed = sandbox.run(_tool(launchers / "uvx", tool_wheels))
    assert shimmed.returncode == 0, shimmed.stderr
    assert shimmed.stdout.startswith(f"shimcheck {NEW} "), shimmed.stderr
    notes = _notes(shimmed.stderr)
    assert len(notes) == 1, shimmed.stderr
    assert f"interpreter is now CPython {NEW}" in notes[0]
