"""``choose_tool_run_interpreter`` on fake folders with a fake ``identify``: the rules one by
one."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from _support.fake_pythons import NEWEST, World, chosen
from uvshim.discovery.managed import managed_root
from uvshim.discovery.request import parse_request, parse_tool_name
from uvshim.errors import UndecidableError
from uvshim.versions import Version


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)



def test_default_request_tries_python_before_python3(world: World) -> None:
    python = world.python("a", "python", "3.12.1")
    world.python("a", "python3", "3.11.7")
    world.on_path("a")
    assert chosen(world.choose()) == python


def test_versioned_request_tries_the_most_specific_name_first(world: World) -> None:
    world.python("a", "python", "3.12.1")
    specific = world.python("a", "python3.12", "3.12.1")
    world.on_path("a")
    assert chosen(world.choose(python="3.12")) == specific
    # 0.5.0 and 0.5.1 did not sort the names: plain ``python`` first.
    assert chosen(world.choose("0.5.0", python="3.12")) == str(world.root / "a" / "python")


def test_path_order_beats_name_order(world: World) -> None:
    world.python("a", "python", "3.12.1")
    minor = world.python("b", "python3.13", "3.13.0")
    world.on_path("b", "a")
    assert chosen(world.choose()) == minor


def test_virtual_environments_are_skipped(world: World) -> None:
    world.python("venv/bin", "python", "3.12.1")
    (world.root / "venv" / "pyvenv.cfg").write_text("home = /x\n")
    system = world.python("sys", "python3", "3.11.7")
    world.on_path("venv/bin", "sys")
    world.environ["VIRTUAL_ENV"] = str(world.root / "venv")
    assert chosen(world.choose()) == system


def test_an_interpreter_that_does_not_satisfy_the_request_is_skipped(world: World) -> None:
    world.python("a", "python", "3.11.7")
    wanted = world.python("b", "python3", "3.12.1")
    world.on_path("a", "b")
    assert chosen(world.choose(python=">=3.12")) == wanted
    assert world.choose(python="3.9") is None


def test_a_broken_script_is_skipped_but_an_unrunnable_file_is_undecidable(world: World) -> None:
    bad = world.python("a", "python", "3.12.1")
    world.broken.add(bad)
    good = world.python("b", "python", "3.11.7")
    world.on_path("a", "b")
    assert chosen(world.choose()) == good
    Path(bad).write_bytes(b"\x00garbage")
    with pytest.raises(UndecidableError):
        world.choose()


def test_managed_installation_comes_first_unless_the_preference_says_system(world: World) -> None:
    managed = world.managed("cpython-3.12.1-linux-x86_64-gnu", "3.12.1")
    system = world.python("a", "python", "3.11.7")
    world.on_path("a")
    choice = world.choose()
    assert chosen(choice) == managed
    assert choice is not None
    assert choice.managed_install == str(world.root / "pythons" / "cpython-3.12.1-linux-x86_64-gnu")
    assert chosen(world.choose(preference="only-system")) == system
    assert chosen(world.choose(preference="system")) == system
    world.environ["UV_NO_MANAGED_PYTHON"] = "1"
    assert chosen(world.choose()) == system
    assert chosen(world.choose("0.6.4")) == managed  # the variable came with 0.6.8


def test_newest_managed_installation_wins(world: World) -> None:
    world.managed("cpython-3.11.7-linux-x86_64-gnu", "3.11.7")
    newest = world.managed("cpython-3.12.1-linux-x86_64-gnu", "3.12.1")
    world.managed("cpython-3.12.1-macos-aarch64-none", "3.12.1")
    assert chosen(world.choose(preference="only-managed")) == newest


def test_minor_version_link_is_used_without_a_patch_request(world: World) -> None:
    folder = world.root / "pythons" / "cpython-3.12.1-linux-x86_64-gnu"
    direct = world.managed(folder.name, "3.12.1")
    (world.root / "pythons" / "cpython-3.12-linux-x86_64-gnu").symlink_to(folder)
    link = str(world.root / "pythons" / "cpython-3.12-linux-x86_64-gnu" / "bin" / "python3.12")
    assert chosen(world.choose()) == link
    assert chosen(world.choose(python="3.12.1")) == direct
    assert chosen(world.choose("0.6.4")) == direct  # links are honoured from 0.7.14


def test_build_pin_filters_managed_installations(world: World) -> None:
    world.managed("cpython-3.12.1-linux-x86_64-gnu", "3.12.1")
    system = world.python("a", "python", "3.11.7")
    world.on_path("a")
    world.environ["UV_PYTHON_CPYTHON_BUILD"] = "20240107"
    assert chosen(world.choose()) == system
    assert chosen(world.choose("0.8.0")) != system  # the variable came with 0.8.14


def test_global_pin_from_0_10_0_and_never_a_local_one(world: World) -> None:
    world.python("a", "python", "3.11.7")
    pinned = world.python("b", "python3", "3.12.1")
    world.on_path("a", "b")
    (world.root / "work" / ".python-version").write_text("3.12\n")
    assert chosen(world.choose()) != pinned
    (world.root / "config" / "uv").mkdir(parents=True)
    (world.root / "config" / "uv" / ".python-version").write_text("# pin\n3.12\n")
    choice = world.choose()
    assert chosen(choice) == pinned
    assert choice is not None
    assert "global .python-version" in choice.source
    assert chosen(world.choose("0.9.30")) != pinned
    assert chosen(world.choose(python="3.11")) != pinned


def test_python_targets_per_version(world: World) -> None:
    world.python("a", "python", "3.11.7")
    wanted = world.python("b", "python3.12", "3.12.1")
    world.on_path("a", "b")
    assert chosen(world.choose(command="python@3.12")) == wanted
    assert chosen(world.choose("0.5.0", command="python@3.12")) != wanted
    assert chosen(world.choose(command="python3.12")) == wanted
    assert chosen(world.choose("0.6.4", command="python3.12")) != wanted
    assert world.choose(command="python3.12", python="3.11") is None  # uv refuses both


def test_search_path_variable_replaces_path_from_0_11_8(world: World) -> None:
    world.python("a", "python", "3.11.7")
    other = world.python("b", "python", "3.12.1")
    world.on_path("a")
    world.environ["UV_PYTHON_SEARCH_PATH"] = str(world.root / "b")
    assert chosen(world.choose()) == other
    assert chosen(world.choose("0.11.7")) != other


def test_minor_files_are_ordered_by_version_from_0_12_5(world: World) -> None:
    world.python("a", "python3.11", "3.11.7")
    newest = world.python("a", "python3.12", "3.12.1")
    world.on_path("a")
    assert chosen(world.choose()) == newest
    in_directory_order = os.listdir(world.root / "a")[0]
    assert chosen(world.choose("0.12.4")) == str(world.root / "a" / in_directory_order)


def test_paths_and_names_as_requests(world: World) -> None:
    python = world.python("p/bin", "python3", "3.12.1")
    world.python("a", "python", "3.11.7")
    world.on_path("a", "p/bin")
    assert chosen(world.choose(python=python)) == python
    assert chosen(world.choose("0.12.5", python=str(world.root / "p"))) == python
    named = world.python("p/bin", "mypython", "3.12.1")
    assert chosen(world.choose(python="mypython")) == named
    assert world.choose(python=str(world.root / "missing" / "python")) is None


@pytest.mark.parametrize("environ", [{"UV_MANAGED_PYTHON": "yes"},
                                     {"UV_PYTHON_INSTALL_DIR": ""}])
def test_unmodelled_environment_is_undecidable(world: World, environ: dict[str, str]) -> None:
    world.python("a", "python", "3.12.1")
    world.on_path("a")
    world.environ.update(environ)
    with pytest.raises(UndecidableError):
        world.choose()


def project(world: World, pyproject: str | None) -> None:
    folder = world.root / "work" / "checkout"
    folder.mkdir()
    if pyproject is not None:
        (folder / "pyproject.toml").write_text(pyproject)


@pytest.mark.parametrize(("pyproject", "uv", "expected"), [
    ('[project]\nname = "t"\nrequires-python = ">=3.12"\n', NEWEST, "b"),  # inferred
    ('[project]\nname = "t"\n', NEWEST, "a"),  # no requires-python
    ('[project]\nname = "t"\nrequires-python = ">=3.12"\ndynamic = ["requires-python"]\n',
     NEWEST, "a"),  # a dynamic one is ignored
    ('[tool.x]\n', NEWEST, "a"),  # no [project]
    ("not = [valid", NEWEST, "a"),  # uv cannot read it and infers nothing
    (None, NEWEST, "a"),  # no pyproject.toml
])
def test_requires_python_of_a_directory_source(world: World, pyproject: str | None, uv: str,
                                               expected: str) -> None:
    world.python("a", "python", "3.11.7")
    want = world.python("b", "python", "3.12.1")
    world.on_path("a", "b")
    project(world, pyproject)
    found = {"a": str(world.root / "a" / "python"), "b": want}[expected]
    for spelling in ("./checkout", "checkout/", f"file://{world.root / 'work' / 'checkout'}",
                     "t @ ./checkout"):
        assert chosen(world.choose(uv, command=spelling)) == found, spelling


@pytest.mark.parametrize("source", [
    "git+https://example.com/t.git", "t @ git+https://example.com/t.git", "~/checkout"])
def test_a_source_whose_tree_is_not_known_is_undecidable(world: World, source: str) -> None:
    world.python("a", "python", "3.12.1")
    world.on_path("a")
    with pytest.raises(UndecidableError):
        world.choose(command=source)
    assert world.choose("0.11.16", command=source) is not None


@pytest.mark.parametrize("source", ["./dist/t-1.0-py3-none-any.whl",
                                    "https://example.com/t-1.0.tar.gz", "t==1.0", "t>=1"])
def test_archives_urls_and_names_infer_nothing(world: World, source: str) -> None:
    python = world.python("a", "python", "3.11.7")
    world.on_path("a")
    assert chosen(world.choose(command=source)) == python


def test_a_global_pin_beside_requires_python_is_undecidable(world: World) -> None:
    world.python("a", "python", "3.12.1")
    world.on_path("a")
    project(world, '[project]\nname = "t"\nrequires-python = ">=3.12"\n')
    (world.root / "config" / "uv").mkdir(parents=True)
    (world.root / "config" / "uv" / ".python-version").write_text("3.12\n")
    with pytest.raises(UndecidableError, match="intersection"):
        world.choose(command="./checkout")


@pytest.mark.parametrize(("text", "kind", "detail"), [
    ("3.12", "version", "3.12"), ("3.12.1", "version", "3.12.1"), (">=3.12", "version", ">=3.12"),
    ("cpython3.12", "implementation", "3.12"), ("cpython@3.12", "implementation", "3.12"),
    ("python3.12", "version", "3.12"), ("default", "default", "default"),
    ("python3", "version", "3"), ("mypython", "name", "default"),
])
def test_request_forms(text: str, kind: str, detail: str) -> None:
    request = parse_request(text, "/")
    assert (request.kind, request.version.describe()) == (kind, detail)


@pytest.mark.parametrize("text", ["3.13t", "3.14rc1", "312", "pypy3.10", "any", "==3.12",
                                  "cpython-3.12-linux-x86_64-gnu", "Python3"])
def test_unmodelled_request_forms(text: str) -> None:
    with pytest.raises(UndecidableError):
        parse_request(text, "/")


def test_tool_names_by_version() -> None:
    assert parse_tool_name("python3.12", Version("0.7.8")) is None
    request = parse_tool_name("python3.12", Version("0.7.9"))
    assert request is not None
    assert request.version.release == (3, 12)
    assert parse_tool_name("python@3.12", Version("0.5.25")) is None
    assert parse_tool_name("ruff", Version(NEWEST)) is None


def test_a_source_tree_that_excludes_the_first_interpreter_is_undecidable_before_0_11_17(
        world: World) -> None:
    """Up to 0.11.16 uv finds 3.11 first, resolves, and then looks for another interpreter."""
    world.python("a", "python", "3.11.7")
    world.python("b", "python", "3.12.1")
    world.on_path("a", "b")
    project(world, '[project]\nname = "t"\nrequires-python = ">=3.12"\n')
    with pytest.raises(UndecidableError, match="looks for another interpreter"):
        world.choose("0.11.16", command="./checkout")
    world.on_path("b", "a")
    assert chosen(world.choose("0.11.16", command="./checkout")) == str(world.root / "b" /
                                                                         "python")


@pytest.mark.parametrize(("environ", "uv", "expected"), [
    ({}, NEWEST, f"{pwd.getpwuid(os.getuid()).pw_dir}/.local/share/uv/python"),
    ({"HOME": ""}, NEWEST, f"{pwd.getpwuid(os.getuid()).pw_dir}/.local/share/uv/python"),
    ({"HOME": ""}, "0.8.18", "/work/.local/share/uv/python"),
    ({"HOME": "rel"}, NEWEST, "/work/rel/.local/share/uv/python"),
    ({"HOME": "/h", "XDG_DATA_HOME": "/x"}, NEWEST, "/x/uv/python"),
])
def test_managed_pythons_live_in_uvs_home(environ: dict[str, str], uv: str,
                                          expected: str) -> None:
    assert managed_root(environ, "/work", Version(uv)) == expected
