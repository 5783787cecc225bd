"""What a test sees after an interpreter swap, bare and through the launcher, checked alike
by every ``uv run --with`` repair test."""

from __future__ import annotations

import subprocess

CompletedRun = subprocess.CompletedProcess[str]


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("uvshim:")]


def assert_bare_after_swap(bare: CompletedRun, stale: bool, new: str) -> None:
    """Bare uv fails where it reuses the stale environment, and runs on ``new`` elsewhere."""
    if stale:
        assert bare.returncode != 0, "bare uv no longer reuses the stale environment"
        assert ("No module named 'shimcheck'" in bare.stderr
                or "_uv_ephemeral_overlay.pth" in bare.stderr), bare.stderr
    else:
        assert bare.stdout.startswith(f"shimcheck {new} "), bare.stderr


def assert_repaired(shimmed: CompletedRun, again: CompletedRun, stale: bool, new: str) -> None:
    """The launcher runs on ``new`` with one line where bare uv failed, none elsewhere; the
    next run says nothing."""
    assert shimmed.returncode == 0, shimmed.stderr
    assert shimmed.stdout.startswith(f"shimcheck {new} "), shimmed.stderr
    if stale:
        assert len(notes(shimmed.stderr)) == 1, shimmed.stderr
        assert f"interpreter is now CPython {new}" in notes(shimmed.stderr)[0]
    else:
        assert notes(shimmed.stderr) == [], shimmed.stderr
    assert again.stdout.startswith(f"shimcheck {new} "), again.stderr
    assert notes(again.stderr) == [], again.stderr
