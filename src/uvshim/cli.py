"""The ``uvshim`` program: run the shim directly, and install its launchers.

Management commands live here, not under ``uvx``, where they would shadow real tools.
Exit codes: 0 ok, 1 error, 2 usage, 3 unexpected, 130 interrupted; ``uvx``/``uv`` exit with
uv's (or the tool's) own status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from uvshim import __version__

# The same variables, defaults and meanings as the README's Configuration table (a test
# compares the two with the variables the code reads).
ENVIRONMENT_HELP = """\
environment:
  UVSHIM_DISABLE=1        run the real uv unchanged, checking nothing (default: unset)
  UVSHIM_REAL_UV=PATH     the real uv binary; relative PATH entries are never searched
                          (default: the first uv on PATH that is not a uvshim launcher)
  UVSHIM_CACHE_DIR=DIR    uvshim's own state: interpreter identities, uv versions, memos
                          (default: ~/.cache/uvshim, platformdirs' user cache)
  UVSHIM_LOCK_TIMEOUT=S   seconds to wait for another shim repairing the same cache
                          (default: 30)
  UVSHIM_RELEASE_CHECK_TIMEOUT=S
                          seconds the check of a uv newer than the newest modelled release
                          may take before it counts as failed (default: 20)
  UVSHIM_STRICT=1         fail instead of running uv unchanged when the check fails, for
                          tests (default: unset)
  UVSHIM_ON_BUILD_CHANGE=warn|rebuild
                          an environment built on another build of the same Python
                          version: warn and run it, or rebuild it (default: warn)
  UVSHIM_FAST_PATH=0      always run the full check: never replay a memo of an earlier
                          one (default: unset)
  UVSHIM_EXEC_PID=PID     set by uvshim itself for the uv it runs, to catch a uv that
                          runs uvshim again (a loop); do not set it (default: unset)
uv's own variables (UV_CACHE_DIR, UV_NO_CACHE, XDG_CACHE_HOME, UV_PYTHON, ...) mean what they
mean to uv.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uvshim", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A uvx/uv shim that never lets uv reuse a tool environment built for "
                    "another interpreter.",
        epilog="commands that take uv's arguments verbatim:\n"
               "  uvshim uvx ARGS...     run `uvx ARGS` through the shim\n"
               "  uvshim uv ARGS...      run `uv ARGS` through the shim\n\n" + ENVIRONMENT_HELP,
    )
    parser.add_argument("--version", action="version", version=f"uvshim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from uvshim.commands import install  # noqa: PLC0415  -- the uvx path never builds this parser

    install.add_commands(commands)
    from uvshim.commands import explain  # noqa: PLC0415
    from uvshim.commands.doctor import command as doctor  # noqa: PLC0415

    explain.add_command(commands)
    doctor.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in {"uvx", "uv"}:
        from uvshim.entry import main as shim_main  # noqa: PLC0415

        shim_main(args[0], args[1:])
    if args and args[0] == "explain":  # uvx's own options follow: argparse must not see them
        from uvshim.commands.explain import main as explain_main  # noqa: PLC0415

        return explain_main(args[1:])
    from uvshim.commands.error_handler import handled  # noqa: PLC0415  -- not for `uvshim uvx`

    options = build_parser().parse_args(args)  # a usage error exits 2 here
    return handled(lambda: _dispatch(options))


def _dispatch(options: argparse.Namespace) -> int:
    if options.command in {"install", "uninstall"}:
        from uvshim.commands.install import run_command  # noqa: PLC0415

        return run_command(options)
    if options.command == "doctor":
        from uvshim.commands.doctor.command import run_command as run_doctor  # noqa: PLC0415

        return run_doctor(options)
    build_parser().print_help()
    return 2
