"""Guards for every test: none may leave a trace running, the working folder changed, or the
environment changed (``monkeypatch`` undoes its own changes before these checks run).

``--tier=quick`` runs the unit and property tests and, of the integration tests, the
interpreter swap in each layout with the releases ``quick_releases`` names: a few minutes, for
development. Without it (as CI runs) every test runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from _support.interpreters import LAYOUTS
from _support.own_copies import remove_own_copies
from _support.uv_binaries import quick_releases
from uvshim import trace

# The parameters that name the uv release an integration test runs.
RELEASE_PARAMETERS = ("version", "uv_version", "uv")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--tier", choices=("full", "quick"), default="full",
                     help="quick: unit, property, and the interpreter swap in each layout "
                          "with the newest uv (and the oldest where it differs); "
                          "full (the default, as CI runs): every test")


@pytest.hookimpl(trylast=True)  # after tests/integration/conftest.py marks its tests
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("tier") != "quick":
        return
    kept = [item for item in items if in_quick_tier(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def in_quick_tier(item: pytest.Item) -> bool:
    if item.get_closest_marker("integration") is None:
        return True
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    layout = params.get("layout")
    releases = [params[name] for name in RELEASE_PARAMETERS if name in params]
    return (layout in LAYOUTS and len(releases) == 1
            and releases[0] in quick_releases(layout))


@pytest.fixture(autouse=True)
def _leaves_the_process_as_it_found_it() -> Iterator[None]:
    cwd = os.getcwd()
    environ = _environ()
    yield
    assert trace._ACTIVE is None, "a Trace was left started"
    assert (os.stat, os.lstat, os.readlink, os.access) == (
        trace._STAT, trace._LSTAT, trace._READLINK, trace._ACCESS), "os functions left wrapped"
    assert os.getcwd() == cwd, "the working folder was changed"
    assert _environ() == environ, "the environment was changed"


def _environ() -> dict[str, str]:
    return {name: value for name, value in os.environ.items()
            if name != "PYTEST_CURRENT_TEST"}  # pytest's own, set for each phase


def pytest_sessionfinish() -> None:
    remove_own_copies()
