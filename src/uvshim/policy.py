"""Pure decisions: is a cached environment usable with this interpreter, and what to do.

Stale means uv would load the environment but the tool cannot run in it: another
implementation, another major.minor, another ABI (the environment lacks the interpreter's
site-packages folder, e.g. ``lib/python3.13t``), or a ``home`` that no longer exists. A
patch-only difference is not stale: uv itself reuses environments across patch upgrades
(minor-version links, #13954) and the standard library ABI is stable within a minor.
"""

from __future__ import annotations

import os

from uvshim.discovery.identity import InterpreterIdentity
from uvshim.environments import NOT_UTF8, CachedEnv
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
