"""``uvshim explain [--json] [UVX ARGS...]``: a dry run of the shim for one ``uvx`` call.

Prints the real uv, the interpreter uv will use and why, its identity and build, every cached
environment considered with what it was built for and its verdict, the decision, and the
exact argv the shim would exec. Changes nothing (``shim_preview``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from uvshim.builds import fingerprint, read_record
from uvshim.commands.shim_preview import Preview, preview
from uvshim.errors import UvNotFoundError

SCHEMA = 1
USAGE = "usage: uvshim explain [--json] [--] [UVX ARGS...]"
HELP = f"""{USAGE}

A dry run of `uvx UVX ARGS...` through the shim: which uv and interpreter, which cached
environments and their verdicts, what the shim would do and the exact command it would run.
Nothing is changed.

options:
  --json      print one JSON document (schema in the README, "Explain and doctor")
  -h, --help  show this help
"""


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Listed in ``uvshim --help``; ``cli.main`` hands its arguments to ``main`` unparsed."""
    parser = commands.add_parser("explain", add_help=False,
                                 help="show what the shim would do for `uvx ARGS` (dry run)")
    parser.add_argument("uvx_args", nargs=argparse.REMAINDER)


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ,
         out: TextIO | None = None) -> int:
    out = out or sys.stdout
    as_json, uvx_args, usage_error = split_args(list(argv))
    if usage_error is not None:
        sys.stderr.write(f"{USAGE}\nuvshim explain: error: {usage_error}\n")
        return 2
    if as_json is None:
        out.write(HELP)
        return 0
    try:
        seen = preview(uvx_args, environ, os.getcwd())
    except UvNotFoundError as exc:
        sys.stderr.write(f"uvshim: error: {exc}\n")
        return 1
    report = build_report(seen)
    out.write(json.dumps(report, indent=2) + "\n" if as_json else render_text(report))
    return 0


def split_args(args: list[str]) -> tuple[bool | None, list[str], str | None]:
    """(``--json`` given, or None for help; uvx's arguments; a usage error). Our options come
    first; everything from the first other argument on is uvx's, verbatim."""
    as_json = False
    for index, arg in enumerate(args):
        if arg == "--json":
            as_json = True
        elif arg in {"-h", "--help"}:
            return None, [], None
        elif arg == "--":
            return as_json, args[index + 1:], None
        else:
            return as_json, args[index:], None
    return as_json, [], None


def build_report(seen: Preview) -> dict[str, object]:
    """The ``--json`` document: keys ``schema``, ``uv``, ``interpreter``, ``cache``,
    ``environments``, ``decision``, ``argv``."""
    plan = seen.plan
    return {
        "schema": SCHEMA,
        "uv": {"path": seen.uv, "version": str(seen.uv_version) if seen.uv_version else None},
        "interpreter": _interpreter(seen),
        "cache": {"dir": plan.cache_dir if plan else None, "bucket": plan.bucket if plan else None},
        "environments": _environments(seen),
        "decision": {"action": seen.action, "reason": seen.reason, "drop": list(seen.drop),
                     "flags": list(seen.flags),
                     "messages": [f"uvshim: {m}" for m in seen.messages]},
        "argv": list(seen.argv),
    }


def _interpreter(seen: Preview) -> dict[str, object] | None:
    choice = seen.plan.choice if seen.plan else None
    if choice is None:
        return None
    build = fingerprint(choice.identity)
    return {
        "executable": choice.executable,
        "source": choice.source,
        "identity": choice.identity.to_json(),
        "build": build.describe(),
        "managed_install": build.managed_install or choice.managed_install,
        "managed_build": build.managed_build,
    }


def _environments(seen: Preview) -> list[dict[str, object]]:
    decision = seen.plan.decision if seen.plan else None
    if decision is None:
        return []
    drifted = {env.entry: why for env, why in seen.review.drifted} if seen.review else {}
    rows: list[dict[str, object]] = []
    for verdict in decision.verdicts:
        env = verdict.env
        record = read_record(env.target) if env.target else None
        status, reason = _verdict(verdict.stale, env.config is None, drifted.get(env.entry),
                                  verdict.reason)
        config = env.config or {}
        rows.append({
            "entry": env.entry,
            "target": env.target,
            "recorded": {key: config.get(key) for key in ("implementation", "version_info",
                                                          "home", "uv")} if env.config else None,
            "build_record": record.to_json() if record else None,
            "verdict": status,
            "reason": reason,
        })
    return rows


def _verdict(stale: bool, unloadable: bool, drift: str | None, reason: str) -> tuple[str, str]:
    if stale:
        return "stale", reason
    if unloadable:
        return "unloadable", reason
    if drift is not None:
        return "build-changed", drift
    return "ok", reason


def render_text(report: dict[str, object]) -> str:
    lines: list[tuple[str, str]] = []
    uv = _dict(report["uv"])
    lines.append(("uv", f"{uv['path']} {uv['version'] or '(version not read)'}"))
    lines += _interpreter_lines(report["interpreter"])
    cache = _dict(report["cache"])
    envs = [_dict(row) for row in _list(report["environments"])]
    if cache["bucket"]:
        count = f"{len(envs)} environment{'' if len(envs) == 1 else 's'}"
        lines.append(("bucket", f"{cache['bucket']} ({count})"))
    for row in envs:
        name = os.path.basename(str(row["entry"]))
        lines.append((f"  {row['verdict']}", f"{name}  {row['reason']}"))
    decision = _dict(report["decision"])
    lines.append(("decision", f"{decision['action']}: {decision['reason']}"))
    lines += [("  says", str(message)) for message in _list(decision["messages"])]
    lines.append(("argv", shlex.join(str(arg) for arg in _list(report["argv"]))))
    width = max(len(label) for label, _ in lines) + 2
    return "".join(f"{label:<{width}}{text}\n" for label, text in lines)


def _interpreter_lines(data: object) -> list[tuple[str, str]]:
    if data is None:
        return [("interpreter", "none")]
    info = _dict(data)
    identity = _dict(info["identity"])
    lines = [
        ("interpreter", str(info["executable"])),
        ("  why", str(info["source"])),
        ("  identity", f"{identity['implementation']} {identity['version']} "
                       f"{identity['machine']} {identity['pointer_bits']}-bit, abiflags "
                       f"{identity['abiflags']!r}, {identity['purelib']}"),
        ("  build", f"{identity['build']}; {identity['compiler']}"),
    ]
    if info["managed_install"]:
        lines.append(("  managed", f"{info['managed_install']}, BUILD "
                                   f"{info['managed_build'] or '(none)'}"))
    return lines


def _dict(value: object) -> dict[str, object]:
    assert isinstance(value, dict)  # noqa: S101  -- built by build_report
    return value


def _list(value: object) -> list[object]:
    assert isinstance(value, list)  # noqa: S101  -- built by build_report
    return value
