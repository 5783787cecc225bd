"""The pure parts of the ``uv run`` model: which commands concern the shim, the project and
its environment, and the base interpreter of a virtual environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _support.fake_pythons import World
from uvshim.discovery.project import Project, base_python, environment_python, find_project
from uvshim.discovery.query import DiscoveryQuery
from uvshim.discovery.uv_run_interpreter import choose_uv_run_interpreter
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.argv import ArgvError, parse_uv, render, with_options
from uvshim.uv.options import Level
from uvshim.versions import Version

NEW, OLD = Version("0.13.9"), Version("0.5.0")


@pytest.mark.parametrize("args", [
    ["run", "pytest", "-x"],
    ["run", "python", "-c", "pass"],
    ["run", "--no-project", "python", "script.py"],  # a local script: its own environment
    ["-q", "sync"],
    ["pip", "install", "--with", "x"],
    ["run", "pytest", "--with-coverage"],  # the tool's option, after the command
])
def test_commands_that_reuse_no_cached_environment_go_through(args: list[str]) -> None:
    assert parse_uv(args, NEW) is None


@pytest.mark.parametrize(("args", "version"), [
    (["run", "--with", "x", "python"], NEW),
    (["run", "-w", "x", "python"], NEW),
    (["run", "-qwx", "python"], NEW),
    (["run", "--with-editable", ".", "python"], NEW),
    (["run", "--with-requirements=r.txt", "python"], NEW),
    (["--directory", "d", "run", "--no-project", "--with", "x", "ipython"], NEW),
    (["run", "-"], NEW),
    (["run", "https://example.com/s.py"], NEW),
    (["run", "script.py"], OLD),  # up to 0.5.30 a script's requirements are cached
    (["run", "--script", "s"], OLD),
])
def test_commands_that_may_reuse_one_are_parsed(args: list[str], version: Version) -> None:
    inv = parse_uv(args, version)
    assert inv is not None
    assert inv.level == Level.UV_RUN
    assert render(inv) == args


def test_options_are_those_of_the_release() -> None:
    with pytest.raises(ArgvError):
        parse_uv(["run", "-w", "x", "python"], Version("0.7.13"))  # -w from 0.7.22
    inv = parse_uv(["run", "--active", "--with", "x", "python"], NEW)
    assert inv is not None
    assert render(with_options(inv, ["--no-cache"])) == [
        "run", "--active", "--with", "x", "--no-cache", "python"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


PROJECT = '[project]\nname = "p"\nversion = "0"\nrequires-python = ">=3.11"\n'


def test_the_nearest_pyproject_is_the_project(tmp_path: Path) -> None:
    write(tmp_path / "p" / "pyproject.toml", PROJECT)
    (tmp_path / "p" / "src" / "deep").mkdir(parents=True)
    project = find_project(str(tmp_path / "p" / "src" / "deep"), {}, NEW)
    assert project is not None
    assert project.root == str(tmp_path / "p")
    assert project.requires_python == ">=3.11"
    assert project.environment == str(tmp_path / "p" / ".venv")
    moved = find_project(str(tmp_path / "p"), {"UV_PROJECT_ENVIRONMENT": "../env"},
                         NEW)
    assert moved is not None
    assert moved.environment == str(tmp_path / "env")
    assert find_project(str(tmp_path), {}, NEW) is None


@pytest.mark.parametrize("text", [
    "not toml [",
    PROJECT + '[tool.uv]\ndefault-groups = 3\n[tool.uv.dependency-groups]\ndev = {}\n'
    '[dependency-groups]\ndev = []\n',
])
def test_what_is_not_modelled_is_undecidable(tmp_path: Path, text: str) -> None:
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(UndecidableError):
        find_project(str(tmp_path), {}, NEW)


def test_a_pyproject_that_only_configures_tools(tmp_path: Path) -> None:
    """From 0.8.18 a workspace root without members; before, uv run refuses it."""
    write(tmp_path / "pyproject.toml", '[tool.ruff]\nline-length = 100\n')
    (tmp_path / "src").mkdir()
    project = find_project(str(tmp_path / "src"), {}, NEW)
    assert project == Project(str(tmp_path), None, str(tmp_path / ".venv"))
    with pytest.raises(UvRefusesError):
        find_project(str(tmp_path), {}, Version("0.8.17"))


def test_an_unmanaged_project_is_no_project_to_uv_run(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PROJECT + "[tool.uv]\nmanaged = false\n")
    assert find_project(str(tmp_path), {}, NEW) is None


def fake_install(prefix: Path, minor: str) -> Path:
    """An installation uv's landmark finds: ``lib/pythonX.Y/os.py`` and ``bin/python3.X``."""
    write(prefix / "lib" / f"python{minor}" / "os.py", "")
    executable = write(prefix / "bin" / f"python{minor}", "")
    os.symlink(f"python{minor}", prefix / "bin" / "python3")
    return executable


def fake_venv(root: Path, base: Path) -> Path:
    """A virtual environment as uv makes it: ``python`` links to the base as discovered,
    ``python3`` to ``python``."""
    write(root / "pyvenv.cfg", f"home = {base.parent}\n")
    (root / "bin").mkdir()
    os.symlink(base, root / "bin" / "python")
    os.symlink("python", root / "bin" / "python3")
    return root / "bin" / "python3"


def test_the_base_of_a_virtual_environment(tmp_path: Path) -> None:
    real = fake_install(tmp_path / "prefix", "3.12")
    venv_python = fake_venv(tmp_path / "venv", tmp_path / "prefix" / "bin" / "python3")
    assert environment_python(str(tmp_path / "venv")) == str(venv_python)
    # 3.11+: sys._base_executable is the link's target, on every release.
    assert base_python(str(venv_python), (3, 12), OLD) == str(real)
    assert base_python(str(venv_python), (3, 12), NEW) == str(real)
    # up to 3.10: the environment's own executable up to 0.5.28; from 0.5.29 followed to the
    # first link whose folder above holds the landmark.
    assert base_python(str(venv_python), (3, 10), OLD) == str(venv_python)
    fake_install(tmp_path / "p310", "3.10")
    old_python = fake_venv(tmp_path / "venv310", tmp_path / "p310" / "bin" / "python3")
    assert base_python(str(old_python), (3, 10), NEW) == str(tmp_path / "p310" / "bin" / "python3")


def test_an_environment_without_pyvenv_cfg_or_interpreter_is_made_anew(tmp_path: Path) -> None:
    assert environment_python(str(tmp_path / "missing")) is None
    write(tmp_path / "venv" / "pyvenv.cfg", "home = /gone\n")
    (tmp_path / "venv" / "bin").mkdir()
    os.symlink("/gone/python3", tmp_path / "venv" / "bin" / "python3")
    assert environment_python(str(tmp_path / "venv")) is None


def never(path: str) -> object:
    raise AssertionError(f"identified {path}")


@pytest.mark.parametrize(("args", "environ", "message"), [
    (["run", "--with", "x", "-"], {}, "stdin or a URL"),
])
def test_what_uv_run_does_not_model_is_undecidable(tmp_path: Path, args: list[str],
                                                    environ: dict[str, str],
                                                    message: str) -> None:
    inv = parse_uv(args, NEW)
    assert inv is not None
    query = DiscoveryQuery(inv, environ, str(tmp_path), NEW, None, never)  # type: ignore[arg-type]
    with pytest.raises(UndecidableError, match=message):
        choose_uv_run_interpreter(query)


def test_a_pep_723_script_is_undecidable_where_it_is_cached(tmp_path: Path) -> None:
    write(tmp_path / "s.py", "# /// script\n# dependencies = []\n# ///\n")
    inv = parse_uv(["run", "s.py"], OLD)
    assert inv is not None
    query = DiscoveryQuery(inv, {}, str(tmp_path), OLD, None, never)  # type: ignore[arg-type]
    with pytest.raises(UndecidableError, match="PEP 723"):
        choose_uv_run_interpreter(query)


@pytest.mark.parametrize(("args", "env", "files", "origin"), [
    (["--python", "3.12"], {}, {}, "--python 3.12: "),
    ([], {"UV_PYTHON": "3.12"}, {}, "UV_PYTHON=3.12: "),
    ([], {}, {".python-version": "3.12\n"}, "the .python-version at {work}/.python-version: "),
    ([], {}, {"pyproject.toml": PROJECT.replace(">=3.11", ">=3.12")},
     "requires-python >=3.12 of the project at {work}: "),
])
def test_the_why_says_where_the_request_came_from(tmp_path: Path, args: list[str],
                                                  env: dict[str, str], files: dict[str, str],
                                                  origin: str) -> None:
    """A pin or ``requires-python`` is labelled as what it is, never as ``--python``."""
    world = World(tmp_path)
    world.python("a", "python", "3.11.7")
    newer = world.python("b", "python3", "3.12.1")
    world.on_path("a", "b")
    work = tmp_path / "work"
    for name, text in files.items():
        write(work / name, text)
    inv = parse_uv(["run", *args, "--with", "x", "python"], NEW)
    assert inv is not None
    query = DiscoveryQuery(inv, {**world.environ, **env}, str(work), NEW, None, world.identify)
    choice = choose_uv_run_interpreter(query)
    assert choice is not None
    assert choice.executable == newer
    assert choice.source.startswith(origin.format(work=work)), choice.source
