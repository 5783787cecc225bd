"""What the shim would do for one ``uvx`` call, worked out without doing it (``explain``).

Follows ``run.main``/``run._check`` and ``build_change.on_build_change`` step by step, with
the same messages, but removes no link and writes no build record. Identities are probed
afresh in a scratch state folder, so nothing of uvshim's own state changes either.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from uvshim.build_change import REBUILD_HINT
from uvshim.builds import BuildReview, review_builds
from uvshim.drop import fallback_flags
from uvshim.errors import UvshimError
from uvshim.policy import build_change_action
from uvshim.survey import Plan, make_plan
from uvshim.uv.argv import ArgvError, UvxInvocation, parse_uvx, render, with_options
from uvshim.uv.binary import find_real_uv, uv_version
from uvshim.uv.settings import is_true
from uvshim.versions import Version

# Actions, as ``explain --json`` reports them in ``decision.action``.
DISABLED = "disabled"  # UVSHIM_DISABLE: nothing checked
UNCHANGED = "unchanged"  # checked (or could not check): uv runs with the user's arguments
DROP_STALE = "drop-stale"  # stale links dropped, uv builds fresh environments
FALLBACK = "fallback-flags"  # stale links cannot be dropped: flags added instead
WARN_BUILD = "warn-build-change"  # built on another build: one warning, run as is
REBUILD_BUILD = "rebuild-build-change"  # built on another build: links dropped


@dataclass(frozen=True)
class _Call:
    uv: str
    prefix: list[str]  # [uv, "tool", "uvx"]
    args: list[str]  # the user's
    environ: Mapping[str, str]

    @property
    def unchanged(self) -> list[str]:
        return [*self.prefix, *self.args]


@dataclass(frozen=True)
class Preview:
    uv: str
    uv_version: Version | None
    plan: Plan | None
    review: BuildReview | None
    action: str
    reason: str  # why this action, in words
    argv: list[str]
    drop: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    messages: tuple[str, ...] = field(default=())  # the uvshim: lines the shim would print


def preview(args: list[str], environ: Mapping[str, str], cwd: str) -> Preview:
    """``UvNotFoundError`` when there is no real uv (the shim would exit 127)."""
    uv = find_real_uv(environ)
    prefix = [uv, "tool", "uvx"]
    if is_true(environ.get("UVSHIM_DISABLE")):
        return Preview(uv, None, None, None, DISABLED, "UVSHIM_DISABLE is set",
                       [*prefix, *args])
    call = _Call(uv, prefix, list(args), environ)
    with tempfile.TemporaryDirectory(prefix="uvshim-explain-") as scratch:
        try:
            return _checked(call, cwd, Path(scratch))
        except (UvshimError, ArgvError) as exc:
            message = f"warning: {exc}; running uv unchanged"
            return Preview(uv, None, None, None, UNCHANGED, str(exc), [*prefix, *args],
                           messages=(message,))


def _checked(call: _Call, cwd: str, state: Path) -> Preview:
    uv, environ = call.uv, call.environ
    version = uv_version(uv, state)
    inv = parse_uvx(call.args, version)
    unchanged = call.unchanged
    if inv.help_or_version or inv.command is None:
        why = "no tool to run (help, version or no command): uv runs unchanged"
        return Preview(uv, version, None, None, UNCHANGED, why, unchanged)
    plan = make_plan(inv, version, environ, cwd, state)
    if plan.choice is None or plan.bucket is None or plan.decision is None:
        return Preview(uv, version, plan, None, UNCHANGED, plan.note, unchanged)
    if plan.decision.stale:
        return _stale(call, inv, plan, version)
    review = review_builds(plan.decision, plan.choice.identity) \
        if plan.decision.verdicts else None
    if review is None or not review.drifted:
        why = "no cached environment is stale" if plan.decision.verdicts \
            else "no cached environment yet: uv builds one"
        return Preview(uv, version, plan, review, UNCHANGED, why, unchanged)
    return _drifted(call, inv, plan, review)


def _stale(call: _Call, inv: UvxInvocation, plan: Plan, version: Version) -> Preview:
    uv, prefix = call.uv, call.prefix
    assert plan.decision is not None  # noqa: S101  -- checked by the caller
    assert plan.bucket is not None  # noqa: S101
    stale = tuple(env.entry for env in plan.decision.stale)
    reason = next(v.reason for v in plan.decision.verdicts if v.stale)
    tool = inv.from_spec or inv.command
    if os.access(plan.bucket, os.W_OK | os.X_OK):
        said = f"the cached environment for {tool} {reason}; dropped it so uv builds a fresh one"
        messages = (said,) if inv.quiet == 0 else ()
        return Preview(uv, version, plan, None, DROP_STALE, reason, [*prefix, *render(inv)],
                       drop=stale, messages=messages)
    problem = f"cannot remove a stale entry in {plan.bucket}: Permission denied"
    flags = fallback_flags(version)
    if flags:
        said = (f"warning: the cached environment for {tool} {reason}, and {problem}; "
                f"running uv with {' '.join(flags)}")
        return Preview(uv, version, plan, None, FALLBACK, reason,
                       [*prefix, *render(with_options(inv, flags))], flags=flags,
                       messages=(said,))
    said = (f"warning: the cached environment for {tool} {reason}, and {problem}; "
            f"uv {version} has no flag that avoids it; running uv unchanged")
    return Preview(uv, version, plan, None, UNCHANGED, reason, [*prefix, *render(inv)],
                   messages=(said,))


def _drifted(call: _Call, inv: UvxInvocation, plan: Plan, review: BuildReview) -> Preview:
    uv, prefix = call.uv, call.prefix
    action, problem = build_change_action(call.environ.get("UVSHIM_ON_BUILD_CHANGE"))
    messages = [f"warning: {problem}"] if problem else []
    tool = inv.from_spec or inv.command
    reason = review.drifted[0][1]
    if action == "warn":
        if inv.quiet == 0:
            messages.append(f"warning: the cached environment for {tool} {reason}; "
                            f"running it as is ({REBUILD_HINT})")
        return Preview(uv, plan.uv_version, plan, review, WARN_BUILD, reason,
                       call.unchanged, messages=tuple(messages))
    if inv.quiet == 0:
        messages.append(f"the cached environment for {tool} {reason}; dropped it so uv "
                        "builds a fresh one")
    drop = tuple(env.entry for env, _ in review.drifted)
    return Preview(uv, plan.uv_version, plan, review, REBUILD_BUILD, reason,
                   [*prefix, *render(inv)], drop=drop, messages=tuple(messages))
