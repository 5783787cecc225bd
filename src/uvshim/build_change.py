"""The hot path's answer to environments built on another build of the same interpreter version.

Runs only when nothing in the bucket is stale and there is at least one environment: one
small read per environment (``build_record.review_builds``), a write only for an environment
seen for the first time. ``UVSHIM_ON_BUILD_CHANGE`` chooses between one warning line (the
default, see ``policy.build_change_action``) and dropping the link so uv builds afresh.
"""

from __future__ import annotations

from uvshim.builds import record_builds, review_builds
from uvshim.policy import build_change_action
from uvshim.run import say
from uvshim.uv.argv import render, with_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from uvshim.builds import BuildReview
    from uvshim.discovery.identity import InterpreterIdentity
    from uvshim.policy import Decision
    from uvshim.uv.argv import UvxInvocation
    from uvshim.versions import Version

REBUILD_HINT = "UVSHIM_ON_BUILD_CHANGE=rebuild rebuilds it"


def on_build_change(inv: UvxInvocation, args: list[str], *, bucket: str,
                    identity: InterpreterIdentity, decision: Decision, version: Version,
                    environ: Mapping[str, str], lock_timeout: Callable[[], float]) -> list[str]:
    """The arguments to give uv, after recording new environments and handling drifted ones."""
    review = review_builds(decision, identity)
    record_builds(review)
    if not review.drifted:
        return args
    action, problem = build_change_action(environ.get("UVSHIM_ON_BUILD_CHANGE"))
    if problem:
        say(f"warning: {problem}")
    tool = inv.from_spec or inv.command
    reason = review.drifted[0][1]
    if action == "warn":
        if inv.quiet == 0:
            say(f"warning: the cached environment for {tool} {reason}; running it as is "
                f"({REBUILD_HINT})")
        return args
    return _rebuild(inv, review, bucket=bucket, version=version, tool=tool, reason=reason,
                    lock_timeout=lock_timeout())


def _rebuild(inv: UvxInvocation, review: BuildReview, *, bucket: str, version: Version,
             tool: str | None, reason: str, lock_timeout: float) -> list[str]:
    from uvshim.drop import drop_entries  # noqa: PLC0415  -- only when rebuilding

    judged = {env.entry: env.target for env, _ in review.drifted if env.target is not None}
    # Held like a stale repair: parallel shims then wait for this rebuild and reuse it.
    result = drop_entries(bucket, judged, lock_timeout, version, hold=True)
    if result.problem is None and not result.dropped:
        return list(render(inv))  # another shim dropped it and uv has rebuilt it meanwhile
    if result.problem is None:
        if inv.quiet == 0:
            say(f"the cached environment for {tool} {reason}; dropped it so uv builds a "
                "fresh one")
        return list(render(inv))
    if result.fallback_flags:
        say(f"warning: the cached environment for {tool} {reason}, and {result.problem}; "
            f"running uv with {' '.join(result.fallback_flags)}")
        return list(render(with_options(inv, result.fallback_flags)))
    say(f"warning: the cached environment for {tool} {reason}, and {result.problem}; "
        "running uv unchanged")
    return list(render(inv))
