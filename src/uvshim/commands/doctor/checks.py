"""What ``doctor`` finds wrong with one environment: the records and the checks.

An environment's base interpreter is where its ``bin/python`` link points: uv links it to the
unresolved base executable, the same path as pyvenv.cfg's ``home`` (``create_venv`` in
uv-virtualenv, every release 0.5.0-0.13.9), so it names the interpreter uv built with even
after that file changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from uvshim.builds import drift, fingerprint, read_record
from uvshim.discovery.identity_cache import identify
from uvshim.distributions import tools_in
from uvshim.environments import CachedEnv
from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.policy import judge

# Kinds of finding, as ``doctor --json`` reports them in ``findings[].problem``.
GONE = "interpreter-gone"
CHANGED = "interpreter-changed"
BUILD_CHANGED = "build-changed"
BROKEN = "broken"


@dataclass(frozen=True)
class Finding:
    kind: str  # "cached-environment" or "tool"
    problem: str  # GONE, CHANGED, BUILD_CHANGED or BROKEN
    path: str  # the cache entry (a link) or the tool's folder
    name: str  # the entry's resolution hash or the tool's name
    interpreter: str | None  # the base interpreter it was built with
    reason: str
    target: str | None = None  # the environment a cache entry links to
    # A cache entry's tools, as the shim's lines name them (``distributions.tools_in``; ()
    # when they cannot be told); None for anything else.
    tools: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "problem": self.problem, "path": self.path,
                "name": self.name, "interpreter": self.interpreter, "reason": self.reason,
                "target": self.target,
                "tools": None if self.tools is None else list(self.tools)}


def base_interpreter(root: str, config: dict[str, str]) -> str | None:
    """The base executable the environment at ``root`` runs, as linked from ``bin/python``."""
    link = os.path.join(root, "bin", "python")
    try:
        target = os.readlink(link)
    except OSError:
        home = config.get("home")
        return os.path.join(home, "python") if home else None
    return os.path.join(os.path.dirname(link), target)


def check_cached(entry: str, env: CachedEnv, state: str) -> Finding | None:
    """The finding for one cache entry, or None when it is healthy or uv rebuilds it itself."""
    if env.target is None or env.config is None:
        return None  # uv cannot load it and builds a new one by itself
    base = base_interpreter(env.target, env.config)
    name = os.path.basename(entry)
    problem, reason, _ = diagnose(env, base, state)
    if problem is None:
        return None
    return Finding("cached-environment", problem, entry, name, base, reason, env.target,
                   tools_in(env.target))


def diagnose(env: CachedEnv, base: str | None,
             state: str) -> tuple[str | None, str, InterpreterIdentity | None]:
    """(problem or None, why, the interpreter's identity when it runs)."""
    if base is None:
        return BROKEN, "names no interpreter (no bin/python, no home)", None
    if not os.path.exists(base):
        return GONE, f"its interpreter {base} is gone", None
    try:
        identity = identify(base, state)
    except InterpreterError as exc:
        return GONE, f"its interpreter does not run ({exc})", None
    verdict = judge(env, identity)
    if verdict.stale:
        return CHANGED, verdict.reason, identity
    recorded = read_record(env.target) if env.target else None
    changed = drift(recorded, fingerprint(identity)) if recorded else None
    if changed is not None:
        return BUILD_CHANGED, changed, identity
    return None, "", identity
