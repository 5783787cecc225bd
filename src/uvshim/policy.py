"""Pure decisions: is a cached environment usable with this interpreter, and what to do.

``judge`` gives each environment of the bucket a verdict; ``decide`` turns the verdicts and the
build review into one ``Decision`` (action, reason, links dropped, flags, the exact lines to
print), used as is by the shim, by ``explain`` and, for the links, by ``doctor --fix``.

Stale means uv would load the environment but the tool cannot run in it: another
implementation, another major.minor, another ABI (the environment lacks the interpreter's
site-packages folder, e.g. ``lib/python3.13t``), or a ``home`` that no longer exists. A
patch-only difference is not stale: uv itself reuses environments across patch upgrades
(minor-version links, #13954) and the standard library ABI is stable within a minor.
"""

from __future__ import annotations

import os

from uvshim import messages
from uvshim.environments import NOT_UTF8, CachedEnv
from uvshim.record import Record
from uvshim.uv.releases import no_cache_works

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from uvshim.builds import BuildReview
    from uvshim.drop import DropOutcome
    from uvshim.interpreter_identity import InterpreterIdentity
    from uvshim.versions import Version

# Actions, as ``explain --json`` reports them in ``decision.action``.
DISABLED = "disabled"  # UVSHIM_DISABLE: nothing checked
UNCHANGED = "unchanged"  # checked (or could not check): uv runs with the user's arguments
DROP_STALE = "drop-stale"  # stale links dropped, uv builds fresh environments
FALLBACK = "fallback-flags"  # links that should go cannot be dropped: flags added instead
WARN_BUILD = "warn-build-change"  # built on another build: one warning, run as is
REBUILD_BUILD = "rebuild-build-change"  # built on another build: links dropped


class Verdict(Record):
    env: CachedEnv
    stale: bool
    reason: str


def judge(env: CachedEnv, identity: InterpreterIdentity) -> Verdict:
    if env.target is None:
        # A dangling or looping link: uv fails to load it and builds a new one itself
        # (0.6.4, 0.8.24, 0.13.9; tests/integration/test_faults.py); nothing for us to do.
        return Verdict(env, stale=False, reason="not loadable by uv; uv rebuilds it itself")
    damage = _damaged_cfg(env.config)
    if damage:
        return Verdict(env, stale=True, reason=damage)
    assert env.config is not None  # noqa: S101  -- _damaged_cfg reports a missing one
    if "implementation" not in env.config or "version_info" not in env.config:
        return _judge_by_site_packages(env, identity)
    problem = _mismatch(env.target, env.config, identity)
    if problem:
        return Verdict(env, stale=True, reason=problem)
    return Verdict(env, stale=False, reason=f"built for {_describe_cfg(env.config)}: matches")


def _damaged_cfg(config: dict[str, str] | None) -> str | None:
    """Why Python cannot start in the environment at all. uv does not rebuild these: with no
    pyvenv.cfg it fails (0.6.4 "failed to open file", 0.8.24 and 0.13.9 ModuleNotFoundError),
    with bytes that are not UTF-8 it fails (0.6.4 "stream did not contain valid UTF-8",
    0.8.24 and 0.13.9 UnicodeDecodeError in ``site``)."""
    if config is None:
        return "has no readable pyvenv.cfg, so no tool can start in it"
    if NOT_UTF8 in config:
        return "has a pyvenv.cfg that is not UTF-8, so no tool can start in it"
    return None


def _judge_by_site_packages(env: CachedEnv, identity: InterpreterIdentity) -> Verdict:
    """An empty or truncated pyvenv.cfg still works in uv and Python (0.6.4, 0.8.24, 0.13.9):
    what it was built for is told by its site-packages folder alone."""
    problem = _abi_mismatch(env.target or "", identity)
    if problem:
        return Verdict(env, stale=True, reason=f"has an incomplete pyvenv.cfg and {problem}")
    return Verdict(env, stale=False, reason="has an incomplete pyvenv.cfg; its site-packages "
                                             "folder matches")


def _abi_mismatch(root: str, identity: InterpreterIdentity) -> str | None:
    if identity.purelib and not os.path.isdir(os.path.join(root, identity.purelib)):
        return (f"has no {identity.purelib} (another ABI), interpreter is now "
                f"{identity.implementation} {identity.version}")
    return None


def _mismatch(root: str, config: dict[str, str], identity: InterpreterIdentity) -> str | None:
    implementation = config.get("implementation", "")
    built_minor = ".".join(config.get("version_info", "").split(".")[:2])
    now = f"{identity.implementation} {identity.version}"
    if implementation.lower() != identity.implementation.lower():
        return f"built for {_describe_cfg(config)}, interpreter is now {now}"
    if built_minor != identity.minor:
        return f"built for {_describe_cfg(config)}, interpreter is now {now}"
    abi = _abi_mismatch(root, identity)
    if abi:
        return abi
    home = config.get("home")
    if home and not os.path.isdir(home):
        return f"its home {home} no longer exists"
    return None


def _describe_cfg(config: dict[str, str]) -> str:
    implementation = config.get("implementation") or "unknown implementation"
    return f"{implementation} {config.get('version_info') or '(no version)'}"


def judge_all(envs: list[CachedEnv], identity: InterpreterIdentity) -> tuple[Verdict, ...]:
    return tuple(judge(env, identity) for env in envs)


def usable(verdicts: tuple[Verdict, ...]) -> list[CachedEnv]:
    """The environments uv can run a tool in: the ones whose build is worth a look."""
    return [verdict.env for verdict in verdicts if not verdict.stale]


# What the shim does when an environment was built on another build of the same version
# (``build_record.drift``), from ``UVSHIM_ON_BUILD_CHANGE``. "warn" is the default because such
# an environment almost always still works: builds of one CPython major.minor share the
# stable ABI and pyvenv.cfg layout, uv itself reuses the environment, and a rebuild costs a
# resolution against the index; the record may also date from the first time the shim saw
# the environment rather than from when uv built it. "rebuild" is for those who want every
# environment rebuilt for a new build (a security rebuild of OpenSSL in the interpreter, say).
BUILD_CHANGE_ACTIONS = ("warn", "rebuild")
DEFAULT_BUILD_CHANGE_ACTION = "warn"


def build_change_action(value: str | None) -> tuple[str, str | None]:
    """The action for ``UVSHIM_ON_BUILD_CHANGE=value`` and a problem to report, if any."""
    if not value:
        return DEFAULT_BUILD_CHANGE_ACTION, None
    action = value.strip().lower()
    if action in BUILD_CHANGE_ACTIONS:
        return action, None
    return DEFAULT_BUILD_CHANGE_ACTION, (
        f"UVSHIM_ON_BUILD_CHANGE={value!r} is not one of {', '.join(BUILD_CHANGE_ACTIONS)}; "
        f"using {DEFAULT_BUILD_CHANGE_ACTION}")


class Decision(Record):
    """What the shim does, with its reason and the exact ``uvshim:`` lines it prints."""

    action: str
    reason: str
    drop: tuple[str, ...]  # the entries whose links were (or, for explain, would be) dropped
    flags: tuple[str, ...]  # added to uv's arguments
    messages: tuple[str, ...]


class Circumstances(Record):
    """What a decision depends on besides the verdicts."""

    quiet: bool  # uv's -q: the lines that only report success are not printed
    uv_version: Version
    on_build_change: str | None  # UVSHIM_ON_BUILD_CHANGE
    notes: tuple[str, ...]  # lines to print whatever the decision (a bad setting)
    tools_in: Callable[[str], tuple[str, ...]]  # what the environment at a path holds


def decide(verdicts: tuple[Verdict, ...], review: BuildReview | None, given: Circumstances,
           drop: Callable[[Mapping[str, str]], DropOutcome]) -> Decision:
    """The decision for one bucket. ``drop`` drops the links it is given (the shim) or says
    what dropping them would do (``explain``); the decision is built from its outcome."""
    stale = [(v.env, v.reason) for v in verdicts if v.stale and v.env.target is not None]
    if stale:
        return _after_drop(DROP_STALE, stale, drop, given, given.notes)
    if review is None or not review.drifted:
        why = "no cached environment is stale" if verdicts else \
            "no cached environment yet: uv builds one"
        return Decision(UNCHANGED, why, (), (), given.notes)
    action, problem = build_change_action(given.on_build_change)
    notes = given.notes + ((messages.warning(problem),) if problem else ())
    drifted = list(review.drifted)
    if action == "warn":
        said = () if given.quiet else (messages.build_changed(_about(drifted, given)),)
        return Decision(WARN_BUILD, drifted[0][1], (), (), notes + said)
    return _after_drop(REBUILD_BUILD, drifted, drop, given, notes)


def _about(found: list[tuple[CachedEnv, str]], given: Circumstances) -> messages.About:
    return messages.About([(given.tools_in(env.target) if env.target else (), reason)
                           for env, reason in found],
                          [os.path.basename(env.entry) for env, _ in found])


def _after_drop(action: str, found: list[tuple[CachedEnv, str]],
                drop: Callable[[Mapping[str, str]], DropOutcome], given: Circumstances,
                notes: tuple[str, ...]) -> Decision:
    reason = found[0][1]
    about = _about(found, given)  # read before the drop, which may let uv replace them
    outcome = drop({env.entry: env.target for env, _ in found if env.target is not None})
    if outcome.problem is None and not outcome.dropped:
        return Decision(UNCHANGED, "another uvshim dropped it and uv has rebuilt it meanwhile",
                        (), (), notes)
    if outcome.problem is None:
        said = () if given.quiet else (messages.dropped(about),)
        return Decision(action, reason, outcome.dropped, (), notes + said)
    flags = ("--no-cache",) if no_cache_works(given.uv_version) else ()
    said = (messages.cannot_drop(about, outcome.problem, flags, given.uv_version),)
    return Decision(FALLBACK if flags else UNCHANGED, reason, (), flags, notes + said)
