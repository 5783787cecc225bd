"""Pure decisions: is a cached environment usable with this interpreter, and what to do.

Stale means uv would load the environment but the tool cannot run in it: another
implementation, another major.minor, another ABI (the environment lacks the interpreter's
site-packages folder, e.g. ``lib/python3.13t``), or a ``home`` that no longer exists. A
patch-only difference is not stale: uv itself reuses environments across patch upgrades
(minor-version links, #13954) and the standard library ABI is stable within a minor.
"""

from __future__ import annotations

import os

from uvshim.cache_scan import CachedEnv
from uvshim.identity import InterpreterIdentity
from uvshim.record import Record


class Verdict(Record):
    env: CachedEnv
    stale: bool
    reason: str


class Decision(Record):
    """What the shim will do, with every reason, so ``explain`` only has to print it."""

    verdicts: tuple[Verdict, ...]

    @property
    def stale(self) -> tuple[CachedEnv, ...]:
        return tuple(v.env for v in self.verdicts if v.stale)


def judge(env: CachedEnv, identity: InterpreterIdentity) -> Verdict:
    if env.target is None or env.config is None:
        # uv fails to load such an entry and builds a new one itself; nothing for us to do.
        return Verdict(env, stale=False, reason="not loadable by uv; uv rebuilds it itself")
    problem = _mismatch(env.target, env.config, identity)
    if problem:
        return Verdict(env, stale=True, reason=problem)
    return Verdict(env, stale=False, reason=f"built for {_describe_cfg(env.config)}: matches")


def _mismatch(root: str, config: dict[str, str], identity: InterpreterIdentity) -> str | None:
    implementation = config.get("implementation", "")
    built_minor = ".".join(config.get("version_info", "").split(".")[:2])
    now = f"{identity.implementation} {identity.version}"
    if implementation.lower() != identity.implementation.lower():
        return f"built for {_describe_cfg(config)}, interpreter is now {now}"
    if built_minor != identity.minor:
        return f"built for {_describe_cfg(config)}, interpreter is now {now}"
    if identity.purelib and not os.path.isdir(os.path.join(root, identity.purelib)):
        return f"has no {identity.purelib} (another ABI), interpreter is now {now}"
    home = config.get("home")
    if home and not os.path.isdir(home):
        return f"its home {home} no longer exists"
    return None


def _describe_cfg(config: dict[str, str]) -> str:
    implementation = config.get("implementation") or "unknown implementation"
    return f"{implementation} {config.get('version_info') or '(no version)'}"


def decide(envs: list[CachedEnv], identity: InterpreterIdentity) -> Decision:
    return Decision(tuple(judge(env, identity) for env in envs))


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
