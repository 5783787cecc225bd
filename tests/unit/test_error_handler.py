"""Every ``uvshim`` command ends through one handler: its own status, or one line and 1, 3, 130."""

from __future__ import annotations

import io

import pytest

from uvshim.cli import main
from uvshim.commands.error_handler import handled
from uvshim.errors import UvshimError


def fails_with(exc: BaseException) -> int:
    raise exc


@pytest.mark.parametrize(("command_result", "status", "said"), [
    (0, 0, ""),
    (1, 1, ""),
    (UvshimError("cannot read /x; remove it"), 1, "uvshim: error: cannot read /x; remove it\n"),
    (KeyboardInterrupt(), 130, ""),
    (ZeroDivisionError("division by zero"), 3,
     "uvshim: internal error (ZeroDivisionError: division by zero); please report it\n"),
])
def test_status_and_the_one_line(command_result: int | BaseException, status: int,
                                 said: str) -> None:
    err = io.StringIO()
    if isinstance(command_result, BaseException):
        assert handled(lambda: fails_with(command_result), err) == status
    else:
        assert handled(lambda: command_result, err) == status
    assert err.getvalue() == said


def test_the_cli_maps_an_unexpected_error_to_3(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def broken(_options: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("uvshim.commands.doctor.command.run_command", broken)
    assert main(["doctor"]) == 3
    assert capsys.readouterr().err == ("uvshim: internal error (RuntimeError: boom); "
                                       "please report it\n")
