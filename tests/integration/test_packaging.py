"""uvshim's sdist and wheel, built from a clean copy of the checkout, render on the package
index (``twine check``) and the wheel installs into each Python it supports (3.9 to 3.13),
in the images the recipe tests use, the way the recipes install it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from _support import containers
from _support.packaging import twine_check
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST
from uvshim import __version__


def test_sdist_and_wheel_build_and_render(uvshim_dist: Path) -> None:
    wheel = uvshim_dist / f"uvshim-{__version__}-py3-none-any.whl"
    sdist = uvshim_dist / f"uvshim-{__version__}.tar.gz"
    assert sorted(uvshim_dist.iterdir()) == [wheel, sdist]
    done = twine_check(wheel, sdist)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    # The launcher templates travel in the wheel (pyproject's force-include).
    assert any(name.startswith("uvshim/launchers/") for name in names)


@pytest.mark.usefixtures("container_engine")
@pytest.mark.parametrize("minor", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_wheel_installs_into_the_images_python(uvshim_dist: Path, minor: str) -> None:
    require_python(minor)
    image = containers.uv_image(minor, "symlinked", NEWEST)
    done = containers.run(
        image, "sh", "-ec",
        "uv pip install --quiet --system --find-links /wheels uvshim\n"
        "uvshim --version\n"
        "python3 -c 'import uvshim, sys; print(*sys.version_info[:2])'",
        options=["--volume", f"{uvshim_dist}:/wheels:ro"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"uvshim {__version__}", minor.replace(".", " ")]
