"""uv's own variables, honoured through the shim exactly as uv honours them.

Each case builds the tool's environment with Python 3.11 under one setting, bumps the
interpreter to 3.12 at the same path (the unversioned layout, where every uv reuses the stale
environment), then runs `python -m uvshim uvx` (the CI entrypoint form) with the newest uv.
The shim must look in the cache uv uses, at the interpreter uv picks, and must leave alone
what uv does not use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

MANAGED_312 = "cpython-3.12.1-linux-x86_64-gnu"  # pyenv's 3.12.1, laid out as uv installs it


@dataclass(frozen=True)
class Case:
    cache: str  # where uv's cache must be, "{root}" for the sandbox
    env: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    after_bump: dict[str, str] = field(default_factory=dict)  # only for the shimmed run
    notes: int = 1  # uvshim lines expected
    offline_flag: bool = True
    python_on_path: bool = True
    stale_left: bool = False  # the stale environment is still there afterwards


CASES = {
    "UV_CACHE_DIR": Case("{root}/elsewhere", env={"UV_CACHE_DIR": "{root}/elsewhere"}),
    "XDG_CACHE_HOME": Case("{root}/xdg-cache/uv", unset=("UV_CACHE_DIR",)),
    # uv ignores a relative XDG_CACHE_HOME and falls back to ~/.cache.
    "XDG_CACHE_HOME relative": Case("{root}/home/.cache/uv", unset=("UV_CACHE_DIR",),
                                    env={"XDG_CACHE_HOME": "relative/cache"}),
    # A throw-away cache: nothing cached is used, so nothing is checked or dropped.
    "UV_NO_CACHE": Case("{root}/cache", after_bump={"UV_NO_CACHE": "1"}, notes=0,
                        stale_left=True),
    "UV_PYTHON": Case("{root}/cache", env={"UV_PYTHON": "{root}/prefix/bin/python3"},
                      python_on_path=False),
    "UV_OFFLINE": Case("{root}/cache", env={"UV_OFFLINE": "1"}, offline_flag=False),
    # A managed 3.12 appears after the bump: uv prefers it, so the stale environment of the
    # PATH interpreter is not the one uv would use and must stay.
    "UV_PYTHON_INSTALL_DIR": Case("{root}/cache", env={"UV_PYTHON_INSTALL_DIR": "{root}/mine"},
                                  notes=0, stale_left=True),
}


def tool_args(case: Case, wheels: Path) -> list[str]:
    return [*(["--offline"] if case.offline_flag else []), "--find-links", str(wheels),
            "shimcheck"]


def case_env(sandbox: Sandbox, case: Case, extra: dict[str, str]) -> dict[str, str]:
    env = sandbox.env()
    for name in case.unset:
        del env[name]
    env.update({k: v.format(root=sandbox.root) for k, v in {**case.env, **extra}.items()})
    return env


@pytest.mark.parametrize("name", sorted(CASES))
def test_uv_variable_is_honoured(sandbox: Sandbox, tool_wheels: Path, name: str) -> None:
    require_python("3.11")
    require_python("3.12")
    case = CASES[name]
    real = uv_release(NEWEST)
    bindir = make_prefix(sandbox.root / "prefix", "3.11", "unversioned")
    sandbox.path_dirs = [bindir, real] if case.python_on_path else [real]
    bare = [str(real / "uvx"), *tool_args(case, tool_wheels)]
    env = case_env(sandbox, case, {})
    assert sandbox.run(bare, env).stdout.startswith("shimcheck 3.11 ")
    cache = Path(case.cache.format(root=sandbox.root))
    assert (cache / "environments-v2").is_dir()

    swap_prefix(sandbox.root / "prefix", "3.12", "unversioned")
    if name == "UV_PYTHON_INSTALL_DIR":
        (sandbox.root / "mine").mkdir()
        make_prefix(sandbox.root / "mine" / MANAGED_312, "3.12", "symlinked")
    shimmed = sandbox.run([sys.executable, "-m", "uvshim", "uvx", *tool_args(case, tool_wheels)],
                          case_env(sandbox, case, case.after_bump))
    assert shimmed.returncode == 0, shimmed.stderr
    assert shimmed.stdout.startswith("shimcheck 3.12 "), shimmed.stderr
    assert shimmed.stderr.count("uvshim: ") == case.notes, shimmed.stderr

    if name == "UV_PYTHON_INSTALL_DIR":
        os.rename(sandbox.root / "mine", sandbox.root / "mine-gone")  # back to PATH's python
    later = sandbox.run(bare, env)
    assert later.stdout.startswith("shimcheck 3.12 ") is not case.stale_left, later.stderr


def test_installed_tool_in_uv_tool_dir_is_left_to_uv(sandbox: Sandbox, tool_wheels: Path,
                                                     ) -> None:
    """``uv tool install``ed into ``UV_TOOL_DIR``: uvx set it aside after the bump (its
    interpreter changed) and builds in the cache, so the shim has nothing to drop or touch."""
    require_python("3.11")
    require_python("3.12")
    real = uv_release(NEWEST)
    bindir = make_prefix(sandbox.root / "prefix", "3.11", "unversioned")
    sandbox.path_dirs = [bindir, real]
    sandbox.extra_env["UV_TOOL_DIR"] = str(sandbox.root / "my-tools")
    args = ["--offline", "--find-links", str(tool_wheels), "shimcheck"]
    installed = sandbox.run([str(real / "uv"), "tool", "install", *args])
    assert installed.returncode == 0, installed.stderr
    receipt = sandbox.root / "my-tools" / "shimcheck" / "uv-receipt.toml"
    before = receipt.read_bytes()

    swap_prefix(sandbox.root / "prefix", "3.12", "unversioned")
    shimmed = sandbox.run([sys.executable, "-m", "uvshim", "uvx", *args])
    assert shimmed.stdout.startswith("shimcheck 3.12 "), shimmed.stderr
    assert "uvshim: " not in shimmed.stderr
    assert receipt.read_bytes() == before
