"""Every real release in the matrix passes the release check (``uvshim.contract.facts``):
the facts the model relies on hold, run for run, on the releases it was measured on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from _support.uv_binaries import MATRIX, under_test, uv_release
from uvshim.contract.facts import check_release
from uvshim.discovery.identity_cache import identify
from uvshim.versions import Version


@pytest.mark.parametrize("version", under_test(MATRIX))
def test_release_passes_the_check(version: str, tmp_path: Path) -> None:
    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    outcome = check_release(str(uv_release(version) / "uv"), python,
                            lambda path: identify(path, str(tmp_path)), timeout=120)
    assert outcome.version == Version(version)
    assert [f"it should {failure.fact}, but {failure.detail}"
            for failure in outcome.failures] == []
    assert outcome.added_options == ()
