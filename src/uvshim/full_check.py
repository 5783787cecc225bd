"""The full check of a ``uvx`` / ``uv`` command, as a process, run by ``entry`` only when no
memo of an earlier check still holds. One sequence: ``main`` (trace, memo, exec) → ``_decide``
(the real uv) → ``uv_arguments`` (fails open) → ``_checked_arguments`` (parse, print the
decision's lines, render) → ``check.check_command`` (survey, verdicts, decision).

Fails open: whatever goes wrong in the shim's own check, the user's command still runs,
unchanged, after one ``uvshim: warning`` line. Only a missing real uv is fatal (exit 127).
"""

from __future__ import annotations

import os
import time

from uvshim.errors import UvNotFoundError, UvRefusesError, UvshimError
from uvshim.execute import exec_uv
from uvshim.memo import DISABLE_VARIABLE, EXEC_MARK, Invocation, encode_memo, write_memo
from uvshim.messages import (
    broken_installation,
    cannot_decide,
    internal_error,
    said_count,
    say,
)
from uvshim.state import state_dir
from uvshim.trace import Trace
from uvshim.uv.argv import ArgvError, parse_uv, parse_uvx, render, with_options
from uvshim.uv.binary import find_real_uv, uv_version
from uvshim.uv.releases import NEWEST_KNOWN
from uvshim.uv.settings import is_true

# typing and collections.abc are dear imports (``python -X importtime``): annotations only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn

    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version


def main(mode: str, args: Sequence[str], environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Run ``uvx ARGS`` (mode "uvx") or ``uv ARGS`` (mode "uv") through the shim.

    Unless ``UVSHIM_FAST_PATH=0``, the whole decision runs under a ``Trace``; when it leaves
    the arguments as they were, saying nothing or only that it cannot decide, a memo lets
    ``entry`` replay it next time, silently.
    """
    said_before = said_count()
    # EXEC_MARK is set (with putenv, so os.environ and tests stay untouched) to our pid just
    # before exec'ing uv. uv spawns tools as children (checked 0.6.4, 0.13.9), so only a "uv"
    # that execs the shim again, in the same process, can find its own pid there: a loop.
    looping = environ.get(EXEC_MARK) == str(os.getpid())  # read untraced: it differs every run
    trace = None if environ.get(DISABLE_VARIABLE) == "0" else Trace(environ)
    if trace is not None:
        trace.start()
    try:
        uv, final = _decide(mode, args, trace.environ if trace is not None else environ, looping)
    finally:
        if trace is not None:
            trace.stop()
    command = [uv, "tool", "uvx", *final] if mode == "uvx" else [uv, *final]
    if trace is not None and final == list(args) and said_count() == said_before:
        _keep_memo(mode, args, environ, trace, command)
    os.putenv(EXEC_MARK, str(os.getpid()))
    try:
        exec_uv(command)
    except OSError as exc:
        say(f"error: cannot run {uv}: {exc.strerror or exc}")
        raise SystemExit(126) from None


def _decide(mode: str, args: Sequence[str], environ: Mapping[str, str], looping: bool
            ) -> tuple[str, list[str]]:
    """The real uv and the arguments to give it."""
    try:
        uv = find_real_uv(environ)
    except UvNotFoundError as exc:
        say(f"error: {exc}")
        raise SystemExit(127) from None
    if looping:
        say(f"error: {uv} runs uvshim again instead of uv (a loop); "
            "set UVSHIM_REAL_UV to the real uv binary")
        raise SystemExit(127)
    if is_true(environ.get("UVSHIM_DISABLE")):
        return uv, list(args)
    return uv, uv_arguments(mode, list(args), uv, environ)


def _keep_memo(mode: str, args: Sequence[str], environ: Mapping[str, str], trace: Trace,
               command: list[str]) -> None:
    """Store what this run decided for ``entry`` to replay, if nothing makes that unsafe."""
    if trace.spoiled is not None or trace.unsettled(time.time_ns()) is not None:
        return
    try:
        invocation = Invocation(mode, args, environ)
        write_memo(invocation.memo_path(), encode_memo(invocation.key(), trace.environ.reads,
                                                       trace.stamps, command))
    except Exception:  # noqa: BLE001, S110  -- a memo is only a shortcut; never fail the run
        pass


def uv_arguments(mode: str, args: list[str], uv: str, environ: Mapping[str, str]) -> list[str]:
    """The arguments to give uv: ``args`` itself unless the decision adds flags."""
    try:
        return _checked_arguments(mode, args, uv, environ)
    except UvRefusesError:
        # uv stops on this command before it reads its cache, and says why: a line of ours
        # would only bury its message.
        return args
    except (UvshimError, ArgvError) as exc:
        if is_true(environ.get("UVSHIM_STRICT")):
            raise
        # Once per situation: a common command that cannot be decided must not print the same
        # line on every run, or people learn to ignore uvshim's lines. The memo of this run
        # (kept when nothing else was said) replays it silently while nothing it read changes.
        say(cannot_decide(exc), once=True)
    except (ImportError, SyntaxError) as exc:  # a module the check loads late is gone or cut
        if is_true(environ.get("UVSHIM_STRICT")):
            raise
        say(broken_installation(exc))
    except Exception as exc:  # fail open: a bug in the shim must not stop the user's tool
        if is_true(environ.get("UVSHIM_STRICT")):
            raise
        say(internal_error(exc))
    return args


def _checked_arguments(mode: str, args: list[str], uv: str, environ: Mapping[str, str]
                       ) -> list[str]:
    """Parse ``args``, check the command, say the decision's lines, add its flags."""
    state = state_dir(environ)
    version = uv_version(uv, state)
    inv = parse_uvx(args, version) if mode == "uvx" else parse_uv(args, version)
    if inv is None:
        return args  # a uv command that reuses no cached environment
    if version > NEWEST_KNOWN and inv.command is not None and not inv.help_or_version:
        # A release the model was not measured on: checked once per binary (``contract``).
        from uvshim.contract.verdict import model_holds  # noqa: PLC0415

        if not model_holds(uv, version, state, environ):
            return args
    # Imported here, not above: a uv command that reuses no cached environment (`uv sync`,
    # `uv run pytest`) goes through without loading the model of uv's cache and discovery.
    from uvshim.check import LIVE, check_command  # noqa: PLC0415

    decision = check_command(inv, version, environ, _current_folder(inv, environ, version), state,
                     effects=LIVE).decision
    for line in decision.messages:
        say(line)
    return list(render(with_options(inv, decision.flags))) if decision.flags else args


def _current_folder(inv: UvInvocation, environ: Mapping[str, str], version: Version) -> str:
    try:
        return os.getcwd()
    except OSError as exc:
        # Deleted under us. uv stops too ("Current directory does not exist" 0.6.4-0.13.9, a
        # panic in 0.5.0), unless it first changes into an absolute --directory.
        from uvshim.uv.settings import given_working_folder  # noqa: PLC0415

        chosen = given_working_folder(inv, environ, version)
        if chosen is not None and os.path.isabs(chosen):
            return chosen
        raise UvRefusesError(f"cannot read the current folder ({exc.strerror})") from None
