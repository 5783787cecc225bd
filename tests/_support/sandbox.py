"""An isolated world for one integration test, the environment of any process a test starts,
and the rule for missing interpreters.

A missing interpreter skips a test on a laptop and fails it in CI (``CI=true``): there the
integration tests must really run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from _support.interpreters import installed_python

# All a process a test starts keeps of the host's environment: the locale, the temporary folder
# and the certificate bundle. The system's folders end the PATH of a process on the host.
HOST_VARIABLES = ("LANG", "TMPDIR", "SSL_CERT_FILE")
SYSTEM_PATH = ("/usr/bin", "/bin")


def isolated_env(home: Path, path: Sequence[str | Path], **variables: str) -> dict[str, str]:
    """An environment with nothing of the host's but ``HOST_VARIABLES``: ``home``, the folders
    of ``path`` (which ends with ``SYSTEM_PATH``, or an image's own), never a Python download,
    then ``variables``."""
    env = {"HOME": str(home), "PATH": os.pathsep.join(map(str, path)),
           "UV_PYTHON_DOWNLOADS": "never"}
    env.update({name: os.environ[name] for name in HOST_VARIABLES if name in os.environ})
    env.update(variables)
    return env


def uv_folders(root: Path) -> dict[str, str]:
    """The variables that put every folder uv and uvshim read or write under ``root``."""
    return {
        "UV_CACHE_DIR": str(root / "cache"),
        "UV_TOOL_DIR": str(root / "tools"),
        "UV_TOOL_BIN_DIR": str(root / "tools-bin"),
        "UV_PYTHON_INSTALL_DIR": str(root / "pythons"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "xdg-cache"),
        "UVSHIM_CACHE_DIR": str(root / "uvshim-state"),
    }


def missing(what: str) -> NoReturn:
    """Skip the test for want of ``what``; in CI, fail it."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; CI must run the integration tests")
    pytest.skip(what)


def require_python(minor: str) -> None:
    if installed_python(minor) is None:
        missing(f"Python {minor} is not installed under pyenv")


@dataclass
class Sandbox:
    """One isolated world: its own uv cache, tool, python and config folders."""

    root: Path
    path_dirs: list[Path] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None  # where commands run; ``root/work`` unless set

    def env(self) -> dict[str, str]:
        variables = {**uv_folders(self.root), "UVSHIM_STRICT": "1", **self.extra_env}
        return isolated_env(self.root / "home", [*self.path_dirs, *SYSTEM_PATH], **variables)

    @property
    def folders(self) -> list[Path]:
        """Where everything its runs look at lives: its root and its PATH folders."""
        return [self.root, *self.path_dirs]

    def run(self, argv: list[str], env: Mapping[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, env=dict(env or self.env()), cwd=self.cwd or self.root / "work",
                              capture_output=True, text=True, timeout=300, check=False)
