"""The full check of a ``uvx`` / ``uv`` command: parse, plan, repair if stale, exec the real
uv. ``fast_path`` runs it only when no memo of an earlier check still holds.

Fails open: whatever goes wrong in the shim's own check, the user's command still runs,
unchanged, after one ``uvshim: warning`` line. Only a missing real uv is fatal (exit 127).
"""

from __future__ import annotations

import os
import sys
import time

from uvshim.discovery.identity import InterpreterIdentity
from uvshim.drop import drop_stale
from uvshim.errors import UndecidableError, UvNotFoundError, UvshimError
from uvshim.execute import exec_uv
from uvshim.locking import wait_while_rebuilding
from uvshim.memo import DISABLE_VARIABLE, EXEC_MARK, Invocation, encode_memo, write_memo
from uvshim.policy import Decision
from uvshim.state import state_dir
from uvshim.survey import make_plan
from uvshim.trace import Trace
from uvshim.uv.argv import ArgvError, UvxInvocation, parse_uv, parse_uvx, render, with_options
from uvshim.uv.binary import find_real_uv, uv_version
from uvshim.uv.settings import is_true
from uvshim.versions import Version

# typing and collections.abc cost the hot path ~10 ms of imports: annotations only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import NoReturn

DEFAULT_LOCK_TIMEOUT_S = 30.0
# EXEC_MARK is set (with putenv, so os.environ and tests stay untouched) to our pid just before
# exec'ing uv. uv spawns tools as children (checked 0.6.4, 0.13.9), so only a "uv" that execs
# the shim again, in the same process, can find its own pid there: a loop.
_said: list[str] = []  # what this process told the user: a run that spoke gets no memo


def say(message: str) -> None:
    # Always one line: a tool name, path or value may hold newlines or terminal escapes.
    _said.append(message)
    if not message.isprintable():
        message = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in message)
    sys.stderr.write(f"uvshim: {message}\n")


def main(mode: str, args: Sequence[str], environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Run ``uvx ARGS`` (mode "uvx") or ``uv ARGS`` (mode "uv") through the shim.

    Unless ``UVSHIM_FAST_PATH=0``, the whole decision runs under a ``Trace``; when it leaves
    the arguments as they were, silently, a memo lets ``fast_path`` replay it next time.
    """
    said_before = len(_said)
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
    if trace is not None and final == list(args) and len(_said) == said_before:
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
    return uv, checked_args(mode, list(args), uv, environ)


def _keep_memo(mode: str, args: Sequence[str], environ: Mapping[str, str], trace: Trace,
               command: list[str]) -> None:
    """Store what this run decided for ``fast_path``, if nothing makes that unsafe."""
    if trace.spoiled is not None or trace.unsettled(time.time_ns()) is not None:
        return
    try:
        invocation = Invocation(mode, args, environ)
        write_memo(invocation.memo_path(), encode_memo(invocation.key(), trace.environ.reads,
                                                       trace.stamps, command))
    except Exception:  # noqa: BLE001, S110  -- a memo is only a shortcut; never fail the run
        pass


def checked_args(mode: str, args: list[str], uv: str, environ: Mapping[str, str]) -> list[str]:
    """The arguments to give uv: ``args`` itself unless a stale environment needs a flag."""
    try:
        return _check(mode, args, uv, environ)
    except (UvshimError, ArgvError) as exc:
        if is_true(environ.get("UVSHIM_STRICT")):
            raise
        say(f"warning: {exc}; running uv unchanged")
    except Exception as exc:  # fail open: a bug in the shim must not stop the user's tool
        if is_true(environ.get("UVSHIM_STRICT")):
            raise
        say(f"warning: internal error ({type(exc).__name__}: {exc}); running uv unchanged")
    return args


def _check(mode: str, args: list[str], uv: str, environ: Mapping[str, str]) -> list[str]:
    state = state_dir(environ)
    version = uv_version(uv, state)
    inv = parse_uvx(args, version) if mode == "uvx" else parse_uv(args, version)
    if inv is None or inv.help_or_version or inv.command is None:
        return args
    plan = make_plan(inv, version, environ, _current_folder(), state)
    if plan.choice is None or plan.bucket is None or plan.decision is None:
        return args
    if not plan.decision.stale:
        # Another shim may have just dropped a stale link and be rebuilding: wait for it.
        wait_while_rebuilding(plan.bucket, _lock_timeout(environ))
        if not plan.decision.verdicts:
            return args
        from uvshim.build_change import on_build_change  # noqa: PLC0415  -- only with cached envs

        return on_build_change(inv, args, bucket=plan.bucket, identity=plan.choice.identity,
                               decision=plan.decision, version=version, environ=environ,
                               lock_timeout=lambda: _lock_timeout(environ))
    return _repair(inv, plan.bucket, identity=plan.choice.identity, decision=plan.decision,
                   version=version, environ=environ)


def _current_folder() -> str:
    try:
        return os.getcwd()
    except OSError as exc:  # deleted under us: uv fails too, and says so
        raise UndecidableError(f"cannot read the current folder ({exc.strerror})") from None


def _repair(inv: UvxInvocation, bucket: str, *, identity: InterpreterIdentity,
            decision: Decision, version: Version, environ: Mapping[str, str]) -> list[str]:
    entries = tuple(env.entry for env in decision.stale)
    result = drop_stale(bucket, entries, identity, version, _lock_timeout(environ))
    reason = next(v.reason for v in decision.verdicts if v.stale)
    tool = inv.from_spec or inv.command
    if result.problem is None and not result.dropped:
        return list(render(inv))  # another shim dropped it and uv has rebuilt it meanwhile
    if result.problem is None:
        if inv.quiet == 0:
            say(f"the cached environment for {tool} {reason}; dropped it so uv builds a fresh one")
        return list(render(inv))
    if result.fallback_flags:
        flags = " ".join(result.fallback_flags)
        say(f"warning: the cached environment for {tool} {reason}, and {result.problem}; "
            f"running uv with {flags}")
        return list(render(with_options(inv, result.fallback_flags)))
    say(f"warning: the cached environment for {tool} {reason}, and {result.problem}; "
        f"uv {version} has no flag that avoids it; running uv unchanged")
    return list(render(inv))


def _lock_timeout(environ: Mapping[str, str]) -> float:
    raw = environ.get("UVSHIM_LOCK_TIMEOUT")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT_S
    except ValueError:
        say(f"warning: UVSHIM_LOCK_TIMEOUT={raw!r} is not a number of seconds; "
            f"using {DEFAULT_LOCK_TIMEOUT_S:g}")
        return DEFAULT_LOCK_TIMEOUT_S


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in {"uvx", "uv"}:
        say("error: usage: python -m uvshim.run {uvx|uv} [ARGS...]")
        raise SystemExit(2)
    main(sys.argv[1], sys.argv[2:])
