"""A launcher never takes uv down: whatever happens to uvshim's installation, ``uvx`` and
``uv`` through its launchers behave like bare uv (exit status, stdout), after at most one
``uvshim:`` line that says what is wrong and how to repair it, and never a traceback.

uvshim is installed as a user installs it (a virtual environment on a copy of a pyenv Python,
or ``uv tool install``), with real uv, offline; then its installation is broken in each way
the launchers must survive, and every command is run bare and through the launchers, in the
environment a user has (no ``UVSHIM_STRICT``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from _support.deploy import offline_index, place_uv
from _support.installs import (
    Installation,
    install_uvshim,
    proves_unreadable,
    remove_distribution,
    truncate_module,
    unprivileged,
)
from _support.interpreters import installed_python, make_prefix, pyenv_versions_dir, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

BASE = "3.11"  # uvshim's own Python
TOOL_PYTHON = "3.12"  # the one uv runs the tool with
TOOL = ["--offline", "--find-links", "{wheels}", "shimcheck"]


def other_minors() -> list[str]:
    """Every Python 3 minor installed under pyenv but uvshim's own: a swap to each."""
    folder = pyenv_versions_dir()
    versions = folder.iterdir() if folder.is_dir() else iter(())
    names = {".".join(path.name.split(".")[:2]) for path in versions}
    found = [m for m in names if m.startswith("3.") and m != BASE and installed_python(m)]
    return sorted(found, key=lambda minor: int(minor.split(".")[1]))


def imports_uvshim(minor: str) -> bool:
    return int(minor.split(".")[1]) >= 9  # requires-python


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offline_index(tmp_path_factory.mktemp("index"))


@dataclass
class World:
    sandbox: Sandbox
    installation: Installation
    shims: Path  # `uvshim install --dir`: both launchers, first on PATH
    image: Path  # `uvshim install --replace-uvx`: the real uv beside uvshim's uvx
    wheels: Path
    wrap: Callable[[list[str]], list[str]] = list

    def env(self) -> dict[str, str]:
        env = self.sandbox.env()
        del env["UVSHIM_STRICT"]
        return env

    def invocations(self) -> dict[str, tuple[list[str], list[str]]]:
        """Each command, bare and through a launcher."""
        real = uv_release(NEWEST)
        tool = [part.format(wheels=self.wheels) for part in TOOL]
        return {
            "uvx": ([str(real / "uvx"), *tool], [str(self.shims / "uvx"), *tool]),
            "uv --version": ([str(real / "uv"), "--version"],
                             [str(self.shims / "uv"), "--version"]),
            "uv tool run": ([str(real / "uv"), "tool", "run", *tool],
                            [str(self.shims / "uv"), "tool", "run", *tool]),
            "replaced uvx": ([str(real / "uvx"), *tool], [str(self.image / "uvx"), *tool]),
        }

    def run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run(self.wrap(argv), self.env())


def make_world(sandbox: Sandbox, index: Path, wheels: Path) -> World:
    require_python(BASE)
    require_python(TOOL_PYTHON)
    real = uv_release(NEWEST)
    tool_python = make_prefix(sandbox.root / "tool-python", TOOL_PYTHON, "unversioned")
    shims = sandbox.root / "shims"
    sandbox.path_dirs = [shims, real, tool_python]
    env = sandbox.env()
    installation = install_uvshim(sandbox.root / "uvshim", BASE, real / "uv", index, env)
    image = place_uv(NEWEST, sandbox.root / "image" / "bin")
    for args in (["--dir", str(shims)], ["--dir", str(image), "--replace-uvx"]):
        done = sandbox.run([str(installation.uvshim), "install", *args], env)
        assert done.returncode == 0, done.stderr
    return World(sandbox, installation, shims, image, wheels)


def assert_like_bare_uv(world: World, lines: Callable[[str], int]) -> None:
    """Every command through a launcher: uv's exit status and stdout, ``lines(command)``
    ``uvshim:`` lines on stderr, and no traceback."""
    for name, (bare_argv, shim_argv) in world.invocations().items():
        bare, shimmed = world.run(bare_argv), world.run(shim_argv)
        assert bare.returncode == 0, (name, bare.stderr)
        assert (shimmed.returncode, shimmed.stdout) == (bare.returncode, bare.stdout), (
            name, shimmed.stderr)
        said = [line for line in shimmed.stderr.splitlines() if line.startswith("uvshim:")]
        assert len(said) == lines(name), (name, shimmed.stderr)
        assert "Traceback" not in shimmed.stderr, (name, shimmed.stderr)


def repairs(world: World, line: str) -> None:
    """The line a launcher says when it runs uv without uvshim names the repair."""
    assert line.endswith((f"reinstall uvshim and run `uvshim install --dir {world.shims}`, "
                          f"or take {world.shims} off PATH",
                          f"reinstall uvshim and run `uvshim install --dir {world.image} "
                          f"--replace-uvx`, or put the real uvx back: `mv {world.image}/.uvshim/"
                          f"replaced/uvx {world.image}/uvx`")), line


def said(world: World, argv: list[str]) -> str:
    done = world.run(argv)
    return next(line for line in done.stderr.splitlines() if line.startswith("uvshim:"))


def uninstall_uvshim(installation: Installation, env: dict[str, str]) -> None:
    uv = uv_release(NEWEST) / "uv"
    subprocess.run([str(uv), "pip", "uninstall", "--python", str(installation.python), "uvshim"],
                   env=env, check=True, capture_output=True)


FAULTS: dict[str, Callable[[World], object]] = {
    "its Python deleted": lambda world: shutil.rmtree(world.installation.prefix),
    "uvshim uninstalled": lambda world: uninstall_uvshim(world.installation, world.env()),
    "uvshim/entry.py truncated": lambda world: truncate_module(world.installation, "entry"),
    "uvshim/full_check.py truncated": lambda world: truncate_module(world.installation,
                                                                      "full_check"),
}
# What the launcher says, after "uvshim: warning: ".
SAID = {
    "its Python deleted": "cannot run {python}, the Python uvshim was installed in",
    "uvshim uninstalled": "{python} cannot load uvshim (ModuleNotFoundError: No module named "
                          "'uvshim')",
    "uvshim/entry.py truncated": "{python} cannot load uvshim (SyntaxError: ",
    "uvshim/full_check.py truncated": "{python} cannot load uvshim (SyntaxError: ",
}


def test_nothing_broken_says_nothing(sandbox: Sandbox, index: Path, tool_wheels: Path) -> None:
    world = make_world(sandbox, index, tool_wheels)
    assert_like_bare_uv(world, lambda _name: 0)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_broken_installation_runs_uv(sandbox: Sandbox, index: Path, tool_wheels: Path,
                                     fault: str) -> None:
    world = make_world(sandbox, index, tool_wheels)
    FAULTS[fault](world)
    assert_like_bare_uv(world, lambda _name: 1)
    line = said(world, world.invocations()["uvx"][1])
    expected = SAID[fault].format(python=world.installation.python)
    assert line.startswith(f"uvshim: warning: {expected}"), line
    repairs(world, line)
    repairs(world, said(world, world.invocations()["replaced uvx"][1]))


def test_a_dependency_it_does_not_import_here_changes_nothing(
        sandbox: Sandbox, index: Path, tool_wheels: Path) -> None:
    """platformdirs, uvshim's one dependency from Python 3.11, is imported only off Linux."""
    world = make_world(sandbox, index, tool_wheels)
    remove_distribution(world.installation, "platformdirs")
    assert_like_bare_uv(world, lambda _name: 0)


@pytest.mark.parametrize("minor", other_minors())
def test_python_swapped_for_another_minor(sandbox: Sandbox, index: Path, tool_wheels: Path,
                                          minor: str) -> None:
    world = make_world(sandbox, index, tool_wheels)
    swap_prefix(world.installation.prefix, minor, "unversioned")
    if imports_uvshim(minor):  # pure-Python imports through the launcher's own sys.path
        assert_like_bare_uv(world, lambda _name: 0)
        return
    assert_like_bare_uv(world, lambda _name: 1)
    line = said(world, world.invocations()["uvx"][1])
    assert line.startswith(f"uvshim: warning: {world.installation.python} cannot load uvshim ("
                           ), line
    repairs(world, line)


def test_site_packages_unreadable(sandbox: Sandbox, index: Path, tool_wheels: Path) -> None:
    world = make_world(sandbox, index, tool_wheels)
    site = world.installation.site_packages
    world.wrap = unprivileged
    site.chmod(0)
    try:
        assert proves_unreadable(site)  # as root too: the run cannot override the mode
        assert_like_bare_uv(world, lambda _name: 1)
        line = said(world, world.invocations()["uvx"][1])
    finally:
        site.chmod(0o755)
    assert line.startswith(f"uvshim: warning: {world.installation.python} cannot load uvshim "
                           "(ModuleNotFoundError: No module named 'uvshim')"), line


def test_uv_tool_installed_uvshim_whose_python_is_removed(
        sandbox: Sandbox, index: Path, tool_wheels: Path) -> None:
    """``uv tool install --python <prefix>``, launchers written, the prefix deleted; then
    uvshim reinstalled elsewhere checks and removes the launchers it did not write."""
    require_python(BASE)
    require_python(TOOL_PYTHON)
    real = uv_release(NEWEST)
    prefix = make_prefix(sandbox.root / "tool-install-python", BASE, "unversioned").parent
    tool_python = make_prefix(sandbox.root / "tool-python", TOOL_PYTHON, "unversioned")
    shims = sandbox.root / "shims"
    sandbox.path_dirs = [shims, real, tool_python]
    env = {**sandbox.env(), "UV_PYTHON_PREFERENCE": "only-system"}
    del env["UVSHIM_STRICT"]
    installed = sandbox.run([str(real / "uv"), "tool", "install", "--offline", "--find-links",
                             str(index), "--python", str(prefix / "bin" / "python3"), "uvshim"],
                            env)
    assert installed.returncode == 0, installed.stderr
    uvshim = sandbox.root / "tools-bin" / "uvshim"
    assert sandbox.run([str(uvshim), "install", "--dir", str(shims)], env).returncode == 0
    launcher_python = (shims / "uvx").read_text().split("\npython=", 1)[1].split("\n", 1)[0]
    assert launcher_python.startswith(str(sandbox.root / "tools" / "uvshim")), launcher_python

    shutil.rmtree(prefix)
    tool = [part.format(wheels=tool_wheels) for part in TOOL]
    for bare_argv, shim_argv in (([str(real / "uvx"), *tool], [str(shims / "uvx"), *tool]),
                                 ([str(real / "uv"), "--version"], ["uv", "--version"])):
        bare = sandbox.run(bare_argv, env)
        shimmed = subprocess.run(shim_argv, env=env, cwd=sandbox.root / "work", text=True,
                                 capture_output=True, timeout=300, check=False)
        assert (shimmed.returncode, shimmed.stdout) == (0, bare.stdout), shimmed.stderr
        assert shimmed.stderr.startswith(
            f"uvshim: warning: cannot run {launcher_python}, the Python uvshim was installed "
            f"in; running uv unchanged; reinstall uvshim and run `uvshim install --dir {shims}`"
            ), shimmed.stderr
        assert shimmed.stderr.count("uvshim:") == 1

    elsewhere = install_uvshim(sandbox.root / "elsewhere", BASE, real / "uv", index, env)
    check = sandbox.run([str(elsewhere.uvshim), "install", "--check", "--dir", str(shims)], env)
    assert check.returncode == 1
    assert check.stdout.splitlines()[1] == (
        f"uvx: its Python {launcher_python} is gone, so it runs uv without uvshim; point it at "
        f"this uvshim with `uvshim install --dir {shims}`, or remove it with `uvshim uninstall "
        f"--dir {shims}`")
    assert sum("is gone" in line for line in check.stdout.splitlines()) == 2
    removed = sandbox.run([str(elsewhere.uvshim), "uninstall"], env)
    assert removed.stdout.splitlines() == [f"removed {shims}/uvx", f"removed {shims}/uv"]
    again = subprocess.run(["uv", "--version"], env=env, capture_output=True, text=True,
                           check=False, timeout=60)
    assert (again.returncode, again.stderr) == (0, "")


def test_check_reports_a_launcher_that_cannot_load_uvshim(
        sandbox: Sandbox, index: Path, tool_wheels: Path) -> None:
    """uvshim uninstalled under its launchers, and reinstalled elsewhere: ``install --check``
    there names them, and ``uninstall`` finds them on PATH and removes them."""
    world = make_world(sandbox, index, tool_wheels)
    elsewhere = install_uvshim(sandbox.root / "elsewhere", BASE, uv_release(NEWEST) / "uv",
                               index, world.env())
    check = [str(elsewhere.uvshim), "install", "--check", "--dir", str(world.shims)]
    assert world.run(check).returncode == 0
    uninstall_uvshim(world.installation, world.env())
    done = world.run(check)
    assert done.returncode == 1, done.stderr
    python = world.installation.python
    assert [line for line in done.stdout.splitlines() if "cannot load" in line] == [
        f"{name}: {python} cannot load uvshim (ModuleNotFoundError: No module named "
        f"'uvshim'), so it runs uv without uvshim; point it at this uvshim with "
        f"`uvshim install --dir {world.shims}`, or remove it with `uvshim uninstall --dir "
        f"{world.shims}`" for name in ("uvx", "uv")]
    removed = world.run([str(elsewhere.uvshim), "uninstall"])
    assert removed.stdout.splitlines() == [
        f"removed {world.shims}/uvx", f"removed {world.shims}/uv"], removed.stderr
    assert os.path.exists(world.image / "uvx")  # not on PATH: left alone
