"""On PATH ahead of uv, as a new user does it, wherever uv itself was installed.

In a temporary root standing for the user's machine (HOME inside it, no uv or uvshim setting
in the environment), with real uv binaries placed where each installer puts them:
`uvshim install` with its default folder, the PATH line it prints, `uvshim install --check`,
an image bump repaired through plain `uvx`, and `uvshim uninstall` leaving uv as it was.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from _support.deploy import place_uv, run_shell
from _support.interpreters import make_prefix, swap_prefix
from _support.sandbox import SYSTEM_PATH, isolated_env, require_python
from _support.uv_binaries import NEWEST

UVSHIM = str(Path(sys.executable).with_name("uvshim"))
EXPORT_LINE = re.compile(r'^  (export PATH="[^"]+:\$PATH")$', re.MULTILINE)


def place_release(folder: Path) -> Path:
    """The newest uv's files, copied (not linked to the shared cache): the test stamps them to
    prove that nothing wrote them, and a link's ctime moves with every other link's."""
    return place_uv(NEWEST, folder, copy=True)


def place_pip(root: Path) -> Path:
    """`pip install uv` in a virtual environment: real files in its bin folder."""
    return place_release(root / "venv" / "bin")


def place_uv_tool(root: Path) -> Path:
    """`uv tool install uv`: the binaries in uv's tool folder, symlinks in ~/.local/bin."""
    tool_bin = place_release(root / "home" / ".local" / "share" / "uv" / "tools" / "uv" / "bin")
    links = root / "home" / ".local" / "bin"
    links.mkdir(parents=True)
    for name in ("uv", "uvx"):
        (links / name).symlink_to(tool_bin / name)
    return links


def place_standalone(root: Path) -> Path:
    """The standalone installer: real files in ~/.local/bin."""
    return place_release(root / "home" / ".local" / "bin")


def place_usr_local(root: Path) -> Path:
    """uv's Docker images, and `COPY --from=ghcr.io/astral-sh/uv`: /usr/local/bin."""
    return place_release(root / "usr" / "local" / "bin")


LAYOUTS = {"pip": place_pip, "uv tool install": place_uv_tool,
           "standalone installer": place_standalone, "/usr/local/bin": place_usr_local}


def file_stamps(folder: Path) -> dict[str, tuple[int, ...]]:
    """What changes when a file (or the link itself) is replaced or written; not atime."""
    stamps: dict[str, tuple[int, ...]] = {}
    for name in ("uv", "uvx"):
        st = os.lstat(folder / name)
        stamps[name] = (st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return stamps


def user_env(root: Path, path: list[Path]) -> dict[str, str]:
    return isolated_env(root / "home", [*path, *SYSTEM_PATH], UVSHIM_STRICT="1")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_install_on_path_ahead_of_uv(tmp_path: Path, tool_wheels: Path, layout: str) -> None:
    require_python("3.11")
    require_python("3.12")
    root = tmp_path / "machine"
    (root / "home").mkdir(parents=True)
    uv_bin = LAYOUTS[layout](root)
    uv_files = file_stamps(uv_bin)
    python_bin = make_prefix(root / "python", "3.11", "unversioned")
    env = user_env(root, [uv_bin, python_bin])
    tool = f"uvx --offline --find-links {tool_wheels} shimcheck"

    installed = run_shell(f"{UVSHIM} install", env, root)
    assert installed.returncode == 0, installed.stderr
    shims = root / "home" / ".local" / "share" / "uvshim" / "bin"
    export = EXPORT_LINE.search(installed.stdout)
    assert export is not None, installed.stdout
    assert export.group(1) == f'export PATH="{shims}:$PATH"'

    not_yet = run_shell(f"{UVSHIM} install --check", env, root)
    assert not_yet.returncode == 1
    assert f"uvx: PATH runs {uv_bin}/uvx first" in not_yet.stdout
    check = run_shell(f"{export.group(1)}; {UVSHIM} install --check", env, root)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-1] == (f"real uv: {uv_bin}/uv (uv {NEWEST}); "
                                             "the launchers call it")

    assert run_shell(tool, env, root).stdout.startswith("shimcheck 3.11 ")
    swap_prefix(root / "python", "3.12", "unversioned")
    assert not run_shell(tool, env, root).stdout.startswith("shimcheck 3.12 ")
    shimmed = run_shell(f"{export.group(1)}; {tool}", env, root)
    assert shimmed.stdout.startswith("shimcheck 3.12 "), shimmed.stderr
    assert shimmed.stderr.count("uvshim: ") == 1, shimmed.stderr

    removed = run_shell(f"{UVSHIM} uninstall", env, root)
    assert removed.stdout.splitlines() == [f"removed {shims}/uvx", f"removed {shims}/uv"]
    assert not shims.exists()
    assert file_stamps(uv_bin) == uv_files
    assert run_shell(f"{export.group(1)}; command -v uvx", env, root).stdout == f"{uv_bin}/uvx\n"


def test_install_refuses_the_folder_holding_the_real_uv(tmp_path: Path) -> None:
    root = tmp_path / "machine"
    uv_bin = place_standalone(root)
    before = (uv_bin / "uv").read_bytes()
    refused = run_shell(f"{UVSHIM} install --dir {uv_bin}", user_env(root, [uv_bin]), root)
    assert refused.returncode == 1
    assert refused.stderr == (f"uvshim: error: {uv_bin}/uvx exists and is not a uvshim "
                              "launcher; choose another --dir, or --replace-uvx to replace the "
                              "real uvx (uninstall puts it back)\n")
    only_uv = run_shell(f"{UVSHIM} install --dir {uv_bin} --only uv", user_env(root, [uv_bin]),
                        root)
    assert only_uv.returncode == 1
    assert "uvshim never replaces it" in only_uv.stderr
    assert (uv_bin / "uv").read_bytes() == before
    assert sorted(p.name for p in uv_bin.iterdir()) == ["uv", "uvx"]
