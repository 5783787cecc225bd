"""recipes/Dockerfile, run as Docker would run it, in a root folder laid out like the image.

No Docker engine here: each stage's ``RUN`` lines run in ``sh`` with the image's paths mapped
into a temporary root (same file names, same PATH, HOME=/root), and the image's command runs
the same way. Two "images" differ only in Python (3.11, then 3.12 at the same path: an image
bump) and share ``/root/.cache``, as a cache volume would. With uv 0.6.4 the bump leaves a
stale environment that bare uvx reuses; with the newest uv, whose cache key follows the
``python3`` symlink to ``python3.12``, the shim must stay silent.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from _support.deploy import build_image, image_env, offline_index, rooted, run_shell
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST

DOCKERFILE = Path(__file__).resolve().parents[2] / "recipes" / "Dockerfile"
UV_IMAGE = re.compile(r"^ghcr\.io/astral-sh/uv:python\$\{PYTHON\}-bookworm-slim$")
TOOL = ["shimcheck"]


@dataclass
class Stage:
    image: str
    runs: list[str] = field(default_factory=list)
    entrypoint: list[str] = field(default_factory=list)


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, ``\\`` continuations joined."""
    logical, pending = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        logical.append(pending.strip())
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return [(word.upper(), rest.strip()) for word, _, rest in
            (line.partition(" ") for line in logical)]


def parse_stages(text: str) -> dict[str, Stage]:
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for instruction, rest in instructions(text):
        if instruction == "FROM":
            image, _, name = rest.partition(" AS ")
            parent = stages.get(image)
            current = Stage(image, list(parent.runs) if parent else [])
            stages[name.strip()] = current
        elif instruction == "RUN":
            assert current is not None
            current.runs.append(strip_mounts(rest))
        elif instruction == "ENTRYPOINT":
            assert current is not None
            current.entrypoint = json.loads(rest)
        else:
            assert instruction == "ARG", f"the test does not model {instruction}"
    return stages


def strip_mounts(command: str) -> str:
    # Build-time cache mounts change where files live during the build, not what runs.
    words = shlex.split(command)
    assert all(w.startswith("--mount=type=cache,") for w in words if w.startswith("--mount"))
    return " ".join(shlex.quote(w) for w in words if not w.startswith("--mount="))


def test_dockerfile_has_the_two_forms_on_uvs_image() -> None:
    stages = parse_stages(DOCKERFILE.read_text())
    assert sorted(stages) == ["alias", "base", "replace"]
    assert UV_IMAGE.match(stages["base"].image)
    assert stages["base"].runs == ["uv pip install --system uvshim"]
    assert stages["replace"].runs[-1] == "uvshim install --dir /usr/local/bin --replace-uvx"
    assert stages["alias"].entrypoint == ["uvshim", "uvx"]
    # `docker build .` without --target builds the last stage: the in-place form.
    assert instructions(DOCKERFILE.read_text())[-2] == ("FROM", "base AS replace")


def build(root: Path, stage: Stage, minor: str, uv_version: str, index: Path) -> dict[str, str]:
    """``docker build`` of ``stage`` for Python ``minor``; the environment of its containers."""
    build_image(root, minor, "symlinked", uv_version)
    # The offline index stands for the package index the build would reach.
    env = image_env(root, {"UV_FIND_LINKS": str(index), "UV_OFFLINE": "1"})
    for command in stage.runs:
        done = run_shell(rooted(command, root), env, root)
        assert done.returncode == 0, f"RUN {command}\n{done.stderr}"
    return env


def container(root: Path, stage: Stage, args: list[str]) -> str:
    """``docker run IMAGE ARGS`` as a shell line: the entrypoint and ARGS, found on PATH."""
    return rooted(shlex.join([*stage.entrypoint, *args]), root)


@pytest.mark.parametrize("uv_version", ["0.6.4", NEWEST])
@pytest.mark.parametrize("form", ["replace", "alias"])
def test_image_bump_on_a_shared_cache(tmp_path: Path, form: str, uv_version: str) -> None:
    require_python("3.11")
    require_python("3.12")
    stage = parse_stages(DOCKERFILE.read_text())[form]
    index = offline_index(tmp_path / "index")
    root = tmp_path / "image"
    args = TOOL if form == "alias" else ["uvx", *TOOL]
    (root / "src").mkdir(parents=True)

    env = build(root, stage, "3.11", uv_version, index)
    first = run_shell(container(root, stage, args), env, root / "src")
    assert first.stdout.startswith("shimcheck 3.11 "), first.stderr
    assert "uvshim" not in first.stderr

    cache = root / "root" / ".cache" / "uv"
    assert cache.is_dir()
    env = build(root, stage, "3.12", uv_version, index)
    bare = run_shell(f"{root}/usr/local/bin/uv tool uvx shimcheck", env, root / "src")
    after = run_shell(container(root, stage, args), env, root / "src")
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("shimcheck 3.12 "), after.stderr
    notes = [line for line in after.stderr.splitlines() if line.startswith("uvshim:")]
    if uv_version == NEWEST:
        assert bare.stdout.startswith("shimcheck 3.12 "), bare.stderr
        assert notes == []
    else:
        assert not bare.stdout.startswith("shimcheck 3.12 "), "uv no longer reuses it"
        assert len(notes) == 1, after.stderr
        assert "interpreter is now CPython 3.12" in notes[0]


def test_replaced_uvx_is_what_the_image_runs_and_uninstall_restores_it(tmp_path: Path) -> None:
    require_python("3.12")
    stage = parse_stages(DOCKERFILE.read_text())["replace"]
    root = tmp_path / "image"
    env = build(root, stage, "3.12", NEWEST, offline_index(tmp_path / "index"))
    bindir = root / "usr" / "local" / "bin"
    check = run_shell("uvshim install --check --dir " + rooted("/usr/local/bin", root), env, root)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines() == [
        f"uvx: {bindir}/uvx comes first on PATH",
        f"real uv: {bindir}/uv (uv {NEWEST}); the launchers call it"]
    assert run_shell("uvx --version", env, root).stdout.startswith(f"uvx {NEWEST}")

    undo = run_shell(rooted("uvshim uninstall --dir /usr/local/bin", root), env, root)
    assert undo.stdout.splitlines() == [f"removed {bindir}/uvx", f"put back {bindir}/uvx"]
    assert not (bindir / ".uvshim").exists()
    assert (bindir / "uvx").read_bytes()[:4] == b"\x7fELF"
