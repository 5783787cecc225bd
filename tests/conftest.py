"""Guards for every test: none may leave a trace running, the working folder changed, or the
environment changed (``monkeypatch`` undoes its own changes before these checks run)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from _support.own_copies import remove_own_copies
from uvshim import trace


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
