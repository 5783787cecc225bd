"""recipes/gitlab-ci.yml and recipes/github-actions.yml: their job lines, run as the runner
runs them, in uv's image layout, on one cache kept across an image bump (3.11 -> 3.12).

The seed case: `uvx --with tox-uv tox run -e unit`. ``--with tox-uv`` is a uv option (the
tool environment holds tox and tox-uv; everything from ``tox`` on goes to tox), so the cached
environment is keyed by both requirements, and that is the one the bump leaves stale. tox,
tox-uv and their dependencies come from an offline find-links folder standing for the index.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from _support.deploy import build_image, image_env, offline_index, run_shell
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST

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


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((RECIPES / name).read_text())
    assert isinstance(data, dict)
    return data


def checkout(project: Path, cache: str) -> None:
    """A fresh clone of the project, with only the restored cache folder kept."""
    project.mkdir(parents=True, exist_ok=True)
    for entry in project.iterdir():
        if entry.name != cache:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (project / "tox.ini").write_text(TOX_INI)


def expand(value: str, variables: dict[str, str]) -> str:
    """``$NAME`` / ``${NAME}`` as the runner expands them; an unknown name fails the test."""
    return re.sub(r"\$\{?(\w+)\}?", lambda m: variables[m.group(1)], value)


def github_expression(value: str, context: dict[str, str]) -> str:
    """``${{ a.b }}`` for the few context values the recipe may use here."""
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: context[m.group(1)], value)


def job_run(script: list[str], env: dict[str, str], project: Path,
            ) -> tuple[int, str, str]:
    done = run_shell("\n".join(script), env, project)
    return done.returncode, done.stdout, done.stderr


def shim_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("uvshim:")]


# The image layout decides whether uv itself reuses the stale environment: in uv's images
# python3 is a symlink to python3.12, which uv follows from 0.7.14 on; an image whose python3
# is a real file breaks every release (see test_stale_env.py).
GITLAB_CASES = [("0.7.13", "symlinked", True), (NEWEST, "unversioned", True),
                (NEWEST, "symlinked", False)]


@pytest.mark.parametrize(("uv_version", "layout", "stale"), GITLAB_CASES)
def test_gitlab_recipe_across_an_image_bump(tmp_path: Path, uv_version: str, layout: str,
                                            stale: bool) -> None:
    require_python("3.11")
    require_python("3.12")
    job = load("gitlab-ci.yml")["unit"]
    assert UV_IMAGE.match(job["image"])
    assert job["script"] == [f"uvshim {SEED_COMMAND}"]
    assert "python" not in job["cache"]["key"]  # one cache across image bumps
    index = offline_index(tmp_path / "index")
    root = tmp_path / "runner"
    project = root / "builds" / "group" / "project"
    ci = {"CI_PROJECT_DIR": str(project)}
    variables = {name: expand(value, ci) for name, value in job["variables"].items()}
    [cache] = job["cache"]["paths"]
    assert variables["UV_CACHE_DIR"] == f"{project}/{cache}"

    results = {}
    for python in ("3.11", "3.12"):
        build_image(root, python, layout, uv_version)
        checkout(project, cache)
        env = image_env(root, {**ci, **variables, "UV_FIND_LINKS": str(index),
                               "UV_OFFLINE": "1"})
        if python == "3.12":  # the same command without uvshim, on the same cache
            bare = run_shell(SEED_COMMAND, env, project)
            checkout(project, cache)
        results[python] = job_run(job["before_script"] + job["script"], env, project)
    code, out, err = results["3.12"]
    assert results["3.11"][0] == 0, results["3.11"][2]
    assert "unit on 3 11" in results["3.11"][1]
    assert shim_notes(results["3.11"][2]) == []
    assert code == 0, err
    assert "unit on 3 12" in out
    assert (project / cache / "environments-v2").is_dir()  # the job used the cached folder
    notes = shim_notes(err)
    assert len(notes) == (1 if stale else 0), err
    if stale:
        # The environment holds tox and tox-uv; tox-uv is the one nothing else requires.
        assert "the cached environment for tox-uv built for CPython 3.11.7" in notes[0]
    if stale:
        assert bare.returncode != 0, "uv no longer reuses the stale environment"
        assert "unit on 3 12" not in bare.stdout
    else:
        assert "unit on 3 12" in bare.stdout, bare.stderr


def test_github_recipe_matrix_shares_one_cache(tmp_path: Path) -> None:
    require_python("3.11")
    require_python("3.12")
    workflow = load("github-actions.yml")
    job = workflow["jobs"]["unit"]
    cache_step = next(step for step in job["steps"]
                      if step.get("uses", "").startswith("actions/cache@"))
    assert "matrix" not in cache_step["with"]["key"]  # keyed across Python versions
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[-1] == f"python -m uvshim {SEED_COMMAND}"
    index = offline_index(tmp_path / "index")
    root = tmp_path / "runner"
    project = root / "__w" / "project" / "project"

    outcomes = []
    for python in job["strategy"]["matrix"]["python"]:
        image = UV_IMAGE.match(github_expression(job["container"], {"matrix.python": python}))
        assert image is not None
        assert image.group("python") == python
        build_image(root, python, "unversioned", NEWEST)
        checkout(project, cache_step["with"]["path"])
        env = image_env(root, {**job["env"], "UV_FIND_LINKS": str(index), "UV_OFFLINE": "1"})
        outcomes.append((python, job_run(runs, env, project)))

    (_, (code_a, out_a, err_a)), (_, (code_b, out_b, err_b)) = outcomes
    assert code_a == 0, err_a
    assert "unit on 3 11" in out_a
    assert code_b == 0, err_b
    assert "unit on 3 12" in out_b
    assert len(shim_notes(err_b)) == 1, err_b
    assert (project / cache_step["with"]["path"] / "environments-v2").is_dir()
