"""The check of one command (``uvx``, ``uv tool run``, ``uv run --with``), step by step:
survey, verdicts, build review, decision.

The shim runs it for real (``LIVE``) and ``explain`` as a dry run (``DRY_RUN``): the same steps
and the same ``policy.decide``, with each effect (waiting for another shim, writing build
records, dropping links) replaced by a prediction of its outcome. So explain shows the lines
the shim prints by construction, not by a parallel copy of its logic.
"""

from __future__ import annotations

from uvshim import messages
from uvshim.builds import BuildReview, record_builds, review_builds
from uvshim.distributions import tools_in
from uvshim.locking import wait_while_rebuilding
from uvshim.policy import UNCHANGED, Circumstances, Decision, decide, usable
from uvshim.record import Record
from uvshim.survey import Survey, survey
from uvshim.uv.settings import working_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

    from uvshim.drop import DropOutcome
    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version

DEFAULT_LOCK_TIMEOUT_S = 30.0


class Effects:
    """What a check does to the world."""

    def wait_for_rebuild(self, bucket: str, timeout: float) -> None:
        # Another shim may have just dropped a stale link and be rebuilding: wait for it.
        wait_while_rebuilding(bucket, timeout)

    def record_builds(self, review: BuildReview) -> None:
        record_builds(review)

    def drop(self, bucket: str, judged: Mapping[str, str], timeout: float) -> DropOutcome:
        from uvshim.drop import drop_for_rebuild  # noqa: PLC0415  -- only when one must go

        return drop_for_rebuild(bucket, judged, timeout)


class DryRun(Effects):
    """None of it: no wait, no record, and the drop's outcome predicted."""

    def wait_for_rebuild(self, bucket: str, timeout: float) -> None:  # noqa: ARG002  -- none
        return None

    def record_builds(self, review: BuildReview) -> None:  # noqa: ARG002  -- none written
        return None

    def drop(self, bucket: str, judged: Mapping[str, str], timeout: float) -> DropOutcome:
        from uvshim.drop import predict_drop  # noqa: PLC0415

        return predict_drop(bucket, judged, timeout)


LIVE, DRY_RUN = Effects(), DryRun()


class Checked(Record):
    survey: Survey | None  # None when there is no tool to run
    review: BuildReview | None  # None when something is stale or the bucket is empty
    decision: Decision


def check_command(inv: UvInvocation, uv_version: Version, environ: Mapping[str, str],
                  cwd: str, state: str | os.PathLike[str], *, effects: Effects) -> Checked:
    if inv.help_or_version or inv.command is None:
        return Checked(None, None, unchanged("no tool to run (help, version or no command): "
                                             "uv runs unchanged"))
    found = survey(inv, uv_version, environ, working_folder(inv, environ, cwd, uv_version), state)
    if found.bucket is None or found.choice is None or found.verdicts is None:
        return Checked(found, None, unchanged(found.note))
    bucket = found.bucket
    timeout, problem = lock_timeout(environ)
    review = None
    if not any(verdict.stale for verdict in found.verdicts):
        effects.wait_for_rebuild(bucket, timeout)
        if found.verdicts:
            review = review_builds(usable(found.verdicts), found.choice.identity)
            effects.record_builds(review)
    given = Circumstances(quiet=inv.quiet != 0, uv_version=uv_version,
                          on_build_change=environ.get("UVSHIM_ON_BUILD_CHANGE"),
                          notes=(messages.warning(problem),) if problem else (),
                          tools_in=tools_in)
    decision = decide(found.verdicts, review, given,
                      lambda judged: effects.drop(bucket, judged, timeout))
    return Checked(found, review, decision)


def unchanged(reason: str, said: tuple[str, ...] = ()) -> Decision:
    return Decision(UNCHANGED, reason, (), (), said)


def lock_timeout(environ: Mapping[str, str]) -> tuple[float, str | None]:
    """``UVSHIM_LOCK_TIMEOUT`` in seconds, and what is wrong with it, if anything."""
    raw = environ.get("UVSHIM_LOCK_TIMEOUT")
    try:
        return (max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT_S), None
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT_S, (f"UVSHIM_LOCK_TIMEOUT={raw!r} is not a number of "
                                        f"seconds; using {DEFAULT_LOCK_TIMEOUT_S:g}")
