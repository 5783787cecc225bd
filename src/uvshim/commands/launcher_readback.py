"""Reading a launcher back: which Python and folders it runs, and whether they still load uvshim.

``install --check`` uses it on launchers this uvshim wrote, earlier releases wrote, or a
uvshim since removed wrote, so it reads every form the template has had.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@dataclass(frozen=True)
class LauncherTarget:
    """What a launcher runs: its Python, and the folders it puts first on sys.path."""

    python: str
    paths: tuple[str, ...]
    falls_back: bool  # runs uv without uvshim when that Python or uvshim is broken


# The template's lines ``python=@PYTHON@`` and ``sys.path[:0] = @PATHS@`` (shims/launcher.tmpl).
# An earlier uvshim's launcher was run by its "#!" line, or by a one-line shell exec when the
# path could not stand there, and had no fallback.
_PYTHON_LINE = re.compile(r"^python=(.+)$", re.MULTILINE)
_EARLIER_PYTHON = re.compile(r"""^(?:#!(\S+) -IS|''''exec (.+) -I -S "\$0".*)$""", re.MULTILINE)
_PATHS_LINE = re.compile(r"^sys\.path\[:0\] = (\[.*\])$", re.MULTILINE)


def launcher_target(text: str) -> LauncherTarget | None:
    """Parse a launcher written by this or an earlier ``uvshim install``; None if it is not."""
    python_line, paths_line = _PYTHON_LINE.search(text), _PATHS_LINE.search(text)
    earlier = None if python_line else _EARLIER_PYTHON.search(text)
    quoted = python_line[1] if python_line else earlier and (earlier[1] or earlier[2])
    if not quoted or paths_line is None:
        return None
    try:
        python, paths = shlex.split(quoted), json.loads(paths_line[1])
    except ValueError:
        return None
    if len(python) != 1 or not all(isinstance(p, str) for p in paths):
        return None
    return LauncherTarget(python[0], tuple(paths), falls_back=python_line is not None)


def launcher_problem(launcher: Path, loads: Callable[[str, tuple[str, ...]], str | None],
                     ) -> str | None:
    """Why ``launcher`` runs uv without uvshim (or, from an earlier uvshim, cannot run it at
    all); None when it works. ``loads`` tries its Python on its folders (``loads_uvshim``)."""
    try:
        target = launcher_target(launcher.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        return f"cannot read {launcher}: {exc.strerror}"
    if target is None:
        return None  # not a launcher any more: install --check says so on its own line
    if not (os.path.isfile(target.python) and os.access(target.python, os.X_OK)):
        problem = f"its Python {target.python} is gone"
    else:
        failure = loads(target.python, target.paths)
        if failure is None:
            return None
        problem = f"{target.python} cannot load uvshim ({failure})"
    if target.falls_back:
        return f"{problem}, so it runs uv without uvshim"
    return f"{problem}, and this launcher of an earlier uvshim fails instead of running uv"


# What the launcher imports: the replay, the full check and, for a uv.toml, a TOML parser.
_LOAD_PROBE = """import sys
sys.path[:0] = sys.argv[1:]
import uvshim.entry, uvshim.full_check
try:
    import tomllib
except ImportError:
    import tomli
"""


def loads_uvshim(python: str, paths: tuple[str, ...]) -> str | None:
    """None if ``python`` imports uvshim and what it needs from ``paths``, else the error."""
    try:
        done = subprocess.run([python, "-I", "-S", "-c", _LOAD_PROBE, *paths],
                              capture_output=True, text=True, errors="replace", timeout=60,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"
