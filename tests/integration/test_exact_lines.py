"""Every ``uvshim:`` line exactly true, and none where uv says it all, with the newest uv and
real interpreters (3.12 swapped for 3.13 behind the same path, where uv reuses what was built
before):

- a bucket holding stale environments for pycowsay and for black: one clause each, each with
  its own name (black's dependency pytokens names black under an extra nobody installed), in
  the shim, in ``uvshim explain`` and in ``uvshim doctor``;
- ``uvx black`` alone: the one environment named;
- ``uvx --with '' pycowsay``: uv reads the empty ``--with`` as nothing added, so the shim says
  nothing on a healthy cache and repairs the environment after a swap;
- a working folder deleted under the shell: uv's own message and nothing else;
- any command uv refuses before it reads its cache (a usage error, a setting it cannot
  parse): uv's own message, exactly, and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _support.interpreters import installed_python, make_prefix, swap_prefix
from _support.sandbox import Sandbox, require_python
from _support.tool_wheel import build_tool_wheel
from _support.uv_binaries import NEWEST, uv_release

OLD, NEW = "3.12", "3.13"
LAYOUT = "unversioned"


def full_version(minor: str) -> str:
    found = installed_python(minor)
    assert found is not None
    return found.name


def stale(minor_old: str = OLD, minor_new: str = NEW) -> str:
    return (f"built for CPython {full_version(minor_old)}, interpreter is now CPython "
            f"{full_version(minor_new)}")


class Scene:
    def __init__(self, sandbox: Sandbox, launchers: Path) -> None:
        for minor in (OLD, NEW):
            require_python(minor)
        self.sandbox = sandbox
        self.real = uv_release(NEWEST)
        self.prefix = sandbox.root / "prefix"
        self.launchers = launchers
        wheels = sandbox.root / "wheels"
        # pytokens 0.3's METADATA, as on PyPI: black under its "dev" extra.
        build_tool_wheel(wheels, "black", requires=["pytokens>=0.1"])
        build_tool_wheel(wheels, "pytokens", requires=['black; extra == "dev"'])
        build_tool_wheel(wheels, "pycowsay")
        build_tool_wheel(wheels, "ruff")
        self.offline = ["--offline", "--find-links", str(wheels)]
        sandbox.path_dirs = [make_prefix(self.prefix, OLD, LAYOUT), self.real]

    def bare(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([str(self.real / "uvx"), *self.offline, *args])

    def shim(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([str(self.launchers / "uvx"), *self.offline, *args])

    def uvshim(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.sandbox.run([sys.executable, "-m", "uvshim", *args])

    def swap(self) -> None:
        swap_prefix(self.prefix, NEW, LAYOUT)


def runs(done: subprocess.CompletedProcess[str], tool: str, minor: str) -> bool:
    return done.returncode == 0 and done.stdout.startswith(f"{tool} {minor} ")


def notes(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("uvshim:")]


@pytest.fixture
def scene(sandbox: Sandbox, launchers: Path) -> Scene:
    return Scene(sandbox, launchers)


def test_each_stale_environment_is_named_once_in_the_shim_explain_and_doctor(
        scene: Scene) -> None:
    assert runs(scene.bare("pycowsay"), "pycowsay", OLD)
    assert runs(scene.bare("black"), "black", OLD)
    scene.swap()
    expected = (f"uvshim: 2 cached environments: the one for black {stale()}; the one for "
                f"pycowsay {stale()}; dropped them so uv builds fresh ones")
    explained = scene.uvshim("explain", "--json", *scene.offline, "ruff")
    assert json.loads(explained.stdout)["decision"]["messages"] == [expected]
    doctor = scene.uvshim("doctor")
    assert "(for black)\n  interpreter-changed: " in doctor.stdout, doctor.stdout
    assert "(for pycowsay)\n  interpreter-changed: " in doctor.stdout, doctor.stdout
    done = scene.shim("ruff")
    assert runs(done, "ruff", NEW), done.stderr
    assert notes(done) == [expected]


def test_a_lone_stale_environment_is_named(scene: Scene) -> None:
    assert runs(scene.bare("black"), "black", OLD)
    scene.swap()
    assert not runs(scene.bare("black"), "black", NEW), "uv no longer reuses it"
    done = scene.shim("black")
    assert runs(done, "black", NEW), done.stderr
    assert notes(done) == [f"uvshim: the cached environment for black {stale()}; dropped it "
                           "so uv builds a fresh one"]


@pytest.mark.parametrize("empty", [["--with", ""], ["--with="], ["-w", ""]])
def test_an_empty_with_is_checked_like_none(scene: Scene, empty: list[str]) -> None:
    built = scene.shim(*empty, "pycowsay", "hi")
    assert runs(built, "pycowsay", OLD), built.stderr
    assert notes(built) == []
    scene.swap()
    assert not runs(scene.bare(*empty, "pycowsay", "hi"), "pycowsay", NEW), \
        "uv no longer reuses it"
    fixed = scene.shim(*empty, "pycowsay", "hi")
    assert runs(fixed, "pycowsay", NEW), fixed.stderr
    assert notes(fixed) == [f"uvshim: the cached environment for pycowsay {stale()}; dropped "
                            "it so uv builds a fresh one"]
    assert runs(scene.bare(*empty, "pycowsay", "hi"), "pycowsay", NEW)


def in_deleted_folder(folder: Path, argv: list[str]) -> list[str]:
    """``argv`` run from ``folder``, deleted under the shell that runs it."""
    return ["sh", "-c", 'mkdir "$0" && cd "$0" && rmdir "$0" && exec "$@"', str(folder), *argv]


def test_a_deleted_working_folder_leaves_uv_alone_to_say_so(scene: Scene) -> None:
    assert runs(scene.bare("pycowsay"), "pycowsay", OLD)
    gone = scene.sandbox.root / "gone"
    bare = scene.sandbox.run(in_deleted_folder(gone, [str(scene.real / "uvx"), "pycowsay"]))
    assert bare.returncode != 0
    assert "Current directory does not exist" in bare.stderr
    done = scene.sandbox.run(in_deleted_folder(gone, [str(scene.launchers / "uvx"),
                                                      "pycowsay"]))
    assert (done.returncode, done.stdout) == (bare.returncode, bare.stdout)
    assert notes(done) == []


REFUSED = {
    "an unknown option": (["--frobnicate", "pycowsay"], {}),
    "a value missing": (["--with"], {}),
    "an option twice": (["--isolated", "--isolated", "pycowsay"], {}),
    "a preference uv does not know": (["--python-preference", "sometimes", "pycowsay"], {}),
    "a preference variable uv does not know": (["pycowsay"],
                                                {"UV_PYTHON_PREFERENCE": "sometimes"}),
    "an empty --from": (["--from=", "pycowsay"], {}),
    "an empty path": (["--cache-dir", "", "pycowsay"], {}),
    "a uv.toml with a preference uv does not know": (["pycowsay"], {"uv.toml": "sometimes"}),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_uv_refuses_itself_gets_its_message_alone(scene: Scene, case: str) -> None:
    args, variables = REFUSED[case]
    assert runs(scene.bare("pycowsay"), "pycowsay", OLD)
    scene.swap()  # a stale environment: the shim has something it could say
    env = scene.sandbox.env()
    if "uv.toml" in variables:
        config = scene.sandbox.root / "config" / "uv" / "uv.toml"
        config.parent.mkdir(parents=True)
        config.write_text(f'python-preference = "{variables["uv.toml"]}"\n')
    else:
        env.update(variables)
    bare = scene.sandbox.run([str(scene.real / "uvx"), *scene.offline, *args], env=env)
    assert bare.returncode != 0
    done = scene.sandbox.run([str(scene.launchers / "uvx"), *scene.offline, *args], env=env)
    assert (done.returncode, done.stdout, done.stderr) == (bare.returncode, bare.stdout,
                                                           bare.stderr)
