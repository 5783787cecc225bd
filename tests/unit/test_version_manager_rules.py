"""pyenv's rules for the interpreter behind a shim, against a pyenv root laid out in tmp_path
(the shim text ``pyenv rehash`` writes, ``versions/``, version files, hooks): nothing runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from _support.identities import make_identity
from uvshim.discovery.pyenv import pyenv_shim_text as _pyenv_shim_text
from uvshim.discovery.version_managers import ShimAware, resolve_shim
from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity


class Pyenv:
    def __init__(self, tmp: Path, version: str = "2.6.30") -> None:
        self.install = tmp / "pyenv-install"
        (self.install / "libexec").mkdir(parents=True)
        (self.install / "libexec" / "pyenv").write_text("#!/usr/bin/env bash\n")
        (self.install / "libexec" / "pyenv---version").write_text(
            f'#!/usr/bin/env bash\nset -e\nversion="{version}"\necho "pyenv $version"\n')
        self.root = tmp / "root"
        self.shims = self.root / "shims"
        self.shims.mkdir(parents=True)
        self.work = tmp / "home" / "work"
        self.work.mkdir(parents=True)
        self.system = tmp / "usr-bin"
        self.system.mkdir()

    def shim(self, name: str = "python3") -> str:
        path = self.shims / name
        path.write_text(_pyenv_shim_text(str(self.root), str(self.install / "libexec" / "pyenv")))
        path.chmod(0o755)
        return str(path)

    def version(self, name: str, programs: tuple[str, ...] = ("python", "python3")) -> Path:
        folder = self.root / "versions" / name / "bin"
        folder.mkdir(parents=True)
        for program in programs:
            _executable(folder / program)
        return folder

    def environ(self, **extra: str) -> dict[str, str]:
        return {"PATH": f"{self.shims}:{self.system}", "PWD": str(self.work), **extra}

    def resolve(self, name: str = "python3", cwd: Path | None = None, **extra: str) -> object:
        return resolve_shim(self.shim(name), self.environ(**extra), str(cwd or self.work))


def _executable(path: Path) -> None:
    path.write_bytes(b"\x7fELF")
    path.chmod(0o755)


@pytest.fixture
def pyenv(tmp_path: Path) -> Pyenv:
    return Pyenv(tmp_path)


def target(resolution: object) -> str | None:
    assert resolution is not None
    return resolution.target  # type: ignore[attr-defined, no-any-return]


def how(resolution: object) -> str:
    assert resolution is not None
    return resolution.how  # type: ignore[attr-defined, no-any-return]


def test_pyenv_version_variable(pyenv: Pyenv) -> None:
    folder = pyenv.version("3.12.1")
    pyenv.version("3.11.7")
    resolution = pyenv.resolve(PYENV_VERSION="3.12.1")
    assert target(resolution) == f"{folder}/python3"
    assert how(resolution) == "pyenv 3.12.1 from PYENV_VERSION=3.12.1"


def test_local_file_from_the_folder_up_beats_the_global_file(pyenv: Pyenv) -> None:
    pyenv.version("3.12.1")
    folder = pyenv.version("3.11.7")
    (pyenv.root / "version").write_text("3.12.1\n")
    (pyenv.work.parent / ".python-version").write_text("# pinned\n\n  3.11.7  extra\n")
    resolution = pyenv.resolve()
    assert target(resolution) == f"{folder}/python3"
    assert str(pyenv.work.parent / ".python-version") in how(resolution)


def test_global_version_file(pyenv: Pyenv) -> None:
    folder = pyenv.version("3.12.1")
    (pyenv.root / "version").write_text("3.12.1\n")
    resolution = pyenv.resolve()
    assert target(resolution) == f"{folder}/python3"
    assert "the global version file" in how(resolution)


def test_the_variable_beats_the_files(pyenv: Pyenv) -> None:
    pyenv.version("3.12.1")
    folder = pyenv.version("3.11.7")
    (pyenv.work / ".python-version").write_text("3.12.1\n")
    assert target(pyenv.resolve(PYENV_VERSION="3.11.7")) == f"{folder}/python3"


def test_system_is_the_next_on_path_without_the_shims(pyenv: Pyenv) -> None:
    pyenv.version("3.12.1")
    _executable(pyenv.system / "python3")
    (pyenv.root / "version").write_text("system\n")
    resolution = pyenv.resolve()
    assert target(resolution) == f"{pyenv.system}/python3"
    assert "system" in how(resolution)


def test_no_version_at_all_is_system(pyenv: Pyenv) -> None:
    _executable(pyenv.system / "python3")
    assert target(pyenv.resolve()) == f"{pyenv.system}/python3"


def test_a_prefix_is_the_newest_installed_release(pyenv: Pyenv) -> None:
    for name in ("3.12.1", "3.12.10", "3.12.9", "3.12-dev", "3.12.11rc1", "3.12.12t", "3.13.0"):
        pyenv.version(name)
    resolution = pyenv.resolve(PYENV_VERSION="3.12")
    assert target(resolution) == f"{pyenv.root}/versions/3.12.10/bin/python3"
    assert "3.12.10 (newest installed of 3.12)" in how(resolution)


def test_several_versions_fall_through_to_the_first_with_the_command(pyenv: Pyenv) -> None:
    pyenv.version("2.7.18", programs=("python", "python2"))
    folder = pyenv.version("3.11.7")
    (pyenv.work / ".python-version").write_text("2.7.18\n3.11.7\n")
    assert target(pyenv.resolve()) == f"{folder}/python3"
    assert target(pyenv.resolve("python")) == f"{pyenv.root}/versions/2.7.18/bin/python"


def test_a_version_not_installed_is_skipped(pyenv: Pyenv) -> None:
    folder = pyenv.version("3.11.7")
    assert target(pyenv.resolve(PYENV_VERSION="3.9.99:3.11.7")) == f"{folder}/python3"


def test_nothing_found_anywhere_fails_as_the_shim_does(pyenv: Pyenv) -> None:
    pyenv.version("3.11.7")
    with pytest.raises(InterpreterError):
        pyenv.resolve("python3.12", PYENV_VERSION="3.11.7")


def test_pwd_walks_the_folder_as_the_user_named_it(pyenv: Pyenv, tmp_path: Path) -> None:
    pyenv.version("3.12.1")
    folder = pyenv.version("3.11.7")
    (tmp_path / "home" / ".python-version").write_text("3.11.7\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = pyenv.work / "link"
    link.symlink_to(elsewhere)
    (tmp_path / ".python-version").write_text("3.12.1\n")
    # bash keeps PWD (through the link): the walk goes up through home/work, not tmp_path.
    environ = {**pyenv.environ(), "PWD": str(link)}
    resolution = resolve_shim(pyenv.shim(), environ, str(elsewhere))
    assert target(resolution) == f"{folder}/python3"
    # A PWD naming another folder is ignored: bash takes getcwd().
    environ["PWD"] = str(pyenv.work)
    resolution = resolve_shim(pyenv.shim(), environ, str(elsewhere))
    assert target(resolution) == f"{pyenv.root}/versions/3.12.1/bin/python3"


@pytest.mark.parametrize("setting", ["3.*", "python-3.12", "../x", "::", "pypy3"])
def test_unmodelled_versions_are_probed(pyenv: Pyenv, setting: str) -> None:
    pyenv.version("3.12.1")
    resolution = pyenv.resolve(PYENV_VERSION=setting)
    assert target(resolution) is None
    assert how(resolution).startswith("a pyenv shim, probed")


def test_an_unknown_hook_is_probed_and_a_stock_one_is_not(pyenv: Pyenv) -> None:
    pyenv.version("3.12.1")
    hooks = pyenv.root / "pyenv.d" / "which"
    hooks.mkdir(parents=True)
    stock = Path.home() / ".pyenv" / "plugins" / "pyenv-virtualenv" / "etc" / "pyenv.d" / "which"
    if (stock / "conda.bash").is_file():
        (hooks / "conda.bash").write_bytes((stock / "conda.bash").read_bytes())
        assert target(pyenv.resolve(PYENV_VERSION="3.12.1")) is not None
    (hooks / "mine.bash").write_text('PYENV_COMMAND_PATH=/opt/python3\n')
    resolution = pyenv.resolve(PYENV_VERSION="3.12.1")
    assert target(resolution) is None
    assert "mine.bash" in how(resolution)


@pytest.mark.parametrize("version", ["2.6.27", "2.8.2", "3.0.0"])
def test_unmodelled_pyenv_releases_are_probed(tmp_path: Path, version: str) -> None:
    pyenv = Pyenv(tmp_path, version)
    pyenv.version("3.12.1")
    assert target(pyenv.resolve(PYENV_VERSION="3.12.1")) is None


def test_other_scripts_and_interpreters_are_no_shims(pyenv: Pyenv) -> None:
    script = pyenv.system / "python3"
    script.write_text("#!/usr/bin/env bash\nexec /usr/bin/python3 \"$@\"\n")
    assert resolve_shim(str(script), pyenv.environ(), str(pyenv.work)) is None
    _executable(pyenv.system / "python3.12")
    assert resolve_shim(str(pyenv.system / "python3.12"), pyenv.environ(),
                        str(pyenv.work)) is None


def fake_mise(tmp_path: Path, version: str) -> tuple[Path, dict[str, str]]:
    """A ``mise`` that prints ``version``, a shim linked to it, python 3.12.1 installed."""
    binary = tmp_path / "bin" / "mise"
    binary.parent.mkdir()
    binary.write_text(f"#!/bin/sh\necho '{version} linux-x64 (2026-09-27)'\n")
    binary.chmod(0o755)
    data = tmp_path / "home" / ".local" / "share" / "mise"
    (data / "shims").mkdir(parents=True)
    (data / "shims" / "python3").symlink_to(binary)
    (data / "installs" / "python" / "3.12.1" / "bin").mkdir(parents=True)
    _executable(data / "installs" / "python" / "3.12.1" / "bin" / "python3")
    (tmp_path / "home" / "mise.toml").write_text('[tools]\npython = "3.12.1"\n')
    environ = {"HOME": str(tmp_path / "home"), "UVSHIM_CACHE_DIR": str(tmp_path / "state")}
    return data / "shims" / "python3", environ


@pytest.mark.parametrize(("version", "modelled"), [
    ("2026.9.15", True), ("2026.8.10", True), ("2026.8.9", False), ("2026.10.0", False),
    ("not-a-version", False),
])
def test_only_the_covered_mise_releases_are_modelled(tmp_path: Path, version: str,
                                                     modelled: bool) -> None:
    shim, environ = fake_mise(tmp_path, version)
    resolution = resolve_shim(str(shim), environ, str(tmp_path / "home"))
    if modelled:
        assert target(resolution) == str(shim.parent.parent / "installs" / "python" / "3.12.1"
                                          / "bin" / "python3")
        assert how(resolution) == f"mise python 3.12.1 from {tmp_path}/home/mise.toml"
    else:
        assert target(resolution) is None
        assert how(resolution).startswith("a mise shim, probed: ")


def test_the_mise_release_is_asked_once_per_binary(tmp_path: Path) -> None:
    shim, environ = fake_mise(tmp_path, "2026.9.15")
    binary = tmp_path / "bin" / "mise"
    home = str(tmp_path / "home")
    assert target(resolve_shim(str(shim), environ, home)) is not None
    before = binary.stat()
    binary.write_text(binary.read_text().replace("2026.9.15", "2025.1.0 "))  # same size
    os.utime(binary, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target(resolve_shim(str(shim), environ, home)) is not None  # same stat: not asked
    os.utime(binary, ns=(1, 1))
    assert "mise 2025.1.0 is not modelled" in how(resolve_shim(str(shim), environ, home))


def test_shim_aware_identifies_the_target_and_says_how(pyenv: Pyenv) -> None:
    folder = pyenv.version("3.12.1")
    asked: list[str] = []

    def identify(path: str) -> InterpreterIdentity:
        asked.append(path)
        return make_identity(os.path.dirname(os.path.dirname(path)), "3.12.1")

    aware = ShimAware(identify, pyenv.environ(PYENV_VERSION="3.12.1"), str(pyenv.work))
    shim = pyenv.shim()
    aware.identify(shim)
    assert asked == [f"{folder}/python3"]
    assert aware.describe(shim, "python3 on PATH") == \
        "python3 on PATH, pyenv 3.12.1 from PYENV_VERSION=3.12.1"
    assert aware.describe("/usr/bin/python3", "python3 on PATH") == "python3 on PATH"


def test_a_dispatcher_is_never_cached_by_its_stat(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A mise shim is a link to the ``mise`` binary: the stat is the binary's whatever version
    it runs, so an identity cached by it would answer for the first folder in every other."""
    from uvshim.discovery import identity_cache  # noqa: PLC0415

    binary = tmp_path / "bin" / "mise"
    binary.parent.mkdir()
    _executable(binary)
    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.symlink_to(binary)
    versions = iter(["3.11.7", "3.12.1", "3.13.0", "3.10.13"])
    probed: list[str] = []

    def probe(path: str) -> InterpreterIdentity:
        probed.append(path)
        version = next(versions)
        prefix = tmp_path / version
        (prefix / "bin").mkdir(parents=True)
        _executable(prefix / "bin" / "python")
        return make_identity(prefix, version)

    monkeypatch.setattr(identity_cache, "probe_interpreter", probe)
    state = tmp_path / "state"
    assert identity_cache.identify(str(shim), state).version == "3.11.7"
    assert identity_cache.identify(str(shim), state).version == "3.12.1"
    assert not (state / identity_cache.STATE_FOLDER).exists()
    # An entry an older release wrote for it is not served either.
    monkeypatch.setattr(identity_cache, "_is_itself", lambda _path, _identity: True)
    identity_cache.identify(str(shim), state)
    monkeypatch.undo()
    monkeypatch.setattr(identity_cache, "probe_interpreter", probe)
    assert identity_cache.identify(str(shim), state).version == "3.10.13"
    assert len(probed) == 4


def test_system_skips_every_shim_folder_pyenv_knows(pyenv: Pyenv, tmp_path: Path) -> None:
    """A copy of the shims elsewhere on PATH, and folders named in _PYENV_SHIM_PATHS_<NAME>,
    are left out of the search for the system command, as ``remove_from_path`` does."""
    other = tmp_path / "other-shims"
    other.mkdir()
    _executable(other / "python3")
    _executable(pyenv.system / "python3")
    environ = {**pyenv.environ(), "PATH": f"{other}:{pyenv.shims}:{pyenv.system}",
               "_PYENV_SHIM_PATHS_PYTHON3": str(other)}
    resolution = resolve_shim(pyenv.shim(), environ, str(pyenv.work))
    assert target(resolution) == f"{pyenv.system}/python3"
    del environ["_PYENV_SHIM_PATHS_PYTHON3"]
    assert target(resolve_shim(pyenv.shim(), environ, str(pyenv.work))) == f"{other}/python3"
