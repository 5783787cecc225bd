"""``uvshim install``, ``install --check`` and ``uninstall``: the launchers of this
installation, written from their template (``launcher_template``), recorded in the folder's
manifest (``install_manifest``) and read back (``launcher_readback``).

A real ``uvx`` that ``--replace-uvx`` displaces, or a file ``--force`` displaces, is set aside
and put back by ``uninstall``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from uvshim.commands.install_manifest import (
    Manifest,
    manifest_path,
    read_manifest,
    remove_manifest,
    set_aside_folder,
    start_manifest,
    write_manifest,
)
from uvshim.commands.launcher_readback import launcher_problem, loads_uvshim
from uvshim.commands.launcher_template import (
    SHIM_NAMES,
    render_launcher,
    repair_hint,
    runtime_paths,
)
from uvshim.contract.verdict import release_status
from uvshim.errors import UvshimError
from uvshim.state import state_dir
from uvshim.uv.binary import find_real_uv, is_launcher, uv_version

# `uvx --version` prints "uvx X" from 0.7.0 (``display_name = "uvx"`` on the uvx command,
# crates/uv-cli/src/lib.rs) and clap's default name, "uv-tool-uvx X", before.
_UVX_VERSION_RE = re.compile(r"^(?:uvx|uv-tool-uvx) \d+\.\d+\.\d+")
_UV_VERSION_RE = re.compile(r"^uv \d+\.\d+\.\d+")


@dataclass(frozen=True)
class Installed:
    folder: Path
    written: tuple[Path, ...]
    set_aside: tuple[Path, ...]  # real files moved into .uvshim/replaced/
    real_uv: str | None  # the uv the uvx launcher is bound to, if any


@dataclass(frozen=True)
class Uninstalled:
    folder: Path
    removed: tuple[Path, ...]
    restored: tuple[Path, ...]
    kept: tuple[Path, ...]  # recorded, but no longer our launcher: left alone


def default_shim_dir() -> Path:
    import platformdirs  # noqa: PLC0415  -- only the management commands need it

    return Path(platformdirs.user_data_dir("uvshim", appauthor=False)) / "bin"


def install_launchers(folder: Path, force: bool = False, *, names: tuple[str, ...] = SHIM_NAMES,
                      replace_uvx: bool = False) -> Installed:
    """Write the launchers ``names`` into ``folder``; record them before writing them.

    With ``replace_uvx`` only ``uvx`` is written, over the real uvx there, and bound to the
    real ``uv`` beside it, which is what the real uvx runs (``uv tool uvx``).
    """
    if replace_uvx:
        names = ("uvx",)
    real_uv = _sibling_real_uv(folder) if replace_uvx else None
    plans = [(name, _displaces(folder / name, force=force, replace_uvx=replace_uvx))
             for name in names]
    manifest = start_manifest(folder)
    if real_uv is not None:
        manifest.real_uv = real_uv
    for name, displaces in plans:
        previous = manifest.files.get(name, {})
        manifest.files[name] = {"set_aside": displaces or previous.get("set_aside", False)}
    write_manifest(folder, manifest)
    set_aside = [_set_aside(folder, name) for name, displaces in plans if displaces]
    paths = runtime_paths()
    repair = repair_hint(folder, names, replace_uvx=replace_uvx)
    for name, _ in plans:
        bound = real_uv if name == "uvx" else None
        _write_executable(folder / name,
                          render_launcher(name, sys.executable, paths, bound, repair))
    return Installed(folder, tuple(folder / name for name, _ in plans), tuple(set_aside), real_uv)


def _sibling_real_uv(folder: Path) -> str:
    uv = folder / "uv"
    if not uv.is_file() or is_launcher(str(uv)) or not _prints(uv, _UV_VERSION_RE):
        raise UvshimError(f"{uv} is not the real uv; --replace-uvx replaces the uvx that sits "
                          "beside the real uv: pass --dir with the folder holding both")
    return str(uv)


def _displaces(target: Path, *, force: bool, replace_uvx: bool) -> bool:
    """Whether writing ``target`` moves a file that is not our launcher out of the way."""
    if not os.path.lexists(target) or is_launcher(str(target)):
        return False
    if target.name == "uv":
        raise UvshimError(f"{target} is not a uvshim launcher (the real uv?) and uvshim never "
                          "replaces it; choose another --dir, or --replace-uvx to replace only "
                          "the uvx beside it")
    if replace_uvx and not _prints(target, _UVX_VERSION_RE) and not force:
        raise UvshimError(f"{target} does not answer --version like uv's uvx; "
                          "--force to replace it anyway (uninstall puts it back)")
    if not (replace_uvx or force):
        # The flag that fits what is there: a real uvx is replaced by one bound to the uv
        # beside it; anything else is set aside by --force.
        hint = ("--replace-uvx to replace the real uvx" if target.name == "uvx"
                and _prints(target, _UVX_VERSION_RE) else "--force to set it aside")
        raise UvshimError(f"{target} exists and is not a uvshim launcher; choose another --dir, "
                          f"or {hint} (uninstall puts it back)")
    return True


def _prints(binary: Path, expected: re.Pattern[str]) -> bool:
    """Whether ``binary --version`` prints a line matching ``expected``."""
    try:
        done = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                              timeout=30, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and expected.match(done.stdout.strip()) is not None


def _set_aside(folder: Path, name: str) -> Path:
    keep = set_aside_folder(folder)
    keep.mkdir(parents=True, exist_ok=True)
    # rename keeps a symlink a symlink and the file's mode and owner as they were.
    os.replace(folder / name, keep / name)
    return keep / name


def _write_executable(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.uvshim-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o755)
    temporary.replace(target)


def uninstall_launchers(folder: Path) -> Uninstalled:
    """Remove what the manifest lists, if it is still our launcher; put set-aside files back."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise UvshimError(f"nothing recorded in {manifest_path(folder)}; pass --dir with the "
                          "folder you ran `uvshim install` for")
    removed, restored, kept = [], [], []
    for name, record in manifest.files.items():
        target = folder / name
        if is_launcher(str(target)):
            target.unlink()
            removed.append(target)
        elif os.path.lexists(target):
            kept.append(target)
        backup = set_aside_folder(folder) / name
        if record["set_aside"] and os.path.lexists(backup) and not os.path.lexists(target):
            os.replace(backup, target)
            restored.append(target)
    remove_manifest(folder, manifest.created_folder)
    return Uninstalled(folder, tuple(removed), tuple(restored), tuple(kept))


def installed_folders(default: Path, environ: Mapping[str, str]) -> list[Path]:
    """Where ``install`` wrote launchers, for ``uninstall`` without ``--dir``: the default
    folder and every folder on PATH holding a launcher, if a manifest there records them
    (uvshim may have been reinstalled since, in another environment)."""
    candidates = [default]
    for entry in environ.get("PATH", os.defpath).split(os.pathsep):
        folder = Path(entry)
        if folder.is_absolute() and any(is_launcher(str(folder / name)) for name in SHIM_NAMES):
            candidates.append(folder)
    found: list[Path] = []
    for folder in candidates:
        if manifest_path(folder).is_file() and not any(_same(folder, seen) for seen in found):
            found.append(folder)
    return found


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return one == other


@dataclass(frozen=True)
class CheckReport:
    lines: tuple[str, ...]
    ok: bool


def check_launchers(folder: Path, environ: Mapping[str, str]) -> CheckReport:
    """Whether the launchers in ``folder`` are what PATH runs, can load uvshim, and which
    real uv they call."""
    manifest = read_manifest(folder)
    if manifest is None or not manifest.files:
        return CheckReport((f"no uvshim launchers recorded in {folder}; "
                            f"run `uvshim install --dir {folder}`",), ok=False)
    verdicts: list[tuple[str, bool]] = []
    for name in manifest.files:
        verdicts.append(_check_first(folder / name, environ))
        problem = launcher_problem(folder / name, loads_uvshim)
        if problem is not None:
            verdicts.append((f"{name}: {problem}; {_rewrite_hint(folder, manifest)}", False))
    real_uv, uv_ok = _check_real_uv(manifest, environ)
    lines = [line for line, _ in verdicts] + real_uv.split("\n")
    return CheckReport(tuple(lines), ok=uv_ok and all(ok for _, ok in verdicts))


def _rewrite_hint(folder: Path, manifest: Manifest) -> str:
    replace = " --replace-uvx" if manifest.real_uv else ""
    return (f"point it at this uvshim with `uvshim install --dir {folder}{replace}`, "
            f"or remove it with `uvshim uninstall --dir {folder}`")


def _check_first(launcher: Path, environ: Mapping[str, str]) -> tuple[str, bool]:
    name, folder = launcher.name, launcher.parent
    if not is_launcher(str(launcher)):
        return (f"{name}: {launcher} is no longer a uvshim launcher; "
                f"run `uvshim install --dir {folder}` again", False)
    first = shutil.which(name, path=environ.get("PATH", os.defpath))
    if first is not None and os.path.samefile(first, launcher):
        return f"{name}: {launcher} comes first on PATH", True
    if first is None:
        return f'{name}: not on PATH; add it: export PATH="{folder}:$PATH"', False
    return (f"{name}: PATH runs {first} first, not {launcher}; "
            f"put {folder} ahead of {os.path.dirname(first)} on PATH", False)


def _check_real_uv(manifest: Manifest, environ: Mapping[str, str]) -> tuple[str, bool]:
    search = dict(environ)
    if manifest.real_uv and not search.get("UVSHIM_REAL_UV"):
        search["UVSHIM_REAL_UV"] = manifest.real_uv  # what the bound launcher does
    try:
        uv = find_real_uv(search)
        state = state_dir(environ)
        version = uv_version(uv, state)
    except UvshimError as exc:
        return f"real uv: {exc}", False
    return (f"model: {release_status(uv, version, state)}\n"
            f"real uv: {uv} (uv {version}); the launchers call it"), True


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``install`` and ``uninstall`` on the ``uvshim`` parser."""
    install = commands.add_parser(
        "install", help="write uvx and uv launchers into a folder",
        description="Write uvx and uv launchers into a folder, and record them there.")
    install.add_argument("--dir", type=Path, default=None,
                         help="where to write them (default: a per-user folder, "
                              "~/.local/share/uvshim/bin on Linux)")
    install.add_argument("--only", choices=SHIM_NAMES, default=None,
                         help="write only this launcher")
    install.add_argument("--replace-uvx", action="store_true",
                         help="replace the real uvx in --dir in place, calling the real uv "
                              "beside it (uninstall puts the real uvx back); never touches uv")
    install.add_argument("--force", action="store_true",
                         help="replace a uvx there that is not a uvshim launcher "
                              "(set aside, and put back by uninstall); never a uv")
    install.add_argument("--check", action="store_true",
                         help="write nothing: say whether the launchers come first on PATH "
                              "and which real uv they call (exit 1 if not)")
    uninstall = commands.add_parser(
        "uninstall", help="remove the launchers install wrote",
        description="Remove what `uvshim install` recorded in a folder, and nothing else.")
    uninstall.add_argument("--dir", type=Path, default=None,
                           help="the folder given to install (default: the per-user folder "
                                "and every folder on PATH holding a recorded launcher)")


def run_command(options: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> int:
    folder = (options.dir or default_shim_dir()).absolute()
    try:
        if options.command == "uninstall":
            found = [folder] if options.dir else installed_folders(folder, environ)
            for each in found or [folder]:  # none: uninstall_launchers says what to pass
                _report_uninstall(uninstall_launchers(each))
            return 0
        if options.check:
            return _report_check(check_launchers(folder, environ))
        if options.replace_uvx and options.dir is None:
            sys.stderr.write("uvshim: error: --replace-uvx needs --dir: the folder holding "
                             "the real uv and uvx\n")
            return 2
        if options.replace_uvx and options.only == "uv":
            sys.stderr.write("uvshim: error: --replace-uvx writes the uvx launcher only and "
                             "never touches uv; drop --only uv\n")
            return 2
        names = (options.only,) if options.only else SHIM_NAMES
        return _report_install(install_launchers(
            folder, options.force, names=names, replace_uvx=options.replace_uvx))
    except OSError as exc:
        where = exc.filename or folder
        raise UvshimError(f"cannot change {where}: {exc.strerror or exc}; "
                          "check its permissions or choose another --dir") from None


def _report_install(installed: Installed) -> int:
    for path in installed.set_aside:
        print(f"set aside {installed.folder / path.name} as {path}")
    for path in installed.written:
        print(f"wrote {path}")
    if installed.real_uv is not None:
        print(f"uvx in {installed.folder} now runs through uvshim and calls {installed.real_uv}")
        return 0
    print("Put them ahead of uv on PATH, e.g. in your shell profile:")
    print(f'  export PATH="{installed.folder}:$PATH"')
    return 0


def _report_uninstall(uninstalled: Uninstalled) -> int:
    for path in uninstalled.removed:
        print(f"removed {path}")
    for path in uninstalled.restored:
        print(f"put back {path}")
    for path in uninstalled.kept:
        print(f"kept {path}: it is no longer a uvshim launcher")
    return 0


def _report_check(report: CheckReport) -> int:
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1
