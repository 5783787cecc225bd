"""``uvshim explain [--json] [UVX ARGS...]``: a dry run of the shim for one ``uvx`` call.

Prints the real uv, the interpreter uv will use and why, its identity and build, every cached
environment considered with what it was built for and its verdict, the decision, the
exact argv the shim would exec, and every managed Python with its build against the build
the running uv would install (the same comparison as ``doctor``). It runs the shim's own
check (``check.check_command``) as a dry run, so the decision and the lines it shows are the
shim's by construction. Changes nothing: identities are probed afresh in a scratch state folder, and
no link is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from uvshim.builds import BuildReview, fingerprint, read_record
from uvshim.check import DRY_RUN, check_command, unchanged
from uvshim.commands.doctor.pythons import managed_pythons
from uvshim.commands.error_handler import handled
from uvshim.discovery.managed import managed_root
from uvshim.errors import UvRefusesError, UvshimError
from uvshim.messages import cannot_decide
from uvshim.policy import DISABLED, Decision
from uvshim.survey import Survey
from uvshim.uv.argv import ArgvError, parse_uv, parse_uvx, render, with_options
from uvshim.uv.binary import find_real_uv, uv_version
from uvshim.uv.settings import is_true
from uvshim.versions import Version

SCHEMA = 1
USAGE = "usage: uvshim explain [--json] [--] [UVX ARGS... | uv ARGS...]"
HELP = f"""{USAGE}

A dry run of `uvx UVX ARGS...` (or, when the first word is `uv`, of `uv ARGS...`, such as
`uv run --with X ...`) through the shim: which uv and interpreter, which cached environments
and their verdicts, what the shim would do and the exact command it would run. Nothing is
changed. `uvshim explain -- uv ...` explains `uvx uv ...`.

options:
  --json      print one JSON document (schema in docs/explain-and-doctor.md)
  -h, --help  show this help
"""


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Listed in ``uvshim --help``; ``cli.main`` hands its arguments to ``main`` unparsed."""
    parser = commands.add_parser("explain", add_help=False,
                                 help="show what the shim would do for `uvx ARGS` or "
                                      "`uv ARGS` (dry run)")
    parser.add_argument("uvx_args", nargs=argparse.REMAINDER)


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ,
         out: TextIO | None = None) -> int:
    out = out or sys.stdout
    as_json, mode, args = split_args(list(argv))
    if as_json is None:
        out.write(HELP)
        return 0
    return handled(lambda: _explain(mode, args, as_json, environ, out))


def _explain(mode: str, args: list[str], as_json: bool, environ: Mapping[str, str],
             out: TextIO) -> int:
    seen = preview(args, environ, os.getcwd(), mode=mode)  # no real uv: exit 1
    report = build_report(seen, survey_pythons(seen, environ, os.getcwd()))
    out.write(json.dumps(report, indent=2) + "\n" if as_json else render_text(report))
    return 0


def split_args(args: list[str]) -> tuple[bool | None, str, list[str]]:
    """(``--json`` given, or None for help; "uvx" or "uv"; the command's arguments). Our
    options come first; everything from the first other argument on is the command's,
    verbatim: ``uv``'s when that argument is ``uv``, else uvx's (after ``--``, always uvx's)."""
    as_json = False
    for index, arg in enumerate(args):
        if arg == "--json":
            as_json = True
        elif arg in {"-h", "--help"}:
            return None, "uvx", []
        elif arg == "--":
            return as_json, "uvx", args[index + 1:]
        elif arg == "uv":
            return as_json, "uv", args[index + 1:]
        else:
            return as_json, "uvx", args[index:]
    return as_json, "uvx", []


@dataclass(frozen=True)
class Preview:
    """What the shim would do for one ``uvx`` call, and everything it found on the way."""

    uv: str
    uv_version: Version | None
    survey: Survey | None
    review: BuildReview | None
    decision: Decision
    argv: list[str]


def preview(args: list[str], environ: Mapping[str, str], cwd: str, *, mode: str = "uvx"
            ) -> Preview:
    """What the shim does for ``uvx ARGS`` (mode "uvx") or ``uv ARGS`` (mode "uv").
    ``UvNotFoundError`` when there is no real uv (the shim would exit 127)."""
    uv = find_real_uv(environ)
    prefix = [uv, "tool", "uvx"] if mode == "uvx" else [uv]
    if is_true(environ.get("UVSHIM_DISABLE")):
        decision = Decision(DISABLED, "UVSHIM_DISABLE is set", (), (), ())
        return Preview(uv, None, None, None, decision, [*prefix, *args])
    with tempfile.TemporaryDirectory(prefix="uvshim-explain-") as scratch:
        try:
            version = uv_version(uv, scratch)
            inv = parse_uvx(args, version) if mode == "uvx" else parse_uv(args, version)
            if inv is None:
                decision = unchanged("this uv command reuses no cached environment: uv runs "
                                     "unchanged")
                return Preview(uv, version, None, None, decision, [*prefix, *args])
            checked = check_command(inv, version, environ, cwd, scratch, effects=DRY_RUN)
        except UvRefusesError as exc:  # as the shim: uv's own message says it all
            decision = unchanged(f"uv refuses this command itself: {exc}")
            return Preview(uv, None, None, None, decision, [*prefix, *args])
        except (UvshimError, ArgvError) as exc:
            decision = unchanged(str(exc), (cannot_decide(exc),))
            return Preview(uv, None, None, None, decision, [*prefix, *args])
    flags = checked.decision.flags
    final = list(render(with_options(inv, flags))) if flags else args
    return Preview(uv, version, checked.survey, checked.review, checked.decision,
                   [*prefix, *final])


def survey_pythons(seen: Preview, environ: Mapping[str, str], cwd: str) -> dict[str, object]:
    """``{dir, problem, installations}``: each managed Python as ``doctor`` reports it, its
    ``sys.version`` probed in a scratch state folder, like the interpreter's. The folder is
    found as the shim finds it (``uv python dir`` would be one more process), and uv is asked
    for its download list only when there is an installation to compare."""
    version = str(seen.uv_version) if seen.uv_version else "(unknown)"
    try:
        folder = managed_root(environ, cwd)
    except UvshimError as exc:
        return {"dir": None, "problem": str(exc), "installations": []}
    with tempfile.TemporaryDirectory(prefix="uvshim-explain-") as scratch:
        found = managed_pythons(folder, seen.uv, version, environ, scratch)
    return {"dir": folder, "problem": None,
            "installations": [python.to_json() for python in found]}


def build_report(seen: Preview, pythons: dict[str, object] | None = None) -> dict[str, object]:
    """The ``--json`` document: keys ``schema``, ``uv``, ``interpreter``, ``cache``,
    ``environments``, ``decision``, ``argv``, ``managed_pythons``."""
    found, decision = seen.survey, seen.decision
    return {
        "schema": SCHEMA,
        "uv": {"path": seen.uv, "version": str(seen.uv_version) if seen.uv_version else None},
        "interpreter": _interpreter(seen),
        "cache": {"dir": found.cache_dir if found else None,
                  "bucket": found.bucket if found else None},
        "environments": _environments(seen),
        "decision": {"action": decision.action, "reason": decision.reason,
                     "drop": list(decision.drop), "flags": list(decision.flags),
                     "messages": [f"uvshim: {m}" for m in decision.messages]},
        "argv": list(seen.argv),
        "managed_pythons": pythons,
    }


def _interpreter(seen: Preview) -> dict[str, object] | None:
    choice = seen.survey.choice if seen.survey else None
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
    verdicts = seen.survey.verdicts if seen.survey else None
    if verdicts is None:
        return []
    drifted = {env.entry: why for env, why in seen.review.drifted} if seen.review else {}
    rows: list[dict[str, object]] = []
    for verdict in verdicts:
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
    lines += _python_lines(report["managed_pythons"])
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


def _python_lines(data: object) -> list[tuple[str, str]]:
    if data is None:
        return []
    info = _dict(data)
    if info["problem"]:
        return [("managed", f"cannot tell: {info['problem']}")]
    lines = []
    for python in (_dict(item) for item in _list(info["installations"])):
        if python["link_to"]:
            continue
        installed = python["installed_build"] or "unknown"
        lines.append(("managed", f"{python['name']}: installed build {installed}, uv would "
                                 f"install {python['uv_build'] or '(cannot tell)'}"))
        lines.append((f"  {python['status']}", str(python["reason"])))
    return lines


def _dict(value: object) -> dict[str, object]:
    assert isinstance(value, dict)  # noqa: S101  -- built by build_report
    return value


def _list(value: object) -> list[object]:
    assert isinstance(value, list)  # noqa: S101  -- built by build_report
    return value
