"""A GitHub Actions container job run the way the runner runs one, on the tests' engine.

The runner starts the job's ``container:`` image with the work folder mounted at ``/__w``, the
workspace ``/__w/REPO/REPO`` as its working folder and ``tail -f /dev/null`` as its command,
then runs each ``run:`` step in it with ``docker exec`` (``bash -e FILE``, the default shell
where bash exists), the job's ``env:`` passed to each. ``actions/checkout`` and
``actions/cache`` need github.com and the cache service, which are out of reach here; what
they do is done on the host: the checkout fills the fresh workspace with the project's files,
the cache is restored into it before the steps (exact key, else the newest entry under a
restore key) and saved after a job that succeeded on a miss of its exact key.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _support import containers

REPOSITORY = "project"


@dataclass
class Step:
    run: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Runner:
    """One runner machine over time: its work folder and the cache service's entries."""

    root: Path
    saved: dict[str, Path] = field(default_factory=dict)

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def workspace(self) -> Path:
        return self.work / REPOSITORY / REPOSITORY

    def run_job(self, job: dict[str, Any], image: str, project: Path) -> list[Step]:
        self._checkout(project)
        cache = _cache_step(job)
        key = expression(cache["key"], {}, project)
        hit = self._restore(cache["path"], key, cache.get("restore-keys", ""))
        steps = self._run_steps(job, image)
        if steps[-1].returncode == 0 and not hit:
            self._save(cache["path"], key)
        return steps

    def _checkout(self, project: Path) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(project, self.workspace)
        (self.work / "_temp").mkdir()

    def _restore(self, path: str, key: str, restore_keys: str) -> bool:
        entry = self.saved.get(key)
        exact = entry is not None
        for prefix in filter(None, restore_keys.splitlines()):
            newest = [self.saved[name] for name in self.saved if name.startswith(prefix)]
            if entry is None and newest:
                entry = newest[-1]
        if entry is not None:
            (self.workspace / path).mkdir(parents=True)
            subprocess.run(["tar", "-C", str(self.workspace / path), "-xf", str(entry)],
                           check=True)
        return exact

    def _save(self, path: str, key: str) -> None:
        store = self.root / "cache-service"
        store.mkdir(exist_ok=True)
        entry = store / f"{len(self.saved)}.tar"
        subprocess.run(["tar", "-C", str(self.workspace / path), "-cf", str(entry), "."],
                       check=True)
        self.saved[key] = entry

    def _run_steps(self, job: dict[str, Any], image: str) -> list[Step]:
        environment = [f"--env={name}={value}" for name, value in job.get("env", {}).items()]
        container = containers.docker(
            "run", "--detach", "--network", "host", "--volume", f"{self.work}:/__w",
            "--workdir", f"/__w/{REPOSITORY}/{REPOSITORY}", "--entrypoint", "tail", image,
            "-f", "/dev/null").stdout.strip()
        steps: list[Step] = []
        try:
            for number, step in enumerate(s for s in job["steps"] if "run" in s):
                script = self.work / "_temp" / f"step-{number}.sh"
                script.write_text(step["run"] + "\n")
                done = containers.docker("exec", *environment, container, "bash", "-e",
                                         f"/__w/_temp/{script.name}", check=False)
                steps.append(Step(step["run"], done.returncode, done.stdout, done.stderr))
                if done.returncode != 0:
                    break
        finally:
            containers.docker("rm", "--force", container, check=False)
        return steps


def _cache_step(job: dict[str, Any]) -> dict[str, str]:
    found = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@"))
    settings: dict[str, str] = found["with"]
    return settings


def expression(value: str, context: dict[str, str], project: Path) -> str:
    """``${{ … }}`` for what the recipe uses: context values and ``hashFiles('FILE')``."""
    def one(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        hashed = re.fullmatch(r"hashFiles\('([^']+)'\)", inner)
        if hashed:
            return hashlib.sha256((project / hashed.group(1)).read_bytes()).hexdigest()
        return context[inner]
    return re.sub(r"\$\{\{(.*?)\}\}", one, value)
