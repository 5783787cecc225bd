"""The mise model against real mise: where the model answers, the real shim execs that file.

Each case lays out a home folder, mise's default folders under it, configuration files and
variables, links the image's Pythons with ``mise link``, and then, for each mise release the
model covers, compares ``resolve_shim`` with what the real ``python3`` shim reports as
``sys.executable`` in the same folder and environment (no trust settings: the subset is what mise
reads without asking). Cases outside the subset must be left to the real shim (probed).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from _support.interpreters import installed_python
from _support.own_copies import own_copy
from _support.sandbox import SYSTEM_PATH, isolated_env, require_python
from _support.version_managers import MISE_RELEASES, mise_binary
from uvshim.discovery import mise as mise_model
from uvshim.discovery.version_managers import resolve_shim
from uvshim.versions import Version

OLD, NEW = "3.11", "3.12"


class Home:
    """A user's home with mise in its default folders, and a project below it."""

    def __init__(self, root: Path, release: str) -> None:
        self.root = root
        self.home = root / "home"
        self.project = self.home / "project"
        self.project.mkdir(parents=True)
        self.bin = root / "bin"
        self.bin.mkdir()
        os.link(own_copy(mise_binary(release)), self.bin / "mise")
        self.data = self.home / ".local" / "share" / "mise"
        self.env = isolated_env(self.home, SYSTEM_PATH,
                                UVSHIM_CACHE_DIR=str(root / "uvshim-state"))
        self.versions: dict[str, str] = {}
        for minor in (OLD, NEW):
            prefix = installed_python(minor)
            assert prefix is not None
            self.versions[minor] = prefix.name
            self.mise("link", f"python@{prefix.name}", str(prefix))
        self.mise("reshim")

    def mise(self, *args: str) -> None:
        env = {**self.env, "PATH": f"{self.bin}:/usr/bin:/bin", "MISE_YES": "1"}
        done = subprocess.run([str(self.bin / "mise"), *args], env=env, cwd=self.home,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr

    def write(self, relative: str, text: str) -> None:
        path = self.home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def shim(self, data: Path | None = None) -> Path:
        return (data or self.data) / "shims" / "python3"


Case = Callable[[Home], tuple[str, dict[str, str]]]  # → the working folder, extra variables


def toml(version: str, extra: str = "") -> str:
    return f'[tools]\npython = "{version}"\n{extra}'


def in_the_folder(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/mise.toml", toml(h.versions[OLD]))
    return "project", {}


def tool_versions(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/.tool-versions", f"# pinned\npython {h.versions[NEW]}\n\nnode 20.1.0\n")
    return "project", {}


def from_a_parent(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/mise.toml", toml(h.versions[NEW]))
    (h.project / "src" / "pkg").mkdir(parents=True)
    return "project/src/pkg", {}


def nearer_beats_farther(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/mise.toml", toml(h.versions[NEW]))
    h.write("project/sub/.tool-versions", f"python {h.versions[OLD]}\n")
    return "project/sub", {}


def global_file(h: Home) -> tuple[str, dict[str, str]]:
    h.write(".config/mise/config.toml", toml(h.versions[NEW]))
    return "project", {}


def local_beats_global(h: Home) -> tuple[str, dict[str, str]]:
    h.write(".config/mise/config.toml", toml(h.versions[NEW]))
    h.write("project/.mise.toml", toml(h.versions[OLD]))
    return "project", {}


def variable_beats_files(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/mise.toml", toml(h.versions[OLD]))
    return "project", {"MISE_PYTHON_VERSION": h.versions[NEW]}


def python_version_file_is_not_read(h: Home) -> tuple[str, dict[str, str]]:
    h.write(".config/mise/config.toml", toml(h.versions[OLD]))
    h.write("project/.python-version", f"{h.versions[NEW]}\n")
    return "project", {}


def array_and_other_tools(h: Home) -> tuple[str, dict[str, str]]:
    h.write("project/mise.toml", f'[tools]\npython = ["{h.versions[NEW]}"]\nnode = "20.1.0"\n'
                                 '[tasks.build]\nrun = "make"\n')
    return "project", {}


def nested_file(name: str) -> Case:
    def case(h: Home) -> tuple[str, dict[str, str]]:
        h.write(f"project/{name}", toml(h.versions[NEW]))
        return "project", {}
    case.__name__ = f"nested {name}"
    return case


def own_folders(h: Home) -> tuple[str, dict[str, str]]:
    """mise's folders moved by variables (data, config, state, cache) and XDG_STATE_HOME."""
    folders = {name: str(h.root / name.lower()) for name in ("MISE_DATA_DIR", "MISE_CONFIG_DIR",
                                                              "MISE_CACHE_DIR")}
    h.env.update(folders, XDG_STATE_HOME=str(h.root / "state"))
    for minor in (OLD, NEW):
        prefix = installed_python(minor)
        assert prefix is not None
        h.mise("link", f"python@{prefix.name}", str(prefix))
    h.mise("reshim")
    Path(folders["MISE_CONFIG_DIR"]).mkdir(exist_ok=True)
    Path(folders["MISE_CONFIG_DIR"], "config.toml").write_text(toml(h.versions[OLD]))
    return "project", {}


MODELLED: list[tuple[Case, str]] = [
    (in_the_folder, OLD), (tool_versions, NEW), (from_a_parent, NEW),
    (nearer_beats_farther, OLD), (global_file, NEW), (local_beats_global, OLD),
    (variable_beats_files, NEW), (python_version_file_is_not_read, OLD),
    (array_and_other_tools, NEW), (own_folders, OLD),
    *[(nested_file(name), NEW) for name in (
        ".config/mise.toml", ".config/mise/config.toml", "mise/config.toml",
        ".mise/config.toml", "mise.local.toml", ".mise.local.toml")],
]


def probed(files: Callable[[Home], dict[str, str]], extra: dict[str, str] | None = None
           ) -> Case:
    def case(h: Home) -> tuple[str, dict[str, str]]:
        for relative, text in files(h).items():
            h.write(relative, text)
        return "project", dict(extra or {})
    return case


def old_in_the_project(h: Home) -> dict[str, str]:
    return {"project/mise.toml": toml(h.versions[OLD])}


PROBED: dict[str, Case] = {
    "another tool first": probed(lambda h: {
        "project/mise.toml": f'[tools]\nnode = "20.1.0"\npython = "{h.versions[OLD]}"\n'}),
    "a prefix": probed(lambda _: {"project/mise.toml": toml(OLD)}),
    "system": probed(lambda _: {"project/mise.toml": toml("system")}),
    "latest": probed(lambda _: {"project/.tool-versions": "python latest\n"}),
    "two versions": probed(lambda h: {
        "project/.tool-versions": f"python {h.versions[NEW]} {h.versions[OLD]}\n"}),
    "not installed": probed(lambda _: {"project/mise.toml": toml("3.9.99")}),
    "an [env] table": probed(lambda h: {
        "project/mise.toml": toml(h.versions[OLD], '[env]\nFOO = "1"\n')}),
    "a template": probed(lambda _: {"project/mise.toml": '[tools]\npython = "{{ env.PY }}"\n'}),
    "a conf.d folder": probed(lambda h: {
        "project/.mise/conf.d/py.toml": toml(h.versions[OLD])}),
    "a lockfile": probed(lambda h: {**old_in_the_project(h), "project/mise.lock": ""}),
    "two files in a folder": probed(lambda h: {
        **old_in_the_project(h), "project/.tool-versions": f"python {h.versions[NEW]}\n"}),
    "a .miserc.toml": probed(lambda h: {**old_in_the_project(h), ".miserc.toml": ""}),
    "MISE_ENV": probed(old_in_the_project, {"MISE_ENV": "ci"}),
    "no configuration": probed(lambda _: {}),
}


def real_executable(h: Home, cwd: Path, extra: dict[str, str]) -> str:
    done = subprocess.run([str(h.shim(_data(h))), "-c", "import sys; print(sys.executable)"],
                          env={**h.env, **extra}, cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _data(h: Home) -> Path:
    return Path(h.env.get("MISE_DATA_DIR", h.data))


@pytest.fixture(params=MISE_RELEASES)
def home(request: pytest.FixtureRequest, tmp_path: Path) -> Home:
    require_python(OLD)
    require_python(NEW)
    return Home(tmp_path, request.param)


@pytest.mark.parametrize(("case", "minor"), MODELLED, ids=[c.__name__ for c, _ in MODELLED])
def test_the_model_names_the_file_the_real_shim_execs(home: Home, case: Case,
                                                      minor: str) -> None:
    folder, extra = case(home)
    cwd = home.home / folder
    resolution = resolve_shim(str(home.shim(_data(home))), {**home.env, **extra}, str(cwd))
    assert resolution is not None
    assert resolution.target is not None, resolution.how
    assert resolution.target == real_executable(home, cwd, extra)
    assert f"/installs/python/{home.versions[minor]}/bin/python3" in resolution.target


@pytest.mark.parametrize("name", PROBED)
def test_outside_the_subset_the_shim_is_probed(home: Home, name: str) -> None:
    folder, extra = PROBED[name](home)
    resolution = resolve_shim(str(home.shim()), {**home.env, **extra}, str(home.home / folder))
    assert resolution is not None
    assert resolution.target is None
    assert resolution.how.startswith("a mise shim, probed: ")


def test_the_covered_releases_are_the_tested_ones() -> None:
    covered = (mise_model.MISE_OLDEST, mise_model.MISE_NEWEST)
    assert tuple(Version(release) for release in MISE_RELEASES) == covered


@pytest.mark.parametrize("program", ["python", f"python{OLD}"])
def test_other_command_names(home: Home, program: str) -> None:
    folder, extra = in_the_folder(home)
    cwd = home.home / folder
    shim = home.data / "shims" / program
    resolution = resolve_shim(str(shim), {**home.env, **extra}, str(cwd))
    assert resolution is not None
    assert resolution.target is not None, resolution.how
    done = subprocess.run([str(shim), "-c", "import sys; print(sys.executable)"],
                          env=home.env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)
    assert resolution.target == done.stdout.strip(), done.stderr
    assert resolution.target.endswith(f"/{home.versions[OLD]}/bin/{program}")
