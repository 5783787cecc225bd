"""gitlab-ci-local, which runs a ``.gitlab-ci.yml`` job in real containers as a GitLab
runner's docker executor does: the job's image, the project copied in at
``/builds/GROUP/PROJECT``, before_script and script in one shell, the ``cache:`` paths copied
out by a helper container after the job and back in before the next.

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
         helper_image, "--network", "host", "--no-color", *given, job],
        cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
