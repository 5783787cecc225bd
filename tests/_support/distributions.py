"""An installed distribution in a fake environment, as uv leaves it: a ``*.dist-info`` folder
with a METADATA file (name and requirements)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def add_distribution(root: Path, name: str, requires: Sequence[str] = (),
                     python: str = "3.12") -> None:
    site = root / "lib" / f"python{python}" / "site-packages"
    dist_info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (dist_info / "METADATA").write_text("\n".join(lines) + "\n\nA description: Name: not-this\n")


Row = Sequence[tuple[str, Sequence[str]]]  # (name, Requires-Dist values)

# Environments with tricky metadata and the tools a ``uvshim:`` line names them by; each
# holds for CPython 3.12.1 and 3.13.0 alike.
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


def make_environment(root: Path, row: Row, version: str = "3.12.1") -> Path:
    """An environment as uv leaves it for CPython ``version``: a pyvenv.cfg and one
    dist-info per distribution of ``row``."""
    (root / "pyvenv.cfg").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyvenv.cfg").write_text("home = /p/bin\nimplementation = CPython\n"
                                     f"version_info = {version}\n")
    minor = ".".join(version.split(".")[:2])
    for name, requires in row:
        add_distribution(root, name, requires, python=minor)
    return root
