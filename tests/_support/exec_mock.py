"""The shim's exec of uv, mocked: the test gets the argv uv would have been given (as pipx's
tests do), and nothing is exec'd."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

import pytest

from uvshim import full_check


class ExecCalledError(Exception):
    def __init__(self, argv: list[str]) -> None:
        super().__init__("exec")
        self.argv = argv


def mock_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_exec(argv: list[str]) -> NoReturn:
        raise ExecCalledError(list(argv))

    monkeypatch.setattr(full_check, "exec_uv", fake_exec)


def exec_argv(mode: str, args: list[str], environ: Mapping[str, str]) -> list[str]:
    """What ``full_check.main`` would exec (``mock_exec`` first)."""
    with pytest.raises(ExecCalledError) as raised:
        full_check.main(mode, args, environ)
    return raised.value.argv
