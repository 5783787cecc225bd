"""Fixtures for tests that run real uv binaries and real interpreters.

Every uv folder lives under the test's tmp_path; the tool is a wheel the tests write and
serve with ``--find-links … --offline``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from _support import containers
from _support.packaging import build_distributions, clean_copy
from _support.sandbox import Sandbox, missing
from _support.tool_wheel import build_tool_wheel
from _support.uv_binaries import support_cache_root

REPO = Path(__file__).resolve().parents[2]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)
        if "container_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(CONTAINER_ENGINE))


CONTAINER_ENGINE = "container engine"


@pytest.fixture(autouse=True)
def one_of_its_group_at_a_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test of an ``xdist_group`` holds the group's lock while it runs, so no two run at
    once on any worker: no two stress rounds share the machine, and no test retags uv's image
    names or empties a cache volume under another one's jobs.

    ``--dist loadgroup`` was to keep a group on one worker, but pytest 9 keys a node by
    ``_id`` and pytest-xdist 3.8 renames ``_nodeid``, so the groups were spread over the
    workers (two container tests ran at once, retagging each other's images)."""
    marker = request.node.get_closest_marker("xdist_group")
    if marker is None:
        yield
        return
    name = str(marker.args[0] if marker.args else marker.kwargs.get("name", "default"))
    with FileLock(str(support_cache_root() / f"group-{name.replace(' ', '-')}.lock")):
        yield


@pytest.fixture(scope="session")
def tool_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    build_tool_wheel(folder)
    return folder


@pytest.fixture(scope="session")
def launchers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``uvx`` and ``uv`` launchers written by ``uvshim install``, as a user would."""
    folder = tmp_path_factory.mktemp("launchers")
    subprocess.run([sys.executable, "-m", "uvshim", "install", "--dir", str(folder)],
                   check=True, capture_output=True)
    return folder


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    return Sandbox(tmp_path)



@pytest.fixture(scope="session")
def container_engine() -> None:
    """A container engine answers (``.ci/docker-engine`` starts one), or the test skips."""
    try:
        containers.require_engine()
    except containers.EngineMissingError as error:
        missing(str(error))


@pytest.fixture(scope="session")
def uvshim_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding uvshim's sdist and wheel, built from a clean copy of the checkout."""
    checkout = clean_copy(tmp_path_factory.mktemp("checkout"))
    outdir = tmp_path_factory.mktemp("dist")
    done = build_distributions(checkout, outdir)
    assert done.returncode == 0, done.stdout + done.stderr
    return outdir


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How long each container image took to make in this run (none when all were there)."""
    if containers.MADE:
        terminalreporter.write_sep("-", "container images made")
        for what, seconds in containers.MADE:
            terminalreporter.write_line(f"{seconds:7.1f} s  {what}")
