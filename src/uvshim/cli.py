"""The ``uvshim`` program: run the shim directly, and install its launchers.

Management commands live here, not under ``uvx``, where they would shadow real tools.
Exit codes: 0 ok, 1 error, 2 usage, 3 unexpected, 130 interrupted; ``uvx``/``uv`` exit with
uv's (or the tool's) own status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from uvshim import __version__
from uvshim.errors import UvshimError

ENVIRONMENT_HELP = """\
environment:
  UVSHIM_DISABLE=1        run the real uv unchanged, checking nothing
  UVSHIM_REAL_UV=PATH     the real uv binary (default: the first `uv` on PATH that is not a
                          uvshim launcher; relative PATH entries are never searched)
  UVSHIM_CACHE_DIR=DIR    uvshim's own state (default: ~/.cache/uvshim, per platformdirs)
  UVSHIM_LOCK_TIMEOUT=S   seconds to wait for another shim repairing the same cache (30)
  UVSHIM_STRICT=1         fail instead of running uv unchanged when the check fails (tests)
"""


def default_shim_dir() -> Path:
    import platformdirs  # noqa: PLC0415  -- only the install command needs it

    return Path(platformdirs.user_data_dir("uvshim", appauthor=False)) / "bin"


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
    install = commands.add_parser("install", help="write uvx and uv launchers into a folder")
    install.add_argument("--dir", type=Path, default=None,
                         help="where to write them (default: %(default)s → a per-user folder)")
    install.add_argument("--force", action="store_true",
                         help="replace files there that are not uvshim launchers")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in {"uvx", "uv"}:
        from uvshim.run import main as run_main  # noqa: PLC0415

        run_main(args[0], args[1:])
    try:
        return _dispatch(build_parser().parse_args(args))
    except UvshimError as exc:
        sys.stderr.write(f"uvshim: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130


def _dispatch(options: argparse.Namespace) -> int:
    if options.command == "install":
        return _install(options.dir or default_shim_dir(), options.force)
    build_parser().print_help()
    return 2


def _install(folder: Path, force: bool) -> int:
    from uvshim.install import install_launchers  # noqa: PLC0415

    installed = install_launchers(folder.absolute(), force)
    for path in installed.written:
        print(f"wrote {path}")
    print("Put them ahead of uv on PATH, e.g. in your shell profile:")
    print(f'  export PATH="{installed.folder}:$PATH"')
    return 0
