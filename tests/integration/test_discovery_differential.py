"""``choose_tool_run_interpreter`` against the interpreter real ``uvx`` actually used.

Each layout (PATH contents, ``--python`` forms, ``UV_PYTHON``, python targets, pins, a fake
managed installation, preferences) runs under several real uv releases. What uvx used is read
back from the environment it ran in: the tool prints ``sys.executable`` of that environment,
whose ``bin/python`` is uv's link to the base interpreter *as uv discovered it* (``base_python``
in ``crates/uv-virtualenv/src/virtualenv.rs``: its ``sys._base_executable`` made absolute, not
canonical); ``uvx python…`` runs the interpreter itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from _support.interpreters import make_prefix
from _support.sandbox import SYSTEM_PATH, isolated_env, require_python, uv_folders
from _support.uv_binaries import MATRIX, under_test, uv_release
from uvshim.discovery.identity_cache import identify
from uvshim.discovery.query import DiscoveryQuery
from uvshim.discovery.search import choose_tool_run_interpreter
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.argv import parse_uvx
from uvshim.versions import Version

pytestmark = pytest.mark.integration

UV_VERSIONS = under_test(("0.5.0", "0.6.4", "0.8.24", "0.10.12", "0.13.9"))
MANAGED_NAME = "cpython-3.12.1-linux-x86_64-gnu"
MINOR_LINK = "cpython-3.12-linux-x86_64-gnu"


@dataclass(frozen=True)
class Layout:
    """One discovery situation. ``{name}`` in strings is replaced by a prepared folder."""

    name: str
    path: tuple[str, ...] = ("p311",)
    target: str = "shimcheck"
    python: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    global_pin: str | None = None
    local_pin: str | None = None
    managed: str | None = None  # None, "plain" or "link"
    preference: tuple[str, ...] = ()  # extra uvx arguments
    preference_value: str | None = None  # what the shim's argv parser would hand over
    since: str = "0.5.0"  # the uv release that accepts the arguments


LAYOUTS = (
    Layout("python-before-python3", path=("mixed",)),
    Layout("only-python3", path=("p312u_py3",)),
    Layout("only-minor-file", path=("only313", "p311")),
    Layout("two-minor-files", path=("two_minors",)),
    Layout("path-order", path=("p312", "p311")),
    Layout("venv-on-path", path=("venv312", "p311")),
    Layout("venv-activated", path=("venv312", "p311"),
           env={"VIRTUAL_ENV": "{venv312_root}"}),
    Layout("unversioned", path=("p312u", "p311")),
    Layout("uv-python-env", path=("p311", "p312"), env={"UV_PYTHON": "3.12"}),
    Layout("flag-minor", path=("p311", "p312"), python="3.12"),
    Layout("flag-patch", path=("p311", "p312"), python="3.12.1"),
    Layout("flag-patch-missing", path=("p311", "p312"), python="3.12.7"),
    Layout("flag-range", path=("p311", "p312"), python=">=3.12"),
    Layout("flag-range-minor-scan", path=("only313", "p311"), python=">=3.12"),
    Layout("flag-cpython", path=("p311", "p312"), python="cpython3.12"),
    Layout("flag-cpython-at", path=("p311", "p312"), python="cpython@3.12"),
    Layout("flag-file", path=("p311",), python="{p312}/python3"),
    Layout("flag-venv-file", path=("p311",), python="{venv312}/python"),
    Layout("flag-directory", path=("p311",), python="{p312_root}"),
    Layout("flag-name", path=("p311", "p312"), python="python3.12"),
    Layout("flag-beats-env", path=("p311", "p312"), python="3.11",
           env={"UV_PYTHON": "3.12"}),
    Layout("flag-missing", path=("p311",), python="3.9"),
    Layout("target-at", path=("p311", "p312"), target="python@3.12"),
    Layout("target-name", path=("p311", "p312"), target="python3.12"),
    Layout("target-python", path=("p311", "p312"), target="python"),
    Layout("global-pin", path=("p311", "p312"), global_pin="3.12"),
    Layout("local-pin", path=("p311", "p312"), local_pin="3.12"),
    Layout("flag-beats-pin", path=("p311", "p312"), global_pin="3.12", python="3.11"),
    Layout("managed-default", path=("p311",), managed="plain"),
    Layout("managed-link", path=("p311",), managed="link"),
    Layout("managed-link-patch", path=("p311",), managed="link", python="3.12.1"),
    Layout("managed-version-miss", path=("p311",), managed="plain", python="3.11"),
    Layout("managed-system-pref", path=("p311",), managed="plain",
           preference=("--python-preference", "system"), preference_value="system"),
    Layout("managed-only-system-env", path=("p311",), managed="plain",
           env={"UV_PYTHON_PREFERENCE": "only-system"}),
    Layout("managed-no-managed-flag", path=("p311",), managed="plain",
           preference=("--no-managed-python",), preference_value="only-system", since="0.6.8"),
    Layout("managed-no-managed-env", path=("p311",), managed="plain",
           env={"UV_NO_MANAGED_PYTHON": "1"}),
    Layout("managed-only-managed", path=("p311",), managed="plain",
           preference=("--managed-python",), preference_value="only-managed", since="0.6.8"),
    Layout("only-managed-none", path=("p311",),
           preference=("--python-preference", "only-managed"), preference_value="only-managed"),
    Layout("managed-build-mismatch", path=("p311",), managed="plain",
           env={"UV_PYTHON_CPYTHON_BUILD": "99999999"}),
    Layout("search-path-var", path=("p311",), env={"UV_PYTHON_SEARCH_PATH": "{p312}"}),
    Layout("broken-first", path=("broken", "p311")),
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Folders shared by every layout: interpreters, PATH folders, a venv, the tool wheel."""
    for minor in ("3.11", "3.12", "3.13"):
        require_python(minor)
    root = tmp_path_factory.mktemp("world")
    bins = {
        "p311": make_prefix(root / "p311", "3.11", "symlinked"),
        "p312": make_prefix(root / "p312", "3.12", "symlinked"),
        "p312u": make_prefix(root / "p312u", "3.12", "unversioned"),
        "p313": make_prefix(root / "p313", "3.13", "symlinked"),
    }
    folders = {key: str(value) for key, value in bins.items()}
    folders["p312_root"] = str(root / "p312")
    folders.update(_path_folders(root, bins))
    venv = root / "venv312"
    subprocess.run([str(bins["p312"] / "python3"), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    folders["venv312"] = str(venv / "bin")
    folders["venv312_root"] = str(venv)
    wheels = root / "wheels"
    from _support.tool_wheel import build_tool_wheel  # noqa: PLC0415  -- test-only helper

    build_tool_wheel(wheels)
    folders["wheels"] = str(wheels)
    return folders


def _path_folders(root: Path, bins: dict[str, Path]) -> dict[str, str]:
    made: dict[str, str] = {}

    def folder(name: str, links: dict[str, Path]) -> None:
        path = root / name
        path.mkdir()
        for link, target in links.items():
            (path / link).symlink_to(target)
        made[name] = str(path)

    folder("mixed", {"python": bins["p312"] / "python3.12", "python3": bins["p311"] / "python3.11"})
    folder("p312u_py3", {"python3": bins["p312u"] / "python3"})
    folder("only313", {"python3.13": bins["p313"] / "python3.13"})
    folder("two_minors", {"python3.11": bins["p311"] / "python3.11",
                          "python3.12": bins["p312"] / "python3.12"})
    broken = root / "broken"
    broken.mkdir()
    (broken / "python").write_text("#!/bin/sh\nexit 3\n")
    (broken / "python").chmod(0o755)
    made["broken"] = str(broken)
    return made


def _fill(text: str, world: Mapping[str, str]) -> str:
    return text.format(**world)


@dataclass
class Run:
    environ: dict[str, str]
    argv: list[str]
    cwd: str


def _prepare(layout: Layout, world: Mapping[str, str], tmp: Path, version: str) -> Run:
    home, cwd = tmp / "home", tmp / "work"
    for folder in (home, cwd, tmp / "config" / "uv", tmp / "data", tmp / "pythons"):
        folder.mkdir(parents=True, exist_ok=True)
    path: list[str | Path] = [*(world[name] for name in layout.path), uv_release(version),
                              *SYSTEM_PATH]
    environ = isolated_env(home, path, **uv_folders(tmp), XDG_BIN_HOME=str(tmp / "xdg-bin"),
                           UV_NO_CONFIG="1")
    environ.update({key: _fill(value, world) for key, value in layout.env.items()})
    _write_pins(layout, tmp / "config" / "uv", cwd)
    _install_managed(layout.managed, tmp / "pythons")
    argv = [str(uv_release(version) / "uvx"), "--offline", "--find-links", world["wheels"],
            *layout.preference]
    if layout.python is not None:
        argv += ["--python", _fill(layout.python, world)]
    argv += [layout.target]
    if layout.target != "shimcheck":
        argv += ["-c", "import sys; print('shimcheck', sys.executable)"]
    return Run(environ, argv, str(cwd))


def _write_pins(layout: Layout, config: Path, cwd: Path) -> None:
    if layout.global_pin is not None:
        (config / ".python-version").write_text(layout.global_pin + "\n")
    if layout.local_pin is not None:
        (cwd / ".python-version").write_text(layout.local_pin + "\n")


def _install_managed(kind: str | None, pythons: Path) -> None:
    if kind is None:
        return
    make_prefix(pythons / MANAGED_NAME, "3.12", "symlinked")
    if kind == "link":
        (pythons / MINOR_LINK).symlink_to(pythons / MANAGED_NAME)


# uv's debug log names the interpreter discovery settled on (its ``sys.executable``) before it
# resolves symlinks for the environment's base: "Assessing Python executable as base
# candidate" (0.6.4+), "Caching via interpreter" (0.5.x).
_CHOSEN = (re.compile(r"Assessing Python executable as base candidate: (.+)$", re.MULTILINE),
           re.compile(r"Caching via (?:base )?interpreter: `?([^`\n]+)`?$", re.MULTILINE))


def _observed(run: Run) -> str | None:
    """The interpreter uvx discovered, or None when it ran nothing."""
    # Logged before resolution, so a target uv cannot resolve (``python@3.12`` is a package
    # name before 0.5.26) still shows the interpreter it found.
    done = subprocess.run([run.argv[0], "-v", *run.argv[1:]], env=run.environ, cwd=run.cwd,
                          capture_output=True, text=True, timeout=120, check=False)
    for pattern in _CHOSEN:
        match = pattern.search(done.stderr)
        if match:
            return match.group(1).strip()
    assert done.returncode != 0, f"uv ran without logging its interpreter:\n{done.stderr}"
    return None


# Only the releases that accept a layout's arguments (``since``): the others are not cases.
CASES = [pytest.param(layout, version, id=f"{layout.name}-{version}")
         for layout in LAYOUTS for version in UV_VERSIONS
         if Version(version) >= Version(layout.since)]


@pytest.mark.parametrize(("layout", "version"), CASES)
def test_discovery_matches_uvx(layout: Layout, version: str, world: dict[str, str],
                               tmp_path: Path) -> None:
    run = _prepare(layout, world, tmp_path, version)
    state = tmp_path / "state"
    try:
        words = [*(["--python", _fill(layout.python, world)] if layout.python else []),
                 *(["--python-preference", layout.preference_value]
                   if layout.preference_value else []), layout.target]
        query = DiscoveryQuery(parse_uvx(words, Version(version)), run.environ, run.cwd,
                               Version(version), None, lambda path: identify(path, state))
        predicted = choose_tool_run_interpreter(query)
    except UndecidableError as exc:
        pytest.fail(f"undecidable: {exc}")
    actual = _observed(run)
    expected = None if predicted is None else predicted.executable
    if expected is not None and actual is not None and _in_virtualenv(expected):
        # uv builds from a virtual environment's base interpreter and logs that one.
        expected, actual = os.path.realpath(expected), os.path.realpath(actual)
    assert expected == actual, f"uv {version}, {layout.name}: predicted {predicted}"


def _in_virtualenv(executable: str) -> bool:
    return os.path.isfile(os.path.join(os.path.dirname(os.path.dirname(executable)),
                                       "pyvenv.cfg"))


# --- other kinds of Python nearby (conda, PyPy, managed variants) ----------------------------

VARIANT_VERSIONS = under_test(("0.5.0", "0.6.4", "0.8.17", "0.8.24", "0.9.30", "0.10.12",
                               "0.11.33", "0.12.24", "0.13.9"))
# Managed installations beside the plain cpython-3.12.1 (``managed="plain"``): key -> (the real
# Python copied there, the executable name uv looks for).
VARIANT_MANAGED = {
    "ft-beside": {"cpython-3.12.1+freethreaded-linux-x86_64-gnu": ("3.12", "python3.12t")},
    "ft-older": {"cpython-3.11.7+freethreaded-linux-x86_64-gnu": ("3.11", "python3.11t")},
    "rc-older": {"cpython-3.12.0rc1-linux-x86_64-gnu": ("3.12", "python3.12")},
    "other-arch": {"cpython-3.11.7-linux-aarch64-gnu": ("3.11", "python3.11")},
}
VARIANT_LAYOUTS = (
    Layout("conda-base", path=("p311",), env={"CONDA_PREFIX": "{conda_base}",
                                              "CONDA_DEFAULT_ENV": "base"}),
    Layout("conda-base-root-var", path=("p311",), env={"CONDA_PREFIX": "{conda_base}",
                                                       "_CONDA_ROOT": "{conda_base}",
                                                       "CONDA_DEFAULT_ENV": "base"}),
    Layout("conda-base-named-base", path=("p311",), env={"CONDA_PREFIX": "{conda_named_base}",
                                                         "CONDA_DEFAULT_ENV": "base"}),
    Layout("conda-named", path=("p311",), env={"CONDA_PREFIX": "{conda_named}",
                                               "CONDA_DEFAULT_ENV": "work"}),
    Layout("conda-base-version-miss", path=("p311",), python="3.11",
           env={"CONDA_PREFIX": "{conda_base}", "CONDA_DEFAULT_ENV": "base"}),
    Layout("conda-base-managed", path=("p311",), managed="plain",
           env={"CONDA_PREFIX": "{conda_base}", "CONDA_DEFAULT_ENV": "base"}),
    Layout("pypy-before", path=("pypy", "p311")),
    Layout("pypy-after", path=("p311", "pypy")),
    Layout("pypy-minor-only", path=("pypy", "only313")),
    Layout("managed-pypy", path=("p311",), managed="pypy"),
    Layout("managed-ft-beside", path=("p311",), managed="ft-beside"),
    Layout("managed-ft-older", path=("p311",), managed="ft-older"),
    Layout("managed-rc-older", path=("p311",), managed="rc-older"),
    Layout("managed-other-arch-older", path=("p311",), managed="other-arch"),
)


@pytest.fixture(scope="module")
def variant_world(world: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
                  ) -> dict[str, str]:
    from _support.variants import pypy_folder  # noqa: PLC0415  -- test-only helper

    root = tmp_path_factory.mktemp("variants")
    folders = dict(world)
    for name, prefix in (("conda_base", root / "miniconda3"),
                         ("conda_named", root / "miniconda3" / "envs" / "work"),
                         ("conda_named_base", root / "elsewhere" / "base")):
        prefix.parent.mkdir(parents=True, exist_ok=True)
        make_prefix(prefix, "3.13" if name == "conda_named" else "3.12", "unversioned")
        folders[name] = str(prefix)
    folders["pypy"] = str(pypy_folder(root / "pypy", "pypy3", "python3.9"))
    return folders


def _install_variants(kind: str | None, pythons: Path) -> str | None:
    from _support.variants import managed_pypy, managed_variant  # noqa: PLC0415

    if kind == "pypy":
        managed_pypy(pythons)
        return None
    if kind in VARIANT_MANAGED:
        for key, (minor, executable) in VARIANT_MANAGED[kind].items():
            managed_variant(pythons, key, minor, executable)
        return "plain"
    return kind


# A prefix whose folder is named ``base`` with CONDA_DEFAULT_ENV=base: from 0.9.29 to 0.11.x the
# answer depends on a preview feature the shim cannot see, so it gives up (a unit test).
_PREVIEW_DEPENDENT = {("conda-base-named-base", "0.9.30"), ("conda-base-named-base", "0.10.12"),
                      ("conda-base-named-base", "0.11.33")}
VARIANT_CASES = [pytest.param(layout, version, id=f"{layout.name}-{version}")
                 for layout in VARIANT_LAYOUTS for version in VARIANT_VERSIONS
                 if (layout.name, version) not in _PREVIEW_DEPENDENT]


@pytest.mark.parametrize(("layout", "version"), VARIANT_CASES)
def test_variant_discovery_matches_uvx(layout: Layout, version: str,
                                       variant_world: dict[str, str], tmp_path: Path) -> None:
    managed = _install_variants(layout.managed, tmp_path / "pythons")
    plain = Layout(layout.name, layout.path, layout.target, layout.python, layout.env,
                   managed=managed)
    test_discovery_matches_uvx(plain, version, variant_world, tmp_path)


# --- uv run --with: the bucket real uv fills, against the one the model names ---------------

RUN_VERSIONS = under_test(MATRIX)


@dataclass(frozen=True)
class RunLayout:
    """One ``uv run --with shimcheck python -c pass`` situation, in a folder ``work``."""

    name: str
    project: bool = False  # a pyproject.toml (requires-python >=3.10) in ``work``
    no_project: bool = False
    python: str | None = None
    local_pin: str | None = None
    # "dot" (work/.venv on 3.12), "dot-gone" (the same on a 3.12 since removed), "active"
    # (VIRTUAL_ENV on 3.12), "path" (its bin first on PATH) or "shims" (a folder without
    # interpreters inside it, first on PATH)
    venv: str | None = None
    expect_undecidable: bool = False
    runs_before: int = 0  # runs of the same command before the one compared
    files: tuple[tuple[str, str], ...] = ()  # (path under work, text)
    cwd: str = ""  # the folder under work to run in
    options: tuple[str, ...] = ()
    global_pin: str | None = None
    refused_before: str | None = None  # releases before this one refuse the command ("1": all)
    none_from: str | None = None  # from this release uv finds no interpreter, and fails
    venv_python: str = "3.12"  # the Python the venv is made on
    venv_recorded: str | None = None  # the version its pyvenv.cfg records, when rewritten
    env: tuple[tuple[str, str], ...] = ()
    since: str = "0.5.0"  # the first release with the options used
    git: bool = False  # ``work`` is a git repository


def _member(name: str, requires: str, extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "0"\nrequires-python = "{requires}"\n{extra}'


def _root(members: str) -> str:
    return f"[tool.uv.workspace]\nmembers = [{members}]\n"


WS_ROOT = _root('"packages/*"')
# Members a (>=3.10) and b (>=3.12): together they need 3.12, the second Python on PATH.
WORKSPACE = (("pyproject.toml", WS_ROOT),
             ("packages/a/pyproject.toml", _member("a", ">=3.10")),
             ("packages/b/pyproject.toml", _member("b", ">=3.12")))


TOOLS_ONLY = (("pyproject.toml", "[tool.ruff]\nline-length = 100\n"), ("src/x.txt", ""))

# Groups of a project (>=3.10): dev (the default group) needs 3.12 when it includes lint.
_GROUPS = ('[dependency-groups]\ndev = []\nlint = []\n'
           '[tool.uv.dependency-groups]\nlint = {requires-python = ">=3.12"}\n')
GROUPS = (("pyproject.toml", _member("demo", ">=3.10", _GROUPS)),)
DEV_INCLUDES_LINT = (("pyproject.toml", _member(
    "demo", ">=3.10", _GROUPS.replace("dev = []", 'dev = [{include-group = "lint"}]'))),)
GROUPS_BY_DEFAULT = (("pyproject.toml", _member(
    "demo", ">=3.10", '[tool.uv]\ndefault-groups = ["lint"]\n' + _GROUPS)),)

RUN_LAYOUTS = (
    RunLayout("plain"),
    RunLayout("no-project-local-pin", no_project=True, local_pin="3.12"),
    RunLayout("no-project-flag", no_project=True, python="3.12"),
    RunLayout("no-project-dot-venv", no_project=True, venv="dot"),
    RunLayout("active-venv", venv="active"),
    RunLayout("project", project=True),
    RunLayout("project-pin", project=True, local_pin="3.12"),
    RunLayout("project-second-run", project=True, runs_before=1),
    RunLayout("active-venv-with-request", venv="active", python="3.11"),
    RunLayout("active-venv-satisfies-request", venv="active", python="3.12"),
    RunLayout("dot-venv-with-pin", no_project=True, venv="dot", local_pin="3.11"),
    RunLayout("venv-on-path", venv="path"),
    RunLayout("venv-on-path-with-request", venv="path", python="3.11"),
    RunLayout("launchers-inside-a-venv", venv="shims"),
    RunLayout("workspace-member", files=WORKSPACE, cwd="packages/a"),
    RunLayout("workspace-root", files=WORKSPACE),
    RunLayout("workspace-package", files=WORKSPACE, options=("--package", "a")),
    RunLayout("workspace-all-packages", files=WORKSPACE, cwd="packages/a",
              options=("--all-packages",)),
    # A member's pin is not read (3.13 is nowhere: uv would fail); the root's is.
    RunLayout("workspace-member-pin", cwd="packages/a",
              files=(*WORKSPACE[:2], ("packages/a/.python-version", "3.13\n"))),
    RunLayout("workspace-root-pin", cwd="packages/a",
              files=(*WORKSPACE[:2], (".python-version", "3.12\n"))),
    RunLayout("workspace-excluded-member", cwd="packages/a",
              files=(("pyproject.toml", WS_ROOT + 'exclude = ["packages/a"]\n'),
                     WORKSPACE[2], ("packages/a/pyproject.toml", _member("a", ">=3.12")))),
    RunLayout("workspace-root-project", cwd="packages/a",
              files=(("pyproject.toml", _member("root", ">=3.12") + WS_ROOT),
                     WORKSPACE[1])),
    RunLayout("project-subfolder-pin", project=True, cwd="src",
              files=(("src/.python-version", "3.12\n"),)),
    RunLayout("unmanaged-project", local_pin="3.12",
              files=(("pyproject.toml", _member("u", ">=3.10", "[tool.uv]\nmanaged = false\n")),)),
    RunLayout("no-config-pin", no_project=True, local_pin="3.12", options=("--no-config",)),
    # The project's .venv was made on an interpreter since removed: uv makes it anew.
    RunLayout("project-venv-base-gone", project=True, venv="dot-gone"),
    RunLayout("python-versions-file", no_project=True,
              files=((".python-versions", "3.12\n3.11\n"),)),
    # Globs as uv's glob crate reads them: b (>=3.12) in or out decides the interpreter.
    RunLayout("workspace-recursive-glob", cwd="packages/a",
              files=(("pyproject.toml", _root('"packages/**"')), *WORKSPACE[1:])),
    RunLayout("workspace-bracket-glob", cwd="packages/a",
              files=(("pyproject.toml", _root('"packages/[ab]"')), *WORKSPACE[1:])),
    RunLayout("workspace-negated-glob", cwd="packages/a",
              files=(("pyproject.toml", _root('"packages/[!b]"')), *WORKSPACE[1:])),
    RunLayout("workspace-deep-glob", cwd="packages/a",
              files=(("pyproject.toml", _root('"packages/**/[a-b]"')), *WORKSPACE[1:])),
    # Under an only- preference a nearby .venv is judged by its base (from 0.8.0; a system
    # one here), an active one never: each is taken, or uv finds none (no managed Python).
    RunLayout("dot-venv-only-system", no_project=True, venv="dot",
              options=("--python-preference", "only-system")),
    RunLayout("dot-venv-only-managed", no_project=True, venv="dot", none_from="0.8.0",
              options=("--python-preference", "only-managed")),
    RunLayout("active-venv-only-managed", no_project=True, venv="active",
              options=("--python-preference", "only-managed")),
    # A member folder without a pyproject.toml: refused up to 0.10.0, then skipped when it holds
    # nothing (0.10.1) or only folders (0.10.4); one holding a file is refused (no git here).
    RunLayout("workspace-empty-member", cwd="packages/a", refused_before="0.10.1",
              files=(*WORKSPACE, ("packages/c/", ""))),
    RunLayout("workspace-member-of-folders", cwd="packages/a", refused_before="0.10.4",
              files=(*WORKSPACE, ("packages/c/sub/", ""))),
    RunLayout("workspace-member-with-a-file", cwd="packages/a", refused_before="1",
              files=(*WORKSPACE, ("packages/c/notes.txt", ""))),
    # ... in a git repository: skipped from 0.10.1 when git ignores all it holds.
    RunLayout("workspace-member-of-ignored-files", cwd="packages/a", git=True,
              refused_before="0.10.1", files=(*WORKSPACE, (".gitignore", "__pycache__/\n"),
                                               ("packages/c/__pycache__/c.pyc", ""))),
    RunLayout("workspace-member-of-kept-files", cwd="packages/a", git=True,
              refused_before="1", files=(*WORKSPACE, (".gitignore", "*.log\n"),
                                         ("packages/c/__pycache__/c.pyc", ""))),
    # A pyproject.toml that only configures tools: a workspace root without members from
    # 0.8.18, which reads the .python-version in its folder; an error before.
    RunLayout("tools-only-pyproject", cwd="src", files=TOOLS_ONLY, refused_before="0.8.18"),
    RunLayout("tools-only-pyproject-pin", cwd="src", local_pin="3.12", files=TOOLS_ONLY,
              refused_before="0.8.18"),
    # ... and no .python-version below its folder (an outside-project search would take it).
    RunLayout("tools-only-pyproject-subfolder-pin", cwd="src", refused_before="0.8.18",
              files=(*TOOLS_ONLY, ("src/.python-version", "3.12\n"))),
    RunLayout("tools-only-pyproject-no-project", no_project=True, local_pin="3.12",
              files=TOOLS_ONLY),
    # The global pin: read by uv run from 0.6.7, after any local one.
    RunLayout("global-pin", no_project=True, global_pin="3.12"),
    RunLayout("global-pin-under-local", no_project=True, global_pin="3.11", local_pin="3.12"),
    RunLayout("project-global-pin", project=True, global_pin="3.12"),
    # --isolated in a project: the project's request, and a virtual environment may serve.
    RunLayout("isolated-project", project=True, options=("--isolated",)),
    RunLayout("isolated-project-pin", project=True, local_pin="3.12", options=("--isolated",)),
    RunLayout("isolated-project-dot-venv", project=True, venv="dot", options=("--isolated",)),
    RunLayout("isolated-member", files=WORKSPACE, cwd="packages/a", options=("--isolated",)),
    RunLayout("isolated-no-project", no_project=True, local_pin="3.12", options=("--isolated",)),
    RunLayout("isolated-active-venv", venv="active", options=("--isolated",)),
    # The requires-python of the enabled dependency groups (from 0.7.14).
    RunLayout("groups-none-enabled", files=GROUPS),
    RunLayout("groups-named", files=GROUPS, options=("--group", "lint")),
    RunLayout("groups-only", files=GROUPS, options=("--only-group", "lint")),
    RunLayout("groups-included", files=DEV_INCLUDES_LINT),
    RunLayout("groups-included-no-dev", files=DEV_INCLUDES_LINT, options=("--no-dev",)),
    RunLayout("groups-included-no-dev-variable", files=DEV_INCLUDES_LINT,
              env=(("UV_NO_DEV", "1"),)),
    RunLayout("groups-by-default", files=GROUPS_BY_DEFAULT),
    RunLayout("groups-by-default-no-default-groups", files=GROUPS_BY_DEFAULT, since="0.6.4",
              options=("--no-default-groups",)),
    RunLayout("groups-in-a-member", cwd="packages/a", files=(
        ("pyproject.toml", WS_ROOT), ("packages/a/pyproject.toml", _member("a", ">=3.10")),
        ("packages/b/pyproject.toml", _member("b", ">=3.10", _GROUPS.replace(
            "dev = []", 'dev = [{include-group = "lint"}]'))))),
    RunLayout("groups-of-a-virtual-root", cwd="packages/a", options=("--all-groups",),
              since="0.6.4",
              files=(("pyproject.toml", WS_ROOT + _GROUPS),
                     ("packages/a/pyproject.toml", _member("a", ">=3.10")))),
    # Whether uv keeps a project's .venv (on 3.12 unless said) or makes it anew.
    RunLayout("project-venv-kept", project=True, venv="dot"),
    RunLayout("project-venv-outside-requires", venv="dot", venv_python="3.11",
              files=(("pyproject.toml", _member("demo", ">=3.12")),)),
    RunLayout("project-venv-against-pin", project=True, venv="dot", local_pin="3.11"),
    RunLayout("project-venv-against-pin-no-sync", project=True, venv="dot", local_pin="3.11",
              options=("--no-sync",)),
    RunLayout("project-venv-against-request", project=True, venv="dot", python="3.11"),
    RunLayout("project-venv-recorded-other", project=True, venv="dot", venv_recorded="3.11.9"),
    RunLayout("project-venv-recorded-other-minor", project=True, venv="dot",
              venv_recorded="3.11"),
    RunLayout("project-venv-recorded-other-no-sync", project=True, venv="dot",
              venv_recorded="3.11.9", env=(("UV_NO_SYNC", "1"),)),
    RunLayout("project-venv-only-managed", project=True, venv="dot", none_from="0.8.0",
              options=("--python-preference", "only-managed")),
    RunLayout("project-venv-request-by-path", project=True, venv="dot",
              python="{p311}/python3"),
    RunLayout("project-venv-request-by-its-path", project=True, venv="dot",
              python="{p312}/python3"),
    RunLayout("project-venv-request-by-folder", project=True, venv="dot", python="{p311}/.."),
    RunLayout("project-venv-request-by-its-folder", project=True, venv="dot",
              python=".venv"),
    RunLayout("project-venv-request-by-name", project=True, venv="dot", python="python-x",
              expect_undecidable=True),
)


def _run_world(root: Path, layout: RunLayout, real: Path) -> tuple[Path, dict[str, str]]:
    p311 = make_prefix(root / "p311", "3.11", "symlinked")
    p312 = make_prefix(root / "p312", "3.12", "symlinked")
    work = root / "work"
    work.mkdir()
    env = isolated_env(root / "home", [p311, p312, *SYSTEM_PATH], **uv_folders(root))
    if layout.project:
        (work / "pyproject.toml").write_text(
            '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.10"\n')
    if layout.local_pin:
        (work / ".python-version").write_text(layout.local_pin + "\n")
    if layout.global_pin:
        (root / "config" / "uv").mkdir(parents=True)
        (root / "config" / "uv" / ".python-version").write_text(layout.global_pin + "\n")
    for name, text in layout.files:
        if name.endswith("/"):
            (work / name).mkdir(parents=True, exist_ok=True)
        else:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
    env.update(layout.env)
    if layout.git:
        subprocess.run(["git", "init", "-q", str(work)], check=True)
    if layout.venv:
        _make_venv(root, work, layout, env, real, {"3.11": p311, "3.12": p312})
    return work / layout.cwd, env


def _make_venv(root: Path, work: Path, layout: RunLayout, env: dict[str, str],
               real: Path, bins: dict[str, Path]) -> None:
    assert layout.venv is not None
    venv = work / ".venv" if layout.venv.startswith("dot") else root / "venv"
    base = make_prefix(root / "gone", "3.12", "symlinked") if layout.venv == "dot-gone" \
        else bins[layout.venv_python]
    made = subprocess.run([str(real / "uv"), "venv", "-q", "-p", str(base / "python3"),
                           str(venv)], env=env, cwd=work, capture_output=True, text=True,
                          check=False)
    assert made.returncode == 0, made.stderr
    if layout.venv == "dot-gone":
        shutil.rmtree(root / "gone")
    if layout.venv_recorded:
        _record_version(venv / "pyvenv.cfg", layout.venv_recorded)
    if layout.venv == "active":
        env["VIRTUAL_ENV"] = str(venv)
    if layout.venv in ("path", "shims"):
        first = venv / ("bin" if layout.venv == "path" else "shims")
        first.mkdir(exist_ok=True)
        env["PATH"] = f"{first}:{env['PATH']}"


def _record_version(cfg: Path, version: str) -> None:
    """As after the base interpreter changed version at its path: the record says another."""
    lines = [f"version_info = {version}" if line.startswith("version_info") else line
             for line in cfg.read_text().splitlines()]
    cfg.write_text("\n".join(lines) + "\n")


RUN_CASES = [pytest.param(layout, version, id=f"{layout.name}-{version}")
             for layout in RUN_LAYOUTS for version in RUN_VERSIONS
             if Version(version) >= Version(layout.since)]


@pytest.mark.parametrize(("layout", "version"), RUN_CASES)
def test_uv_run_bucket_matches_uv(layout: RunLayout, version: str, tool_wheels: Path,
                                  tmp_path: Path) -> None:
    from uvshim.discovery.uv_run_interpreter import (  # noqa: PLC0415
        NothingCachedError,
        choose_uv_run_interpreter,
    )
    from uvshim.uv.argv import parse_uv  # noqa: PLC0415
    from uvshim.uv.cache_key import bucket_dir  # noqa: PLC0415

    require_python("3.11")
    require_python("3.12")
    real = uv_release(version)
    work, env = _run_world(tmp_path, layout, real)
    args = ["run", *(["--no-project"] if layout.no_project else []),
            *(["--python", layout.python.replace("{p311}", str(tmp_path / "p311" / "bin"))
               .replace("{p312}", str(tmp_path / "p312" / "bin"))]
              if layout.python else []), *layout.options,
            "--offline", "--find-links", str(tool_wheels), "--with", "shimcheck",
            "python", "-c", "pass"]
    for _ in range(layout.runs_before):
        subprocess.run([str(real / "uv"), *args], env=env, cwd=work, capture_output=True,
                       timeout=300, check=True)
    # The model first, as the shim runs it: before uv makes the project's environment.
    inv = parse_uv(args, Version(version))
    assert inv is not None
    query = DiscoveryQuery(inv, env, str(work), Version(version), None,
                           lambda path: identify(path, tmp_path / "state"))
    if layout.expect_undecidable:
        with pytest.raises(UndecidableError):
            choose_uv_run_interpreter(query)
        return
    if layout.refused_before and Version(version) < Version(layout.refused_before):
        with pytest.raises(UvRefusesError):
            choose_uv_run_interpreter(query)
        assert _run_real(real, args, env, work).returncode != 0
        return
    cache = tmp_path / "cache"
    if layout.none_from and Version(version) >= Version(layout.none_from):
        assert choose_uv_run_interpreter(query) is None
        assert _run_real(real, args, env, work).returncode != 0
        return
    try:
        choice = choose_uv_run_interpreter(query)
    except NothingCachedError:
        # The bucket is new on every run (0.7.19-0.7.22 with --isolated): none is reused.
        for _ in range(2):
            assert _run_real(real, args, env, work).returncode == 0
        assert len(_filled(cache)) == 2, _filled(cache)
        return
    assert choice is not None
    predicted = os.path.basename(bucket_dir(str(cache), choice.identity, Version(version),
                                            choice.environment))
    before = {path.name for path in cache.glob("environments-v*/*")}
    done = _run_real(real, args, env, work)
    assert done.returncode == 0, done.stderr
    filled = _filled(cache)
    assert predicted in filled, (predicted, filled)
    assert set(filled) - before <= {predicted}


def _run_real(real: Path, args: list[str], env: dict[str, str], work: Path
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(real / "uv"), *args], env=env, cwd=work, capture_output=True,
                          text=True, timeout=300, check=False)


def _filled(cache: Path) -> list[str]:
    """The buckets holding an environment's link."""
    return sorted(path.name for path in cache.glob("environments-v*/*")
                  if any(entry.is_symlink() for entry in path.iterdir()))
