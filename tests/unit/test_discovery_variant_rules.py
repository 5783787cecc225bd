"""Conda environments, other implementations and managed variants, rule by rule, on fake
folders with a fake ``identify`` (what each interpreter reports is set per path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _support.fake_pythons import World, chosen
from uvshim.discovery.conda import base_environment
from uvshim.errors import UndecidableError
from uvshim.versions import Version


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)



# --- conda ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "variables", "uv", "base"), [
    # 0.5.0-0.8.17: base only when the folder is named base/root and CONDA_DEFAULT_ENV says so.
    ("/opt/miniconda3", {"CONDA_DEFAULT_ENV": "base"}, "0.8.17", False),
    ("/opt/envs/base", {"CONDA_DEFAULT_ENV": "base"}, "0.6.4", True),
    ("/opt/envs/root", {"CONDA_DEFAULT_ENV": "base"}, "0.6.4", False),
    # 0.8.18+: _CONDA_ROOT, then the name heuristics.
    ("/opt/miniconda3", {"CONDA_DEFAULT_ENV": "base"}, "0.8.18", True),
    ("/opt/miniconda3/", {"_CONDA_ROOT": "/opt/miniconda3"}, "0.8.24", True),
    ("/opt/miniconda3", {}, "0.13.9", False),
    ("/opt/miniconda3/envs/work", {"CONDA_DEFAULT_ENV": "work"}, "0.13.9", False),
    ("/opt/envs/work", {"CONDA_DEFAULT_ENV": "/opt/envs/work"}, "0.13.9", False),
    ("/opt/miniconda3", {"CONDA_DEFAULT_ENV": "work"}, "0.13.9", True),
    ("/opt/envs/base", {"CONDA_DEFAULT_ENV": "base"}, "0.9.28", True),
    # 0.12.0 dropped the base/root special case.
    ("/opt/envs/base", {"CONDA_DEFAULT_ENV": "base"}, "0.12.0", False),
])
def test_conda_base_or_named(prefix: str, variables: dict[str, str], uv: str,
                             base: bool) -> None:
    environ = {"CONDA_PREFIX": prefix, **variables}
    assert (base_environment(environ, Version(uv)) is not None) == base


def test_conda_special_names_depend_on_preview_from_0_9_29() -> None:
    environ = {"CONDA_PREFIX": "/opt/envs/base", "CONDA_DEFAULT_ENV": "base"}
    with pytest.raises(UndecidableError, match="special-conda-env-names"):
        base_environment(environ, Version("0.10.12"))


def test_pixi_prefix_is_never_base_from_0_9_9(tmp_path: Path) -> None:
    (tmp_path / "conda-meta").mkdir()
    (tmp_path / "conda-meta" / "pixi").write_text("")
    environ = {"CONDA_PREFIX": str(tmp_path), "CONDA_DEFAULT_ENV": "default"}
    assert base_environment(environ, Version("0.9.8")) is not None
    assert base_environment(environ, Version("0.9.9")) is None


def test_conda_base_comes_before_managed_and_path(world: World) -> None:
    conda = world.python("conda/bin", "python3", "3.10.13")
    world.python("pythons/cpython-3.12.1-linux-x86_64-gnu/bin", "python3.12", "3.12.1")
    world.python("a", "python", "3.11.7")
    world.on_path("a")
    world.environ.update(CONDA_PREFIX=str(world.root / "conda"), CONDA_DEFAULT_ENV="base")
    assert chosen(world.choose()) == conda
    assert chosen(world.choose(python="3.11")) == str(world.root / "a" / "python")


def test_named_conda_environment_is_not_considered_by_uvx(world: World) -> None:
    world.python("envs/work/bin", "python3", "3.10.13")
    python = world.python("a", "python", "3.11.7")
    world.on_path("a")
    world.environ.update(CONDA_PREFIX=str(world.root / "envs" / "work"),
                         CONDA_DEFAULT_ENV="work")
    assert chosen(world.choose()) == python


def test_conda_base_pypy_is_taken_and_refused(world: World) -> None:
    world.python("conda/bin", "python3", "3.10.14", "PyPy")
    world.environ.update(CONDA_PREFIX=str(world.root / "conda"), CONDA_DEFAULT_ENV="base")
    with pytest.raises(UndecidableError, match="PyPy"):
        world.choose()


def test_conda_base_under_only_managed_is_skipped_from_0_10_12(world: World) -> None:
    world.python("conda/bin", "python3", "3.10.13")
    world.environ.update(CONDA_PREFIX=str(world.root / "conda"), CONDA_DEFAULT_ENV="base")
    assert world.choose(preference="only-managed") is None
    with pytest.raises(UndecidableError):
        world.choose("0.10.0", preference="only-managed")


# --- other implementations and builds on PATH ---------------------------------------------------


def test_pypy_under_a_minor_name_is_queried_and_skipped(world: World) -> None:
    world.python("pypy", "python3.10", "3.10.14", "PyPy")
    python = world.python("a", "python", "3.11.7")
    world.on_path("pypy", "a")
    assert chosen(world.choose()) == python


def test_pypy_under_a_default_name_is_taken_and_refused(world: World) -> None:
    world.python("pypy", "python3", "3.10.14", "PyPy")
    world.python("a", "python", "3.11.7")
    world.on_path("pypy", "a")
    with pytest.raises(UndecidableError, match="PyPy"):
        world.choose()


def test_free_threaded_minor_file_is_skipped_up_to_3_13(world: World) -> None:
    world.python("ft", "python3.13t", "3.13.0", gil_disabled=True)
    python = world.python("a", "python", "3.11.7")
    world.on_path("ft", "a")
    assert chosen(world.choose()) == python
    world.python("ft", "python3.14t", "3.14.0", gil_disabled=True)
    assert chosen(world.choose("0.8.24")) == python
    with pytest.raises(UndecidableError, match="free-threaded"):
        world.choose("0.9.0")  # 3.14t satisfies a default request from 0.9.0 (#16142)


# --- managed variants -------------------------------------------------------------------------


def _managed(world: World, key: str, name: str, version: str, implementation: str = "CPython",
             *, gil_disabled: bool = False) -> str:
    return world.python(f"pythons/{key}/bin", name, version, implementation,
                        gil_disabled=gil_disabled)


def test_unreached_variants_do_not_stop_the_decision(world: World) -> None:
    plain = _managed(world, "cpython-3.12.1-linux-x86_64-gnu", "python3.12", "3.12.1")
    _managed(world, "cpython-3.12.1+freethreaded-linux-x86_64-gnu", "python3.12t", "3.12.1",
             gil_disabled=True)
    _managed(world, "cpython-3.11.0rc1-linux-x86_64-gnu", "python3.11", "3.11.0rc1")
    _managed(world, "pypy-3.10.14-linux-x86_64-gnu", "pypy3.10", "3.10.14", "PyPy")
    (world.root / "pythons" / "cpython-3.10.0-linux-x86_64_v3-gnu").mkdir()
    assert chosen(world.choose()) == plain


def test_reached_variants_are_queried_and_skipped(world: World) -> None:
    _managed(world, "cpython-3.13.0+freethreaded-linux-x86_64-gnu", "python3.13t", "3.13.0",
             gil_disabled=True)
    _managed(world, "pypy-3.10.14-linux-x86_64-gnu", "pypy3.10", "3.10.14", "PyPy")
    plain = _managed(world, "cpython-3.12.1-linux-x86_64-gnu", "python3.12", "3.12.1")
    assert chosen(world.choose()) == plain


def test_managed_pre_release_is_the_last_resort(world: World) -> None:
    _managed(world, "cpython-3.14.0rc1-linux-x86_64-gnu", "python3.14", "3.14.0rc1")
    python = world.python("a", "python", "3.11.7")
    world.on_path("a")
    assert chosen(world.choose()) == python
    world.on_path()
    with pytest.raises(UndecidableError, match="falls back"):
        world.choose()


def test_reached_other_architecture_is_undecidable(world: World) -> None:
    (world.root / "pythons" / "cpython-3.13.0-linux-x86_64_v3-gnu").mkdir(parents=True)
    _managed(world, "cpython-3.12.1-linux-x86_64-gnu", "python3.12", "3.12.1")
    with pytest.raises(UndecidableError, match="another architecture"):
        world.choose()
    assert world.choose(python="3.12") is not None  # never reached for 3.12


def test_version_request_never_reaches_other_versions(world: World) -> None:
    _managed(world, "cpython-3.14.0a3+freethreaded-linux-x86_64-gnu", "python3.14t", "3.14.0a3",
             gil_disabled=True)
    (world.root / "pythons" / "cpython-3.13.0-linux-aarch64-gnu").mkdir(parents=True)
    plain = _managed(world, "cpython-3.12.1-linux-x86_64-gnu", "python3.12", "3.12.1")
    assert chosen(world.choose(python="3.12")) == plain
