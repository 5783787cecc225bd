"""gitlab-ci-local, which runs a ``.gitlab-ci.yml`` job in real containers as a GitLab
runner's docker executor does: the job's image, the project copied in at
``/builds/GROUP/PROJECT``, before_script and script in one shell, each ``cache:`` path a named
volume kept from job to job (``--mount-cache``). Its other mode, copying the cache out by a
helper container after a job and back in before the next, now and then handed the next job an
empty cache under a loaded engine.

Installed once from the npm registry into the tests' cache. Its ``re2`` dependency has no
prebuilt binary for this Node here and compiles from source (minutes, once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from filelock import FileLock

from _support.containers import docker_cli
from _support.sandbox import missing
from _support.uv_binaries import support_cache_root

VERSION = "4.60.1"  # the newest release that runs on Node 20; later ones need Node 22


def gitlab_ci_local() -> Path:
    npm = shutil.which("npm")
    if npm is None:
        missing("no npm to install gitlab-ci-local with")
    folder = support_cache_root() / f"gitlab-ci-local-{VERSION}"
    program = folder / "node_modules" / ".bin" / "gitlab-ci-local"
    with FileLock(str(folder) + ".lock"):
        if not program.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund",
                            "--prefix", str(folder), f"gitlab-ci-local@{VERSION}"],
                           check=True, capture_output=True, timeout=1800)
    return program


def run_job(project: Path, job: str, helper_image: str, variables: dict[str, str],
            ) -> subprocess.CompletedProcess[str]:
    """``gitlab-ci-local JOB`` in ``project`` (a git repository) against the tests' engine:
    local images only, containers on the host's network, ``variables`` set as a project's
    CI/CD variables would be."""
    env = {**os.environ,
           "PATH": os.pathsep.join([str(Path(docker_cli()).parent), os.environ["PATH"]])}
    given = [f"--variable={name}={value}" for name, value in variables.items()]
    return subprocess.run(
        [str(gitlab_ci_local()), "--pull-policy", "if-not-present", "--helper-image",
         helper_image, "--network", "host", "--mount-cache", "--no-color", *given, job],
        cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)


def remove_cache_volumes(*keys: str) -> None:
    """Drop the cache volumes of ``keys`` that earlier jobs left (``gcl-<project>-<key>``):
    every test project here has the same path, so they would otherwise carry over between
    tests. (A job's own ``-build`` and ``-tmp`` volumes are gitlab-ci-local's to remove.)"""
    caches = [name for name in _job_volumes() if any(name.endswith(f"-{key}") for key in keys)]
    if caches:
        subprocess.run([docker_cli(), "volume", "rm", "-f", *caches], capture_output=True,
                       check=True)


def copy_cache_volume(key: str, copy_key: str, image: str) -> None:
    """Fill the cache volume of ``copy_key`` with a copy of the one of ``key`` (the same
    project), with ``image``'s ``cp -a``."""
    [source] = [name for name in _job_volumes() if name.endswith(f"-{key}")]
    target = source[: -len(key)] + copy_key
    subprocess.run([docker_cli(), "run", "--rm", "--network", "none", "-v", f"{source}:/from",
                    "-v", f"{target}:/to", image, "cp", "-a", "/from/.", "/to/"],
                   capture_output=True, check=True)


def _job_volumes() -> list[str]:
    """The volumes gitlab-ci-local made (``gcl-…``)."""
    return subprocess.run([docker_cli(), "volume", "ls", "-q", "--filter", "name=gcl-"],
                          capture_output=True, text=True, check=True).stdout.split()
