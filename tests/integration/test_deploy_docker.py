"""recipes/Dockerfile built by a real engine (``docker build``, both targets), and the
reported case reproduced exactly: one named volume on ``/root/.cache``, ``uvx tox --version``
in an image on Python 3.11, then in the same image bumped to 3.12.

The images the recipe builds ``FROM`` are made here (``_support.containers``) and tagged with
the name of uv's own, ``ghcr.io/astral-sh/uv:pythonX.Y-bookworm-slim``. The build runs as the
recipe says (a folder with the Dockerfile and uvshim's wheel in ``wheels/``), with ``--network
host`` because the engine here has no bridge. tox comes from the package index.

What bare uv does after the bump depends on the image's layout (see test_stale_env.py): with
``python3 -> python3.X`` (uv's images) 0.6.4 runs tox in the 3.11 environment and fails with
``ModuleNotFoundError``, while the newest release follows the link and is right; where
``python3`` is a real file, every release reuses the 3.11 environment.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from _support import containers
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST
from uvshim.uv.releases import NEWEST_KNOWN, OLDEST_KNOWN

DOCKERFILE = Path(__file__).resolve().parents[2] / "recipes" / "Dockerfile"
UV_IMAGE = "ghcr.io/astral-sh/uv:python{minor}-bookworm-slim"
SEED = ["uvx", "tox", "--version"]
VOLUME = "/root/.cache"
# A tool's environment, as its traceback or tox's own --version names it.
ENVIRONMENT = re.compile(r"/root/\.cache/uv/archive-v0/([\w-]+)/")


@pytest.fixture(scope="module")
def build_context(tmp_path_factory: pytest.TempPathFactory, uvshim_dist: Path) -> Path:
    """The folder the recipe is built in: the Dockerfile, and uvshim's wheel in wheels/."""
    context = tmp_path_factory.mktemp("context")
    shutil.copy2(DOCKERFILE, context / "Dockerfile")
    (context / "wheels").mkdir()
    for wheel in uvshim_dist.glob("*.whl"):
        shutil.copy2(wheel, context / "wheels" / wheel.name)
    return context


def tools_image(context: Path, target: str, minor: str, layout: str, uv_version: str) -> str:
    """``docker build --target TARGET --build-arg PYTHON=MINOR .`` on the stand-in for uv's
    image of that Python (layout, uv release); built once per engine."""
    stand_in = containers.uv_image(minor, layout, uv_version)
    inputs = containers.digest(stand_in, *(p.read_bytes() for p in sorted(context.rglob("*.*"))),
                               DOCKERFILE.read_bytes())
    tag = f"uvshim-test/tools:{target}-{minor}-{layout}-{uv_version}-{inputs}"
    if not containers.has_image(tag):
        containers.docker("tag", stand_in, UV_IMAGE.format(minor=minor))
        containers.build(tag, context, None, "--target", target,
                         "--build-arg", f"PYTHON={minor}")
        # The stand-in's tag names another uv release for another test: an image built on a
        # base the tag no longer named would test the wrong release. Seen once in a full run
        # (a uv 0.6.4 in the image of the newest); rebuilt without the build cache, it must hold.
        if _uv_in(tag) != uv_version:
            containers.docker("tag", stand_in, UV_IMAGE.format(minor=minor))
            containers.build(tag, context, None, "--no-cache", "--target", target,
                             "--build-arg", f"PYTHON={minor}")
        assert _uv_in(tag) == uv_version, f"{tag} was built on another uv than {uv_version}"
    return tag


def _uv_in(image: str) -> str:
    done = containers.run(image, "--version", options=["--entrypoint", "/usr/local/bin/uv"])
    return done.stdout.split()[1] if done.returncode == 0 and done.stdout.strip() else done.stderr


def seed_run(image: str, volume: str, argv: list[str]) -> tuple[int, str, str]:
    done = containers.run(image, *argv, options=["--volume", f"{volume}:{VOLUME}"])
    return done.returncode, done.stdout, done.stderr


def shim_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("uvshim:")]


def cached_environments(image: str, volume: str) -> list[str]:
    """The archives uv's environment links point at, in the volume."""
    code, out, err = seed_run(image, volume, [
        "sh", "-c", "for link in /root/.cache/uv/environments-v2/*/*; do "
        "[ -L \"$link\" ] && readlink \"$link\"; done; true"])
    assert code == 0, err
    return [line.rsplit("/", 1)[-1] for line in out.split()]


def tox_on(out: str, minor: str) -> bool:
    """tox --version names the site-packages it runs from: was it Python ``minor``'s?"""
    return f"/lib/python{minor}/site-packages/tox/" in out


@pytest.mark.usefixtures("container_engine")
@pytest.mark.parametrize(("uv_version", "layout"), [("0.6.4", "symlinked"),
                                                    (NEWEST, "unversioned")])
def test_seed_breaks_bare_images_and_uvshim_repairs_them(build_context: Path, uv_version: str,
                                                         layout: str) -> None:
    require_python("3.11")
    require_python("3.12")
    bare = {minor: containers.uv_image(minor, layout, uv_version) for minor in ("3.11", "3.12")}
    volume = containers.volume("seed")

    code, out, err = seed_run(bare["3.11"], volume, SEED)
    assert code == 0, err
    assert tox_on(out, "3.11"), out
    [built_on_311] = cached_environments(bare["3.11"], volume)

    # The seed: the same command in the image bumped to 3.12 runs the 3.11 environment.
    code, out, err = seed_run(bare["3.12"], volume, SEED)
    assert code != 0, "uv no longer reuses the stale environment"
    assert not tox_on(out, "3.12")
    if uv_version == "0.6.4":
        assert "ModuleNotFoundError: No module named 'tox'" in err, err
        assert ENVIRONMENT.findall(err) == [built_on_311], err
    else:
        assert out == "", out  # nothing at all, exit status 1
    assert cached_environments(bare["3.12"], volume) == [built_on_311]

    # The recipe's images on that same volume: each bump repaired once, then quiet.
    for target, minor in (("replace", "3.12"), ("alias", "3.11")):
        image = tools_image(build_context, target, minor, layout, uv_version)
        argv = SEED if target == "replace" else SEED[1:]
        code, out, err = seed_run(image, volume, argv)
        assert code == 0, err
        assert tox_on(out, minor), out
        [note] = shim_notes(err)
        assert f"interpreter is now CPython {minor}" in note, note
        code, out, err = seed_run(image, volume, argv)
        assert (code, tox_on(out, minor), shim_notes(err)) == (0, True, []), err


@pytest.mark.usefixtures("container_engine")
def test_newest_uv_in_uvs_layout_needs_no_repair(build_context: Path) -> None:
    """uv's own images on the newest uv: uv follows ``python3 -> python3.12`` and builds a
    new environment itself; uvshim, in either form, stays silent."""
    require_python("3.11")
    require_python("3.12")
    volume = containers.volume("quiet")
    for target, minor in (("alias", "3.11"), ("replace", "3.12"), ("alias", "3.11")):
        image = tools_image(build_context, target, minor, "symlinked", NEWEST)
        argv = SEED if target == "replace" else SEED[1:]
        code, out, err = seed_run(image, volume, argv)
        assert (code, tox_on(out, minor), shim_notes(err)) == (0, True, []), err


REPLACE_AND_UNDO = """\
uvshim install --check --dir /usr/local/bin
uvx --version
uvshim uninstall --dir /usr/local/bin
ls -A /usr/local/bin
uvx --version
"""


@pytest.mark.usefixtures("container_engine")
def test_replaced_uvx_is_what_the_image_runs_and_uninstall_restores_it(
        build_context: Path) -> None:
    require_python("3.12")
    image = tools_image(build_context, "replace", "3.12", "symlinked", NEWEST)
    done = containers.run(image, "sh", "-ec", REPLACE_AND_UNDO)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == [
        "uvx: /usr/local/bin/uvx comes first on PATH",
        f"model: uv {NEWEST} is a release uvshim models ({OLDEST_KNOWN} to {NEWEST_KNOWN})",
        f"real uv: /usr/local/bin/uv (uv {NEWEST}); the launchers call it"]
    assert lines[3].startswith(f"uvx {NEWEST}")
    assert lines[4:6] == ["removed /usr/local/bin/uvx", "put back /usr/local/bin/uvx"]
    # No .uvshim folder left; the real uvx answers again.
    assert ".uvshim" not in lines[6:-1]
    assert "uvx" in lines[6:-1]
    assert lines[-1].startswith(f"uvx {NEWEST}")
