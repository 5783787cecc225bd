"""The facts uvshim's model relies on, checked against one uv binary by running it.

Everything runs offline in a throw-away folder (its own cache, home, config and tool folders;
the tool is a wheel uvshim writes itself, ``wheel``), with an interpreter given by path, so
neither the user's cache nor the network is touched. The facts, each one a place where the
model would silently look in the wrong place if uv changed it:

- ``uv --version`` reads ``uv X.Y.Z`` (``uv.binary``);
- ``uv tool run --help``, ``uv tool uvx --help`` and ``uv run --help`` still list every option
  of the table as the parser knows it (``listed``; tests/integration/test_option_drift.py);
- ``uv tool uvx`` runs the tool, and its environment is a link in the bucket
  ``uv.cache_key.bucket_dir`` predicts for the interpreter, into ``archive-v0``
  (``environments``), whose pyvenv.cfg records what ``policy.judge`` compares (implementation,
  ``version_info``, ``home``) and whose site-packages is where the interpreter's ABI puts it;
- the tool is named from what the environment holds (``distributions.tools_in``);
- a dropped link is rebuilt, in the same place, by the next run (``drop``, the repair);
- ``uv run --with`` keeps its layer in the same bucket (``discovery.uv_run_interpreter``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from uvshim.contract.listed import HELP_COMMANDS, compare_help
from uvshim.contract.wheel import TOOL, build_tool_wheel
from uvshim.distributions import tools_in
from uvshim.drop import full_filesystem
from uvshim.environments import read_entry, scan_bucket
from uvshim.errors import UvshimError
from uvshim.policy import judge
from uvshim.record import Record
from uvshim.uv.cache_key import bucket_dir
from uvshim.versions import InvalidVersionError, Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from uvshim.interpreter_identity import InterpreterIdentity
    from uvshim.uv.options import LevelName

DEFAULT_TIMEOUT_S = 20.0


class CannotCheckError(UvshimError):
    """This machine cannot host the check now (no room for its throw-away folder): nothing
    is learnt about uv, so nothing is kept."""


class Failure(Record):
    fact: str  # what the model relies on, worded to follow "uv should "
    detail: str  # what uv did instead


class Outcome(Record):
    version: Version | None  # None when ``uv --version`` did not read as a release
    failures: tuple[Failure, ...]
    added_options: tuple[str, ...]  # options the help lists that the table does not know
    seconds: float

    @property
    def holds(self) -> bool:
        return not self.failures


class _Hung(Exception):  # noqa: N818  -- a control-flow signal inside this module
    def __init__(self, command: str) -> None:
        super().__init__(command)
        self.command = command


class _Uv:
    """The binary under check, with its throw-away environment and one overall deadline."""

    def __init__(self, uv: str, root: Path, deadline: float, timeout: float) -> None:
        self.uv, self.root, self.deadline, self.timeout = uv, root, deadline, timeout
        self.cache = root / "cache"
        self.environ = {
            "PATH": os.environ.get("PATH", os.defpath), "HOME": str(root / "home"),
            "XDG_CACHE_HOME": str(root / "xdg-cache"), "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"), "UV_CACHE_DIR": str(self.cache),
            "UV_TOOL_DIR": str(root / "tools"), "UV_TOOL_BIN_DIR": str(root / "tools-bin"),
            "UV_PYTHON_INSTALL_DIR": str(root / "pythons"), "UV_PYTHON_DOWNLOADS": "never",
            "NO_COLOR": "1", "TMPDIR": str(root / "tmp"),
        }
        for folder in ("home", "tmp", "work"):
            (root / folder).mkdir()

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """uv ``args`` in its own process group, killed with it at the deadline."""
        command = f"uv {' '.join(args)}"
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Hung(command)
        try:
            process = subprocess.Popen(
                [self.uv, *args], env=self.environ, cwd=self.root / "work",
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, errors="replace", start_new_session=True)
        except OSError as exc:  # gone or not executable since it was found: uv cannot run
            return subprocess.CompletedProcess(args, 126, "", exc.strerror or str(exc))
        with process:
            try:
                out, err = process.communicate(timeout=left)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise _Hung(command) from None
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _kill_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.communicate()


def check_release(uv: str, python: str, identify: Callable[[str], InterpreterIdentity], *,
                  timeout: float = DEFAULT_TIMEOUT_S) -> Outcome:
    """Check ``uv`` against the model, running tools on the interpreter at ``python``.

    A uv that does not finish within ``timeout`` seconds (all steps together) fails the
    fact it was checking. ``CannotCheckError`` when no throw-away folder can be made."""
    started = time.monotonic()
    added: list[str] = []
    with _Scratch() as root:
        binary = _Uv(uv, root, started + timeout, timeout)
        try:
            version, failures = _facts(binary, python, identify, added)
        except _Hung as hung:
            version, failures = None, [Failure(
                "finish within the check's time limit",
                f"`{hung.command}` did not finish within {timeout:g} s")]
    return Outcome(version, tuple(failures), tuple(added), time.monotonic() - started)


def _facts(binary: _Uv, python: str, identify: Callable[[str], InterpreterIdentity],
           added: list[str]) -> tuple[Version | None, list[Failure]]:
    version, failure = _version(binary)
    if version is None:
        return None, [failure] if failure else []
    failures = [failure for level in HELP_COMMANDS
                if (failure := _help(binary, version, level, added)) is not None]
    failures += _environments(binary, version, python, identify(python))
    return version, failures


def _version(binary: _Uv) -> tuple[Version | None, Failure | None]:
    done = binary.run("--version")
    words = done.stdout.split()
    if done.returncode == 0 and len(words) >= 2 and words[0] == "uv":
        try:
            return Version(words[1]), None
        except InvalidVersionError:
            pass
    return None, Failure("read its version as `uv X.Y.Z`",
                         f"`uv --version` printed {done.stdout.strip()[:60]!r}")


def _help(binary: _Uv, version: Version, level: LevelName, added: list[str]
          ) -> Failure | None:
    args = HELP_COMMANDS[level]
    done = binary.run(*args)
    if done.returncode != 0:
        return Failure(f"list its options in `uv {' '.join(args)}`", _exit(done))
    difference = compare_help(done.stdout, version, level)
    added += [f"{difference.command}: {option}" for option in difference.added]
    if difference.missing:
        return Failure(f"list the options uvshim parses in `{difference.command}`",
                       "; ".join(difference.missing))
    return None


def _exit(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    last = lines[-1].strip() if lines else "nothing on stderr"
    return f"exit status {done.returncode}: {last[:200]}"


def _tool_args(wheels: Path, python: str) -> list[str]:
    return ["--no-config", "--offline", "--no-index", "--find-links", str(wheels),
            "--python", python]


def _environments(binary: _Uv, version: Version, python: str,
                  identity: InterpreterIdentity) -> list[Failure]:
    wheels = binary.root / "wheels"
    try:
        build_tool_wheel(wheels)
    except OSError as exc:
        raise CannotCheckError(f"cannot write the check's tool wheel: {exc.strerror or exc}"
                               ) from None
    uvx = ["tool", "uvx", *_tool_args(wheels, python), TOOL]
    failure = _runs_tool(binary.run(*uvx), identity, "run a tool from a local wheel with `uvx`")
    if failure:
        return [failure]
    bucket = bucket_dir(str(binary.cache), identity, version)
    entry, failure = _one_entry(binary.cache, bucket, set())
    if entry is None:
        return [failure] if failure else []
    failures = _entry_facts(binary.cache, entry, identity)
    target = os.path.realpath(entry)
    os.unlink(entry)
    failures += _rebuilt(binary, uvx, entry, target, identity)
    failures += _run_with(binary, wheels, python, bucket, identity)
    return failures


def _runs_tool(done: subprocess.CompletedProcess[str], identity: InterpreterIdentity,
               fact: str) -> Failure | None:
    expected = f"{TOOL} {identity.minor} "
    if done.returncode == 0 and done.stdout.startswith(expected):
        return None
    if done.returncode == 0:
        return Failure(fact, f"the tool printed {done.stdout.strip()[:100]!r}, not {expected!r}")
    return Failure(fact, _exit(done))


def _one_entry(cache: Path, bucket: str, known: set[str]) -> tuple[str | None, Failure | None]:
    """The one new entry in ``bucket``, or why there is not exactly one."""
    entries = [env.entry for env in scan_bucket(bucket) if env.entry not in known]
    if len(entries) == 1:
        return entries[0], None
    where = os.path.relpath(bucket, cache)
    found = ", ".join(_environment_links(cache)) or "none"
    return None, Failure(f"keep a tool's environment in the bucket uvshim predicts ({where})",
                         f"{len(entries)} new entries there; the environment links in its "
                         f"cache: {found}")


def _environment_links(cache: Path) -> list[str]:
    """Every link two folders down in each ``environments-*`` folder, relative to ``cache``."""
    found: list[str] = []
    for top in sorted(cache.glob("environments*")):
        found += [str(link.relative_to(cache)) for link in sorted(top.glob("*/*"))
                  if link.is_symlink()]
    return found[:4]


def _entry_facts(cache: Path, entry: str, identity: InterpreterIdentity) -> list[Failure]:
    target = os.path.realpath(entry) if os.path.islink(entry) else None
    archive = os.path.realpath(cache / "archive-v0")
    if target is None or os.path.dirname(target) != archive or not os.path.isdir(target):
        return [Failure("link a tool's environment into archive-v0",
                        f"{os.path.basename(entry)} is "
                        + (f"a link to {target}" if target else "not a link"))]
    env = read_entry(entry)
    config = env.config or {}
    missing = [key for key in ("implementation", "version_info", "home") if key not in config]
    failures = []
    if missing:
        failures.append(Failure("record the interpreter in pyvenv.cfg",
                                f"no {', '.join(missing)} in its pyvenv.cfg"))
    verdict = judge(env, identity)
    if verdict.stale:
        failures.append(Failure("build an environment the model judges fresh",
                                f"the new environment {verdict.reason}"))
    held = tools_in(target)
    if held != (TOOL,):
        failures.append(Failure("install a tool where its environment shows it",
                                f"found {', '.join(held) or 'nothing'} in site-packages"))
    return failures


def _rebuilt(binary: _Uv, uvx: Sequence[str], entry: str, dropped: str,
             identity: InterpreterIdentity) -> list[Failure]:
    fact = "rebuild a dropped environment in the same place"
    failure = _runs_tool(binary.run(*uvx), identity, fact)
    if failure:
        return [failure]
    if not os.path.islink(entry) or os.path.realpath(entry) == dropped:
        return [Failure(fact, f"{os.path.basename(entry)} was not linked again to a new "
                              "environment")]
    return []


def _run_with(binary: _Uv, wheels: Path, python: str, bucket: str,
              identity: InterpreterIdentity) -> list[Failure]:
    fact = "keep a `uv run --with` layer in the interpreter's bucket"
    for env in scan_bucket(bucket):  # the same requirements would reuse uvx's environment
        os.unlink(env.entry)
    done = binary.run("run", "--no-project", *_tool_args(wheels, python), "--with", TOOL, TOOL)
    failure = _runs_tool(done, identity, fact)
    if failure:
        return [failure]
    entry, failure = _one_entry(binary.cache, bucket, set())
    if entry is None:
        return [Failure(fact, failure.detail if failure else "no new entry")]
    return []


class _Scratch:
    """A throw-away folder, removed afterwards; ``CannotCheckError`` when none can be made."""

    def __enter__(self) -> Path:
        parent = tempfile.gettempdir()
        full = full_filesystem(parent)
        if full is not None:
            raise CannotCheckError(full.replace("the cache's", f"{parent}'s")
                                   .replace("uv could not rebuild it", "uv cannot be checked"))
        try:
            self.root = Path(tempfile.mkdtemp(prefix="uvshim-check-"))
        except OSError as exc:
            raise CannotCheckError(f"cannot make a folder in {parent}: "
                                   f"{exc.strerror or exc}") from None
        return self.root

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


__all__ = ["CannotCheckError", "Failure", "Outcome", "check_release"]
