"""The failure, reproduced with real uv and real interpreters, and repaired by the shim.

For every uv in the matrix and both layouts: build the tool's environment with Python 3.11,
swap the installation at the same path for 3.12 (an image bump on a shared cache), then
- bare uvx must fail where uv reuses the stale environment (the test sees it fail),
- uvx through the shim prints the 3.12 tool and one ``uvshim:`` line,
- later bare uvx runs work too: the repair lasts.
Where uv itself copes (the symlinked layout from 0.7.14 on), the shim must stay invisible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _support.interpreters import LAYOUTS, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import MATRIX, reuses_stale_env, uv_release

OLD, NEW = "3.11", "3.12"


def tool_cmd(first: str, wheels: str) -> list[str]:
    return [first, "--offline", "--find-links", wheels, "shimcheck"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("version", MATRIX)
def test_stale_env_is_rebuilt(sandbox: Sandbox, tool_wheels: Path, launchers: Path,
                              version: str, layout: str) -> None:
    require_python(OLD)
    require_python(NEW)
    real = uv_release(version)
    prefix = sandbox.root / "prefix"
    bindir = make_prefix(prefix, OLD, layout)
    sandbox.path_dirs = [bindir, real]
    wheels = str(tool_wheels)

    first = sandbox.run(tool_cmd(str(real / "uvx"), wheels))
    assert first.stdout.startswith(f"shimcheck {OLD} "), first.stderr

    swap_prefix(prefix, NEW, layout)
    bare = sandbox.run(tool_cmd(str(real / "uvx"), wheels))
    stale = reuses_stale_env(version, layout)
    if stale:
        assert not bare.stdout.startswith(f"shimcheck {NEW} "), "uv no longer reuses it"
    else:
        assert bare.stdout.startswith(f"shimcheck {NEW} "), bare.stderr

    sandbox.path_dirs = [launchers, bindir, real]
    shimmed = sandbox.run(tool_cmd(str(launchers / "uvx"), wheels))
    assert shimmed.returncode == 0, shimmed.stderr
    assert shimmed.stdout.startswith(f"shimcheck {NEW} "), shimmed.stderr
    notes = [line for line in shimmed.stderr.splitlines() if line.startswith("uvshim:")]
    if stale:
        assert len(notes) == 1, shimmed.stderr
        assert f"interpreter is now CPython {NEW}" in notes[0]
    else:
        assert notes == []

    again = sandbox.run(tool_cmd(str(real / "uvx"), wheels))
    assert again.stdout.startswith(f"shimcheck {NEW} "), again.stderr
