"""uvshim's own wheel and sdist, built as a release would be: from a clean copy of the
checkout (the files a clone of this working tree holds, nothing ignored, no .venv), with
``python -m build`` (the sdist first, then the wheel from the unpacked sdist, so a file the
sdist leaves out breaks the wheel too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def clean_copy(dest: Path) -> Path:
    """The files ``git clone`` of this working tree would hold, edits included."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is not there
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def build_distributions(checkout: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build", "--outdir", str(outdir),
                           str(checkout)], capture_output=True, text=True, timeout=600,
                          check=False)


def twine_check(*distributions: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           *map(str, distributions)], capture_output=True, text=True,
                          timeout=120, check=False)
