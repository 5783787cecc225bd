"""Commands people type, through the shim, with the newest uv and real interpreters.

On a healthy cache every one must go through untouched: no ``uvshim:`` line and the exact argv
handed to uv. After the interpreter is swapped behind the same path, every one that uv would
run in the stale environment must drop it (one line), and the rest (a throw-away cache,
another interpreter, help) must still say nothing. Each run stops at the exec of uv
(``_support.audit``), so the corpus costs a Python start per command, not a uv run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import pytest

from _support.audit import audited
from _support.clauses import assert_each_names_one
from _support.interpreters import make_prefix, swap_prefix
from _support.local_project import make_local_project
from _support.sandbox import Sandbox, require_python
from _support.uv_binaries import NEWEST, uv_release

OLD, NEW = "3.11", "3.12"
LAYOUT = "unversioned"  # the layout where every uv release reuses the stale environment


@dataclass(frozen=True)
class Typed:
    """One command as typed: ``uvx ARGS`` or ``uv ARGS``, with variables and placeholders
    (``{wheels}``, ``{cache}``, ``{prefix}``, ``{other}``, ``{work}``) filled in per test."""

    args: tuple[str, ...]
    mode: str = "uvx"
    env: dict[str, str] = field(default_factory=dict)
    stale_after_swap: bool = True  # uv would run it in an environment built before the swap
    quiet: bool = False  # uv's -q: a successful drop is not said


T = "shimcheck"
OFF = ("--offline", "--find-links", "{wheels}")


def uvx(*args: str, stale: bool = True, quiet: bool = False, **env: str) -> Typed:
    return Typed((*OFF, *args), "uvx", env, stale, quiet)


def uv(*args: str, stale: bool = True, quiet: bool = False, **env: str) -> Typed:
    return Typed(args, "uv", env, stale, quiet)


CORPUS: dict[str, Typed] = {
    "plain": uvx(T),
    "tool arguments": uvx(T, "--version"),
    "tool help": uvx(T, "--help"),
    "tool arguments after --": uvx(T, "--", "--python", "x"),
    "tool arguments like uv's": uvx(T, "--no-cache", "-q", "--with", "x"),
    "version pin with @": uvx(f"{T}@1.0"),
    "from, same name": uvx("--from", T, T),
    "from, pinned": uvx("--from", f"{T}==1.0", T),
    "from, range": uvx("--from", f"{T}>=1", T),
    "from=, attached": uvx(f"--from={T}", T),
    "from a local project": uvx("--from", "./my-project", "localtool"),
    "from a local project, absolute": uvx("--from", "{work}/my-project", "localtool"),
    "from a wheel file": uvx("--from", "{wheel}", T),
    "quiet": uvx("-q", T, quiet=True),
    "very quiet": uvx("-qq", T, quiet=True),
    "verbose": uvx("-v", T),
    "long quiet": uvx("--quiet", T, quiet=True),
    # After the swap these find the swapped file under ``python3`` (not the default's
    # ``python``): another bucket, where the environments built before the swap by the
    # commands below that name ``python3`` went stale too.
    "python minor": uvx("--python", NEW, T),
    "-p minor": uvx("-p", NEW, T),
    "-p attached": uvx(f"-p{NEW}", T),
    "--python=": uvx(f"--python={NEW}", T),
    "python3.12 name": uvx("-p", f"python{NEW}", T),
    "cpython@": uvx("-p", f"cpython@{NEW}", T),
    "cpython3.12": uvx("-p", f"cpython{NEW}", T),
    "UV_PYTHON": uvx(T, UV_PYTHON=NEW),
    "python range": uvx("-p", ">=3.11", T),
    "python path": uvx("--python", "{prefix}/bin/python3", T),
    "python folder": uvx("--python", "{prefix}", T),
    "UV_PYTHON path": uvx(T, UV_PYTHON="{prefix}/bin/python3"),
    "another python": uvx("-p", "{other}/bin/python3", T, stale=False),
    "isolated": uvx("--isolated", T),
    "refresh": uvx("--refresh", T),
    "refresh one package": uvx("--refresh-package", T, T),
    "reinstall": uvx("--reinstall", T),
    "upgrade": uvx("--upgrade", T),
    "no progress": uvx("--no-progress", T),
    "color": uvx("--color", "never", T),
    "no color": uvx("--no-color", T),
    "native tls": uvx("--native-tls", T),
    "same cache, flag": uvx("--cache-dir", "{cache}", T),
    "same cache, attached": uvx("--cache-dir={cache}", T),
    "no cache": uvx("--no-cache", T, stale=False),
    "UV_NO_CACHE": uvx(T, stale=False, UV_NO_CACHE="1"),
    "UV_OFFLINE instead of --offline": Typed(("--find-links", "{wheels}", T), "uvx",
                                             {"UV_OFFLINE": "1"}),
    "python preference": uvx("--python-preference", "only-system", T),
    "no managed python": uvx("--no-managed-python", T),
    "no python downloads": uvx("--no-python-downloads", T),
    "UV_PYTHON_DOWNLOADS": uvx(T, UV_PYTHON_DOWNLOADS="never"),
    "no config": uvx("--no-config", T),
    "config file": uvx("--config-file", "{work}/uv.toml", T),
    "UV_NO_CONFIG": uvx(T, UV_NO_CONFIG="1"),
    "exclude newer": uvx("--exclude-newer", "2030-01-01", T),
    "resolution": uvx("--resolution", "lowest-direct", T),
    "prerelease": uvx("--prerelease", "allow", T),
    "index strategy": uvx("--index-strategy", "unsafe-best-match", T),
    "keyring": uvx("--keyring-provider", "disabled", T),
    "link mode": uvx("--link-mode", "copy", T),
    "compile bytecode": uvx("--compile-bytecode", T),
    "no build": uvx("--no-build", T),
    "no sources": uvx("--no-sources", T),
    "with": uvx("--with", T, T),
    "with requirements": uvx("--with-requirements", "{work}/requirements.txt", T),
    # Empty values uv reads as not given (uv/empty_values): checked like the plain command.
    "empty with": uvx("--with", "", T),
    "empty -w=": uvx("-w=", T),
    "empty with requirements": uvx("--with-requirements=", T),
    "empty python": uvx("--python=", T),
    "empty python, UV_PYTHON unread": uvx("-p", "", T, UV_PYTHON="{other}/bin/python3"),
    "directory": uvx("--directory", "{work}/sub", T),
    "project": uvx("--project", "{work}/sub", T),
    "help": uvx("--help", stale=False),
    "version": uvx("--version", stale=False),
    "uv tool run": uv("--offline", "tool", "run", "--find-links", "{wheels}", T),
    "uv tool run, from": uv("tool", "run", *OFF, "--from", T, T),
    "uv global options first": uv("-q", "--offline", "tool", "run", "--find-links",
                                  "{wheels}", T, quiet=True),
    "uv tool run quiet": uv("tool", "run", "-q", *OFF, T, quiet=True),
    "uv tool run python": uv("tool", "run", "--python", NEW, *OFF, T),
    "uv --cache-dir": uv("--cache-dir", "{cache}", "tool", "run", *OFF, T),
    "uv tool uvx": uv("tool", "uvx", *OFF, T),
    "uv tool run, no cache": uv("--no-cache", "tool", "run", *OFF, T, stale=False),
    "uv pip list": uv("pip", "list", stale=False),
    "uv run": uv("run", "python", "-c", "pass", stale=False),
    "uv --version": uv("--version", stale=False),
}


class Corpus:
    def __init__(self, sandbox: Sandbox, wheels: Path) -> None:
        for minor in (OLD, NEW):
            require_python(minor)
        self.sandbox = sandbox
        self.real = uv_release(NEWEST)
        self.prefix = sandbox.root / "prefix"
        other = sandbox.root / "other"
        sandbox.path_dirs = [make_prefix(self.prefix, OLD, LAYOUT), self.real]
        make_prefix(other, NEW, "symlinked")
        work = sandbox.root / "work"
        (work / "sub").mkdir()
        (work / "uv.toml").write_text("")
        (work / "requirements.txt").write_text(f"{T}\n")
        make_local_project(work / "my-project", ">=3.11")
        (wheel,) = wheels.glob(f"{T}-*.whl")
        self.places = {"wheels": str(wheels), "cache": str(sandbox.root / "cache"),
                       "prefix": str(self.prefix), "other": str(other), "work": str(work),
                       "wheel": str(wheel)}

    def args(self, typed: Typed) -> list[str]:
        return [arg.format(**self.places) for arg in typed.args]

    def env(self, typed: Typed) -> dict[str, str]:
        return {name: value.format(**self.places) for name, value in typed.env.items()}

    def run_bare(self, typed: Typed) -> None:
        """Run it with uv itself, so that each bucket it uses holds an environment."""
        binary = self.real / ("uvx" if typed.mode == "uvx" else "uv")
        self.sandbox.run([str(binary), *self.args(typed)], {**self.sandbox.env(),
                                                             **self.env(typed)})

    def links(self) -> dict[Path, str]:
        return {entry: os.readlink(entry)
                for entry in (self.sandbox.root / "cache").glob("environments-v2/*/*")
                if entry.is_symlink()}

    def notes(self, typed: Typed) -> list[str]:
        """The shim's lines for ``typed``, after checking it hands uv the argv unchanged."""
        args = self.args(typed)
        seen = audited(self.sandbox, args, typed.mode, **self.env(typed))
        prefix = [str(self.real / "uv"), *(["tool", "uvx"] if typed.mode == "uvx" else [])]
        assert seen.argv == [*prefix, *args]
        return seen.notes


@pytest.fixture
def corpus(sandbox: Sandbox, tool_wheels: Path) -> Corpus:
    corpus = Corpus(sandbox, tool_wheels)
    built = sandbox.run([str(corpus.real / "uvx"), *corpus.args(CORPUS["plain"])])
    assert built.stdout.startswith(f"shimcheck {OLD} "), built.stderr
    return corpus


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60


def test_a_healthy_cache_gets_no_line_and_the_argv_unchanged(corpus: Corpus) -> None:
    said = {name: corpus.notes(typed) for name, typed in CORPUS.items()}
    assert {name: notes for name, notes in said.items() if notes} == {}


def test_after_a_swap_every_command_that_would_reuse_the_stale_environment_drops_it(
        corpus: Corpus) -> None:
    for typed in CORPUS.values():
        corpus.run_bare(typed)
    built = corpus.links()
    assert len({entry.parent for entry in built}) >= 2  # the default bucket and python3's
    swap_prefix(corpus.prefix, NEW, LAYOUT)

    def names_each(note: str, gone: set[Path]) -> None:
        assert_each_names_one(note, [str(entry) for entry in gone],
                              lambda clause, entry: clause.tools == installed(built, entry))

    wrong = mismatches_after_swap(CORPUS, built, corpus.notes, corpus.links, names_each)
    assert not wrong, wrong


class Command(Protocol):
    @property
    def stale_after_swap(self) -> bool: ...
    @property
    def quiet(self) -> bool: ...


C = TypeVar("C", bound=Command)


def mismatches_after_swap(
        commands: Mapping[str, C], built: dict[Path, str], notes_of: Callable[[C], list[str]],
        links: Callable[[], dict[Path, str]],
        each_note: Callable[[str, set[Path]], None] | None = None,
) -> dict[str, tuple[list[str], int]]:
    """Each command run after the swap with every environment built before it in place: those
    that drop nothing though uv would reuse a stale one, drop one though uv would not, or do not
    say it in one line (none under ``-q``)."""
    wrong: dict[str, tuple[list[str], int]] = {}
    for name, typed in commands.items():
        for entry, target in built.items():
            if not os.path.lexists(entry):
                os.symlink(target, entry)  # dropped by the command before
        notes = notes_of(typed)
        gone = set(built) - set(links())
        said = 1 if typed.stale_after_swap and not typed.quiet else 0
        if bool(gone) != typed.stale_after_swap or len(notes) != said or not all(
                "so uv builds" in note for note in notes):
            wrong[name] = (notes, len(gone))
        for note in notes:
            if each_note is not None:
                each_note(note, gone)
    return wrong


def installed(built: dict[Path, str], entry: str) -> frozenset[str]:
    """The names in the METADATA files of the environment ``entry`` linked to. The corpus's
    distributions require nothing, so each is a tool the line must name."""
    target = Path(entry).parent / built[Path(entry)]
    names = set()
    for metadata in target.glob("lib/python*/site-packages/*.dist-info/METADATA"):
        lines = metadata.read_text().splitlines()
        names |= {line.split(":", 1)[1].strip() for line in lines if line.startswith("Name:")}
    return frozenset(names)


# --- uv run --with, in the layouts people run it in -----------------------------------------

WS_ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
MEMBER = '[project]\nname = "{name}"\nversion = "0"\nrequires-python = ">=3.10"\n'
RUN_OFF = ("--offline", "--find-links", "{wheels}")
PASS = ("python", "-c", "pass")


@dataclass(frozen=True)
class RunTyped:
    """``uv ARGS`` typed in one of ``RunCorpus.LAYOUTS``."""

    layout: str
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    stale_after_swap: bool = True
    quiet: bool = False


def run(layout: str, *args: str, stale: bool = True, quiet: bool = False,
        **env: str) -> RunTyped:
    return RunTyped(layout, ("run", *RUN_OFF, *args), env, stale, quiet)


def _layout_commands(layout: str) -> dict[str, RunTyped]:
    """The forms typed in every layout."""
    return {
        f"{layout}: with": run(layout, "--with", T, *PASS),
        f"{layout}: -w": run(layout, "-w", T, *PASS),
        f"{layout}: with=, a range": run(layout, f"--with={T}>=1", *PASS),
        f"{layout}: with requirements": run(layout, "--with-requirements",
                                            "{work}/requirements.txt", *PASS),
        f"{layout}: quiet": run(layout, "-q", "--with", T, *PASS, quiet=True),
        f"{layout}: global options first": RunTyped(layout, ("-q", "--color", "never", "run",
                                                             *RUN_OFF, "--with", T, *PASS),
                                                     quiet=True),
        f"{layout}: command after --": run(layout, "--with", T, "--", *PASS),
    }


RUN_CORPUS: dict[str, RunTyped] = {
    **_layout_commands("lone project"),
    "lone project: frozen": run("lone project", "--frozen", "--with", T, *PASS),
    "lone project: no project": run("lone project", "--no-project", "--with", T, *PASS),
    **_layout_commands("workspace root"),
    "workspace root: package": run("workspace root", "--package", "a", "--with", T, *PASS),
    "workspace root: locked": run("workspace root", "--locked", "--with", T, *PASS),
    **_layout_commands("workspace member"),
    "workspace member: all packages": run("workspace member", "--all-packages", "--with", T,
                                          *PASS),
    "workspace member: from elsewhere": run("venv on PATH", "--directory", "{work}/ws/packages/b",
                                            "--with", T, *PASS),
    **_layout_commands("venv on PATH"),
    "venv on PATH: isolated": run("venv on PATH", "--isolated", "--with", T, *PASS),
    # The venv is remade on 3.12 and 3.11 is gone: uv finds nothing, there is nothing to drop.
    "venv on PATH: an old request": run("venv on PATH", "-p", "3.11", "--with", T, *PASS,
                                        stale=False),
    **_layout_commands("activated venv"),
    "activated venv: request it satisfies": run("activated venv", "-p", NEW, "--with", T,
                                                *PASS),
    "activated venv: no config": run("activated venv", "--no-config", "--with", T, *PASS),
    **_layout_commands("launchers in the venv's bin"),
    **_layout_commands("conda"),
    "no cache": run("venv on PATH", "--no-cache", "--with", T, *PASS, stale=False),
    "without --with": run("workspace member", *PASS, stale=False),
}


class RunCorpus:
    """One world with every layout: a lone project, a workspace (a virtual root, members
    ``packages/a`` and ``b``), a virtual environment made from the interpreter that is swapped
    (on PATH, activated, or holding the launchers in its ``bin`` as an image's ``/opt/venv``),
    and that interpreter's prefix as the active conda environment."""

    def __init__(self, sandbox: Sandbox, wheels: Path) -> None:
        for minor in (OLD, NEW):
            require_python(minor)
        self.sandbox = sandbox
        self.real = uv_release(NEWEST)
        self.prefix = sandbox.root / "prefix"
        self.bindir = make_prefix(self.prefix, OLD, LAYOUT)
        self.venv = sandbox.root / "opt-venv"
        work = sandbox.root / "work"
        (work / "requirements.txt").write_text(f"{T}\n")
        (work / "plain").mkdir()
        (work / "lone").mkdir()
        (work / "lone" / "pyproject.toml").write_text(MEMBER.format(name="lone"))
        (work / "ws").mkdir()
        (work / "ws" / "pyproject.toml").write_text(WS_ROOT)
        for name in ("a", "b"):
            (work / "ws" / "packages" / name).mkdir(parents=True)
            (work / "ws" / "packages" / name / "pyproject.toml").write_text(
                MEMBER.format(name=name))
        self.make_venv()
        self.places = {"wheels": str(wheels), "work": str(work)}

    def make_venv(self) -> None:
        """The image's ``RUN python -m venv /opt/venv`` and ``uvshim install --dir
        /opt/venv/bin``."""
        if self.venv.exists():
            shutil.rmtree(self.venv)
        subprocess.run([str(self.bindir / "python3"), "-m", "venv", "--without-pip",
                        str(self.venv)], check=True)
        subprocess.run([sys.executable, "-m", "uvshim", "install", "--dir",
                        str(self.venv / "bin")], check=True, capture_output=True)

    def layout(self, name: str) -> tuple[Path, list[Path], dict[str, str]]:
        """The working folder, PATH and variables of a layout."""
        work = self.sandbox.root / "work"
        base = [self.bindir, self.real]
        venv_bin = self.venv / "bin"
        return {
            "lone project": (work / "lone", base, {}),
            "workspace root": (work / "ws", base, {}),
            "workspace member": (work / "ws" / "packages" / "a", base, {}),
            "venv on PATH": (work / "plain", [venv_bin, *base], {}),
            "activated venv": (work / "plain", [venv_bin, *base],
                               {"VIRTUAL_ENV": str(self.venv)}),
            "launchers in the venv's bin": (work / "plain", [venv_bin, *base], {}),
            "conda": (work / "plain", base, {"CONDA_PREFIX": str(self.prefix),
                                             "CONDA_DEFAULT_ENV": "prefix"}),
        }[name]

    def enter(self, typed: RunTyped) -> tuple[list[str], dict[str, str]]:
        cwd, path, env = self.layout(typed.layout)
        self.sandbox.cwd = cwd
        self.sandbox.path_dirs = path
        args = [arg.format(**self.places) for arg in typed.args]
        return args, {**env, **{name: value.format(**self.places)
                                for name, value in typed.env.items()}}

    def run_bare(self, typed: RunTyped) -> None:
        args, env = self.enter(typed)
        self.sandbox.run([str(self.real / "uv"), *args], {**self.sandbox.env(), **env})

    def links(self) -> dict[Path, str]:
        return {entry: os.readlink(entry)
                for entry in (self.sandbox.root / "cache").glob("environments-v2/*/*")
                if entry.is_symlink()}

    def notes(self, typed: RunTyped) -> list[str]:
        args, env = self.enter(typed)
        seen = audited(self.sandbox, args, "uv", **env)
        assert seen.argv == [str(self.real / "uv"), *args]
        return seen.notes


@pytest.fixture
def run_corpus(sandbox: Sandbox, tool_wheels: Path) -> RunCorpus:
    return RunCorpus(sandbox, tool_wheels)


def test_the_uv_run_corpus_is_large_enough() -> None:
    assert len(RUN_CORPUS) >= 40
    assert len({typed.layout for typed in RUN_CORPUS.values()}) >= 6


def test_uv_run_on_a_healthy_cache_gets_no_line_and_the_argv_unchanged(
        run_corpus: RunCorpus) -> None:
    for typed in RUN_CORPUS.values():
        run_corpus.run_bare(typed)
    said = {name: run_corpus.notes(typed) for name, typed in RUN_CORPUS.items()}
    assert {name: notes for name, notes in said.items() if notes} == {}


def test_uv_run_after_a_swap_drops_every_stale_environment_it_would_layer(
        run_corpus: RunCorpus) -> None:
    for typed in RUN_CORPUS.values():
        run_corpus.run_bare(typed)
    built = run_corpus.links()
    swap_prefix(run_corpus.prefix, NEW, LAYOUT)
    run_corpus.make_venv()  # the image rebuilt on the new Python
    wrong = mismatches_after_swap(RUN_CORPUS, built, run_corpus.notes, run_corpus.links)
    assert not wrong, wrong
