"""A swap for ``uv run --with``: build with 3.11 at a path, swap 3.12 in, then bare uv and the
``uv`` launcher (tests/integration/test_uv_run_layouts.py, test_uv_run_requests.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.swap_checks import assert_bare_after_swap, assert_repaired
from _support.uv_binaries import reuses_stale_env, uv_release

if TYPE_CHECKING:
    from collections.abc import Callable

OLD, NEW = "3.11", "3.12"
PRINT = "import shimcheck; shimcheck.main()"


def run_with(first: str, wheels: Path, *options: str) -> list[str]:
    return [first, "run", *options, "--offline", "--find-links", str(wheels),
            "--with", "shimcheck", "python", "-c", PRINT]


class Swap(NamedTuple):
    version: str
    layout: str
    real: Path  # the folder of the real uv
    wheels: Path

    @property
    def stale(self) -> bool:
        return reuses_stale_env(self.version, self.layout)


def check_swap(sandbox: Sandbox, swap: Swap, shimmed_path: list[Path],
               options: tuple[str, ...] = (), after_swap: Callable[[], None] | None = None,
               ) -> None:
    """Build with 3.11 (PATH as the sandbox has it), swap, then bare uv, and the launcher twice
    with ``shimmed_path``."""
    real, wheels, stale = swap.real, swap.wheels, swap.stale
    first = sandbox.run(run_with(str(real / "uv"), wheels, *options))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr
    swap_prefix(sandbox.root / "prefix", NEW, swap.layout)
    if after_swap is not None:
        after_swap()
    bare = sandbox.run(run_with(str(real / "uv"), wheels, *options))
    assert_bare_after_swap(bare, stale, NEW)
    sandbox.path_dirs = shimmed_path
    shimmed = sandbox.run(run_with("uv", wheels, *options))
    again = sandbox.run(run_with("uv", wheels, *options))
    assert_repaired(shimmed, again, stale, NEW)


def prepare(sandbox: Sandbox, version: str, layout: str, wheels: Path) -> tuple[Swap, Path]:
    """The swap's facts and the folder of the interpreter built with."""
    require_python(OLD)
    require_python(NEW)
    swap = Swap(version, layout, uv_release(version), wheels)
    return swap, make_prefix(sandbox.root / "prefix", OLD, layout)
