"""Installed tools (``uv tool install``): is each one's environment still working, and how
uv itself repairs one that is not.

A tool whose interpreter changed stays broken when run directly, although uvx skips it
(``uv tool run``'s installed-tool check; tests/integration/test_explain_doctor.py). Repairs,
checked with real uv 0.5.0, 0.6.4, 0.8.24 and 0.13.9:
- interpreter still there but changed: ``uv tool upgrade --reinstall NAME`` rebuilds the
  environment for the interpreter now at that path and keeps the receipt (requirements,
  ``--with``, Python request, index options); both flags exist from 0.5.0;
- interpreter gone: ``uv tool upgrade`` fails ("`NAME` is not installed"), while
  ``uv tool install --reinstall SPEC`` works, so the receipt's requirements are given back to
  it (``SPEC`` for the tool, ``--with`` for the rest, ``--python`` when one was requested,
  unless it names an interpreter file that is gone).
"""

from __future__ import annotations

import os
import subprocess
import sys

from uvshim.commands.doctor.checks import (
    BROKEN,
    CHANGED,
    GONE,
    Finding,
    base_interpreter,
    diagnose,
)
from uvshim.environments import CachedEnv, read_pyvenv_cfg

IMPORT_TIMEOUT_S = 60
# The first bytes of an executable that is not a script: ELF; Mach-O 64 and 32 bit; universal.
_NATIVE_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
# Runs inside the tool's own python: is the tool's distribution importable there?
_HAS_DISTRIBUTION = (
    "import sys\n"
    "try:\n"
    "    import importlib.metadata as metadata\n"
    "except ImportError:\n"
    "    sys.exit(0)\n"  # Python 3.7: nothing to ask with
    "metadata.distribution(sys.argv[1])\n"
)


def tool_folders(tool_dir: str) -> list[str]:
    try:
        names = sorted(os.listdir(tool_dir))
    except OSError:
        return []
    return [os.path.join(tool_dir, name) for name in names
            if not name.startswith(".") and os.path.isdir(os.path.join(tool_dir, name))]


def check_tool(folder: str, state: str) -> Finding | None:
    """A tool is judged by whether it works, not by its pyvenv.cfg: uv's own repair
    (``--reinstall`` into the same folder) installs for the new interpreter but leaves
    ``version_info`` saying the old one (seen with 0.6.4 and 0.13.9). A tool whose commands
    are all native executables (ruff's, uv's) runs whatever became of the Python beside it."""
    name = os.path.basename(folder)
    config = read_pyvenv_cfg(os.path.join(folder, "pyvenv.cfg"))
    if config is None:
        return Finding("tool", BROKEN, folder, name, None, "has no pyvenv.cfg")
    if _only_native_commands(folder):
        return None
    base = base_interpreter(folder, config)
    if base is None or not os.path.exists(base):
        env = CachedEnv(entry=folder, target=folder, config=config)
        problem, reason, _ = diagnose(env, base, state)
        return Finding("tool", problem or GONE, folder, name, base, reason)
    failure = _import_failure(folder, name)
    if failure is None:
        return None
    env = CachedEnv(entry=folder, target=folder, config=config)
    problem, reason, _ = diagnose(env, base, state)
    if problem == CHANGED:
        return Finding("tool", CHANGED, folder, name, base, f"{reason}; {failure}")
    return Finding("tool", BROKEN, folder, name, base, failure)


def _only_native_commands(folder: str) -> bool:
    """Whether every command the receipt names is an executable that is not a script: it
    needs no Python, so the tool works even when its environment's Python changed or went."""
    receipt = read_receipt(folder) or {}
    entrypoints = receipt.get("entrypoints")
    names = [entry.get("name") for entry in entrypoints if isinstance(entry, dict)] \
        if isinstance(entrypoints, list) else []
    return bool(names) and all(isinstance(name, str) and _is_native(folder, name)
                               for name in names)


def _is_native(folder: str, command: str) -> bool:
    path = os.path.join(folder, "bin", command)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return False
    return head in _NATIVE_MAGIC and os.access(path, os.X_OK)


def _import_failure(folder: str, name: str) -> str | None:
    python = os.path.join(folder, "bin", "python")
    try:
        done = subprocess.run([python, "-I", "-c", _HAS_DISTRIBUTION, name],
                              capture_output=True, text=True, timeout=IMPORT_TIMEOUT_S,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"its python does not run ({exc})"
    if done.returncode == 0:
        return None
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return f"its python cannot find {name} ({last})"


def read_receipt(folder: str) -> dict[str, object] | None:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:
        import tomli as tomllib  # noqa: PLC0415
    try:
        with open(os.path.join(folder, "uv-receipt.toml"), "rb") as handle:
            tool = tomllib.load(handle).get("tool")
    except (OSError, ValueError):
        return None
    return tool if isinstance(tool, dict) else None


def repair_commands(finding: Finding, uv: str) -> list[list[str]]:
    """uv's own commands that repair the tool, in the order to try them."""
    install = _install_command(finding.path, finding.name, uv)
    if finding.problem == GONE:
        return [install] if install else []
    upgrade = [uv, "tool", "upgrade", "--reinstall", finding.name]
    return [upgrade, install] if install else [upgrade]


def _install_command(folder: str, name: str, uv: str) -> list[str] | None:
    """``uv tool install --reinstall`` with the receipt's requirements, or None when the
    receipt holds something this cannot spell (a URL, a path, a git source)."""
    receipt = read_receipt(folder)
    if receipt is None:
        return None
    specs = [_spec(item) for item in _list(receipt.get("requirements"))]
    if not specs or None in specs:
        return None
    names = [str(item["name"]) for item in _list(receipt.get("requirements"))
             if isinstance(item, dict)]
    main = names.index(name) if name in names else 0
    command = [uv, "tool", "install", "--reinstall", str(specs[main])]
    for index, spec in enumerate(specs):
        if index != main:
            command += ["--with", str(spec)]
    python = receipt.get("python")
    # A request that names a file which is gone can only fail ("No interpreter found at
    # path"): the tool is reinstalled with the interpreter uv finds by default instead.
    if isinstance(python, str) and python and not _is_missing_path(python):
        command += ["--python", python]
    return command


def _is_missing_path(request: str) -> bool:
    return os.sep in request and not os.path.exists(request)


def _spec(item: object) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    if set(item) - {"name", "extras", "specifier", "marker"}:
        return None
    extras = item.get("extras") or []
    spec = str(item["name"]) + (f"[{','.join(map(str, extras))}]" if extras else "")
    spec += str(item.get("specifier") or "")
    marker = item.get("marker")
    return spec + (f" ; {marker}" if marker else "")


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
