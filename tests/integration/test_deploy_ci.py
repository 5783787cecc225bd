"""recipes/gitlab-ci.yml and recipes/github-actions.yml run in real containers, on one cache
kept across an image bump (3.11 -> 3.12): the GitLab job by gitlab-ci-local, the GitHub
Actions container job as its runner runs one (``_support.github``).

The seed case: `uvx --with tox-uv tox run -e unit`. ``--with tox-uv`` is a uv option (the
tool environment holds tox and tox-uv; everything from ``tox`` on goes to tox), so the cached
environment is keyed by both requirements, and that is the one the bump leaves stale. tox,
tox-uv and their dependencies come from the package index in the GitHub job; uvshim from its
wheel in the project's ``wheels/``, as the recipes say. The GitLab jobs run offline on wheels
downloaded once (``offline_wheels``), so that what the index publishes between two jobs cannot
change the tool's environment (uv 0.7.13 resolves a ``uvx`` tool anew on every run). The
images stand in for uv's own under its names (``_support.containers``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

from _support import containers
from _support.github import Runner, expression
from _support.gitlab import copy_cache_volume, remove_cache_volumes, run_job
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST, support_cache_root

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
SEED_COMMAND = "uvx --with tox-uv tox run -e unit"
TOX_INI = """\
[tox]
env_list = unit

[testenv:unit]
skip_install = true
commands = python -c "import sys; print('unit on', *sys.version_info[:2])"
"""
UV_IMAGE = re.compile(r"^ghcr\.io/astral-sh/uv:python(?P<python>.+)-bookworm-slim$")
JOB_LINE = re.compile(r"^\S+ > ?(.*)$")  # gitlab-ci-local's prefix on a job's output


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((RECIPES / name).read_text())
    assert isinstance(data, dict)
    return data


def project_files(project: Path, wheels: Path, *more: Path) -> Path:
    """The user's project: tox.ini, and uvshim's wheel (with the ``more`` folders' wheels) in
    wheels/."""
    project.mkdir(parents=True)
    (project / "tox.ini").write_text(TOX_INI)
    shutil.copytree(wheels, project / "wheels", ignore=shutil.ignore_patterns("*.tar.gz"))
    for folder in more:
        for wheel in folder.glob("*.whl"):
            shutil.copy2(wheel, project / "wheels" / wheel.name)
    return project


# Pinned: the same tools in every run. With uvshim's own requirements, for 3.11 and 3.12.
OFFLINE_REQUIREMENTS = ("tox==4.67.15", "tox-uv==1.37.1", "packaging", "platformdirs",
                        "filelock")
# The jobs' uv reads only the project's wheels/ (both variables exist in 0.7.13 and 0.13.9).
OFFLINE = {"UV_OFFLINE": "1", "UV_FIND_LINKS": "wheels"}


@pytest.fixture(scope="session")
def offline_wheels() -> Path:
    folder = support_cache_root() / "gitlab-wheels"
    with FileLock(str(folder) + ".lock"):
        if not (folder / "complete").exists():
            for python in ("3.11", "3.12"):
                subprocess.run([sys.executable, "-m", "pip", "download", "--quiet",
                                "--only-binary=:all:", "--python-version", python,
                                "--dest", str(folder), *OFFLINE_REQUIREMENTS], check=True)
            (folder / "complete").write_text("")
    return folder


def stand_in(minor: str, layout: str, uv_version: str) -> None:
    """Tag the tests' image as uv's ``pythonMINOR-bookworm-slim``, as a registry pull would."""
    image = containers.uv_image(minor, layout, uv_version)
    containers.docker("tag", image, f"ghcr.io/astral-sh/uv:python{minor}-bookworm-slim")


def shim_notes(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("uvshim:")]


# --- GitLab ----------------------------------------------------------------------------------

def commit(project: Path, message: str) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=ci", "-c", "user.email=ci@example.org"]
    subprocess.run([*git, "add", "--all"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "--quiet", "-m", message], check=True, capture_output=True)


def gitlab_job(project: Path, job: str) -> tuple[int, str]:
    """Run ``job``; its exit status and the job's own output (without gitlab-ci-local's)."""
    done = run_job(project, job, containers.base_image(), OFFLINE)
    lines = [JOB_LINE.match(line) for line in (done.stdout + done.stderr).splitlines()]
    return done.returncode, "\n".join(match.group(1) for match in lines if match)


# The image layout decides whether uv itself reuses the stale environment: in uv's images
# python3 is a symlink to python3.12, which uv follows from 0.7.14 on; an image whose python3
# is a real file breaks every release (see test_stale_env.py). uv 0.7.13 in uv's layout, the
# other release uv's layout breaks, is proven outside containers (test_seed_scenario.py,
# test_stale_env.py).
GITLAB_CASES = [(NEWEST, "unversioned", True), (NEWEST, "symlinked", False)]


@pytest.mark.usefixtures("container_engine")
@pytest.mark.parametrize(("uv_version", "layout", "stale"), GITLAB_CASES)
def test_gitlab_recipe_across_an_image_bump(tmp_path: Path, uvshim_dist: Path,
                                            offline_wheels: Path, uv_version: str,
                                            layout: str, stale: bool) -> None:
    require_python("3.11")
    require_python("3.12")
    recipe = (RECIPES / "gitlab-ci.yml").read_text()
    job = load("gitlab-ci.yml")["unit"]
    assert UV_IMAGE.match(job["image"])
    assert job["script"] == [f"uvshim {SEED_COMMAND}"]
    assert "python" not in job["cache"]["key"]  # one cache across image bumps
    for minor in ("3.11", "3.12"):
        stand_in(minor, layout, uv_version)
    project = project_files(tmp_path / "project", uvshim_dist, offline_wheels)
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    remove_cache_volumes(job["cache"]["key"], "bare-copy")

    # Before the bump: the recipe on 3.11.
    (project / ".gitlab-ci.yml").write_text(recipe.replace("python3.12", "python3.11"))
    commit(project, "tests on 3.11")
    code, out = gitlab_job(project, "unit")
    assert code == 0, out
    assert "unit on 3 11" in out
    assert shim_notes(out) == []

    # The bump, first without uvshim: the same job, its command run by bare uvx, on a copy of
    # the cache (so that what it builds is not what the recipe's job finds).
    bare = {"bare": {**job, "before_script": [], "script": [SEED_COMMAND],
                     "cache": {**job["cache"], "key": "bare-copy"}}}
    copy_cache_volume(job["cache"]["key"], "bare-copy", containers.base_image())
    (project / ".gitlab-ci.yml").write_text(yaml.safe_dump(bare))
    commit(project, "tests on 3.12, bare uvx")
    bare_code, bare_out = gitlab_job(project, "bare")
    if stale:
        assert bare_code != 0, f"uv no longer reuses the stale environment:\n{bare_out}"
        assert "unit on 3 12" not in bare_out
    else:
        assert "unit on 3 12" in bare_out, bare_out

    # The recipe as written, on the cache the 3.11 job left; then the next pipeline.
    (project / ".gitlab-ci.yml").write_text(recipe)
    commit(project, "tests on 3.12")
    code, out = gitlab_job(project, "unit")
    assert code == 0, out
    assert "unit on 3 12" in out
    notes = shim_notes(out)
    assert len(notes) == (1 if stale else 0), out
    if stale:
        # The environment holds tox and tox-uv; tox-uv is the one nothing else requires.
        assert "the cached environment for tox-uv built for CPython 3.11.7" in notes[0]
    code, out = gitlab_job(project, "unit")
    assert code == 0, out
    assert "unit on 3 12" in out
    assert shim_notes(out) == []


# --- GitHub Actions --------------------------------------------------------------------------

@pytest.mark.usefixtures("container_engine")
def test_github_recipe_matrix_shares_one_cache(tmp_path: Path, uvshim_dist: Path) -> None:
    require_python("3.11")
    require_python("3.12")
    job = load("github-actions.yml")["jobs"]["unit"]
    cache_step = next(step for step in job["steps"]
                      if step.get("uses", "").startswith("actions/cache@"))
    assert "matrix" not in cache_step["with"]["key"]  # keyed across Python versions
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[-1] == f"python -m uvshim {SEED_COMMAND}"
    project = project_files(tmp_path / "project", uvshim_dist)
    runner = Runner(tmp_path / "runner")

    outcomes = []
    for python in job["strategy"]["matrix"]["python"]:
        image = expression(job["container"], {"matrix.python": python}, project)
        match = UV_IMAGE.match(image)
        assert match is not None
        assert match.group("python") == python
        # python3 a real file: the layout where every uv release reuses the stale environment.
        stand_in(python, "unversioned", NEWEST)
        outcomes.append(runner.run_job(job, image, project))

    first, second = outcomes
    assert [step.returncode for step in first] == [0, 0], first[-1].stderr
    assert "unit on 3 11" in first[-1].stdout
    assert shim_notes(first[-1].stderr) == []
    assert [step.returncode for step in second] == [0, 0], second[-1].stderr
    assert "unit on 3 12" in second[-1].stdout
    [note] = shim_notes(second[-1].stderr)
    assert "the cached environment for tox-uv built for CPython 3.11.7" in note
    assert (runner.workspace / cache_step["with"]["path"] / "environments-v2").is_dir()
