"""Which tools a cached environment holds, for environments with tricky metadata: each row is
an environment as uv leaves it (a pyvenv.cfg, one dist-info per distribution) and the names a
``uvshim:`` line gives it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from _support.distributions import add_distribution
from uvshim.distributions import tools_in

Row = Sequence[tuple[str, Sequence[str]]]  # (name, Requires-Dist values)

TABLE: dict[str, tuple[Row, tuple[str, ...]]] = {
    # pytokens 0.3 asks for black under its "dev" extra, which `uvx black` does not install.
    "an extra nobody installed": (
        [("black", ["click>=8", "pytokens>=0.1"]), ("click", []),
         ("pytokens", ['black; extra == "dev"', 'pytest; extra == "dev"'])],
        ("black",)),
    "a tool that requires another": (
        [("tox-uv", ["tox<5,>=4", "uv"]), ("tox", ["pluggy"]), ("pluggy", []), ("uv", [])],
        ("tox-uv",)),
    "an extra another distribution asks for": (
        [("app", ["lib[fast]>=1"]), ("lib", ['speedups; extra == "fast"']), ("speedups", [])],
        ("app",)),
    "a tool's own extra, all of it installed (--from 'black[d]')": (
        [("black", ['aiohttp>=3; extra == "d"']), ("aiohttp", [])],
        ("black",)),
    "a tool's own extra, part of it installed (--with ipython)": (
        [("black", ['ipython; extra == "jupyter"', 'tokenize-rt; extra == "jupyter"']),
         ("ipython", [])],
        ("black", "ipython")),
    # The environment is CPython 3.12.1: the running interpreter's version must not count.
    "a marker false for the environment's interpreter": (
        [("black", ['tomli; python_version < "3.12"']), ("tomli", [])],
        ("black", "tomli")),
    "a marker true for the environment's interpreter": (
        [("black", ['typing-extensions; python_full_version >= "3.12.1"']),
         ("typing_extensions", [])],
        ("black",)),
    "a marker on the implementation": (
        [("tool", ['cffi; implementation_name == "cpython"',
                   'pypy-only; platform_python_implementation == "PyPy"']),
         ("cffi", []), ("pypy-only", [])],
        ("pypy-only", "tool")),
    "names with dots, dashes, underscores and capitals": (
        [("Twisted", ["zope_interface>=5", "Automat"]), ("zope.interface", []),
         ("automat", []), ("jaraco.text", ["jaraco-functools"]), ("jaraco.functools", [])],
        ("Twisted", "jaraco.text")),
    "a distribution that requires itself": (
        [("coverage", ['coverage[toml]; extra == "all"', "coverage"])],
        ("coverage",)),
    "a cycle that nothing outside requires": (
        [("left", ["right"]), ("right", ["left"]), ("leaf", [])],
        ("leaf", "left", "right")),
    "a cycle under a tool": (
        [("tool", ["left"]), ("left", ["right"]), ("right", ["left"])],
        ("tool",)),
    "a requirement packaging cannot read": (
        [("tool", ["helper (>=1 ;;; nonsense", "!!!"]), ("helper", [])],
        ("tool",)),
    "a requirement on something not installed": (
        [("tool", ["missing>=1"])],
        ("tool",)),
}


def _environment(root: Path, row: Row) -> Path:
    (root / "pyvenv.cfg").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyvenv.cfg").write_text("home = /p/bin\nimplementation = CPython\n"
                                     "version_info = 3.12.1\n")
    for name, requires in row:
        add_distribution(root, name, requires)
    return root


@pytest.mark.parametrize("case", sorted(TABLE))
def test_an_environment_is_named_by_its_tools(tmp_path: Path, case: str) -> None:
    row, expected = TABLE[case]
    assert tools_in(str(_environment(tmp_path / "env", row))) == expected


def _site(root: Path) -> Path:
    return root / "lib" / "python3.12" / "site-packages"


def test_an_empty_metadata_leaves_the_tools_untold(tmp_path: Path) -> None:
    root = _environment(tmp_path / "env", [("black", ["pytokens"]), ("pytokens", [])])
    assert tools_in(str(root)) == ("black",)
    (_site(root) / "pytokens-1.0.dist-info" / "METADATA").write_text("")
    assert tools_in(str(root)) == ()


def test_a_missing_metadata_or_dist_info_leaves_the_tools_untold(tmp_path: Path) -> None:
    root = _environment(tmp_path / "env", [("black", ["pytokens"]), ("pytokens", [])])
    (_site(root) / "pytokens-1.0.dist-info" / "METADATA").unlink()
    assert tools_in(str(root)) == ()
    empty = _environment(tmp_path / "empty", [])
    _site(empty).mkdir(parents=True)
    assert tools_in(str(empty)) == ()
    assert tools_in(str(tmp_path / "missing")) == ()


def test_markers_follow_the_site_packages_folder_without_a_pyvenv_cfg(tmp_path: Path) -> None:
    for minor, expected in (("3.10", ("black",)), ("3.12", ("black", "tomli"))):
        root = tmp_path / minor
        add_distribution(root, "black", ['tomli; python_version < "3.11"'], python=minor)
        add_distribution(root, "tomli", python=minor)
        assert tools_in(str(root)) == expected
