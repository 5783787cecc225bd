"""Writing, checking and removing the ``uvx`` and ``uv`` launchers of this installation.

What ``install`` writes is recorded in ``<folder>/.uvshim/manifest.json`` beside the
launchers (not in uvshim's cache folder, which may be wiped or, in an image, be a mount), so
``uninstall`` removes exactly that and nothing else. A real ``uvx`` that ``--replace-uvx``
displaces is kept in ``<folder>/.uvshim/replaced/`` and put back by ``uninstall``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from uvshim.contract.verdict import release_status
from uvshim.errors import UvshimError
from uvshim.state import state_dir
from uvshim.uv.binary import find_real_uv, is_launcher, uv_version

SHIM_NAMES = ("uvx", "uv")
STATE_FOLDER = ".uvshim"
MANIFEST_FORMAT = 1
# Modules the hot path may import; their folders go on the launcher's sys.path.
_RUNTIME_MODULES = ("uvshim", "packaging", "platformdirs", "tomli")
# `uvx --version` prints "uvx X" from 0.7.0 and "uv-tool-uvx X" before (uv-facts section 8).
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


@dataclass
class Manifest:
    """What one folder holds from ``uvshim install``: launcher names, set-aside originals."""

    created_folder: bool
    python: str
    real_uv: str | None = None
    files: dict[str, dict[str, bool]] = field(default_factory=dict)


def default_shim_dir() -> Path:
    import platformdirs  # noqa: PLC0415  -- only the management commands need it

    return Path(platformdirs.user_data_dir("uvshim", appauthor=False)) / "bin"


def runtime_paths() -> list[str]:
    """The sys.path folders holding uvshim and the dependencies it imports at run time."""
    folders: list[str] = []
    for name in _RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = os.path.dirname(next(iter(spec.submodule_search_locations)))
        if folder not in folders:
            folders.append(folder)
    return folders


def render_launcher(name: str, python: str, paths: list[str], real_uv: str | None = None,
                    repair: str = "") -> str:
    """The launcher script; ``real_uv`` becomes the default of ``UVSHIM_REAL_UV`` inside it
    only (never exported), so the user's own setting still wins. ``repair`` is what its one
    line says to do when it has to run uv without uvshim (see ``repair_hint``)."""
    defaults = {} if real_uv is None else {"UVSHIM_REAL_UV": real_uv}
    words = {"@PYTHON@": python, "@REAL_UV@": real_uv or "", "@REPAIR@": repair}
    text = _template(name)
    for placeholder, value in words.items():
        text = text.replace(placeholder, _shell_word(value))
    return text.replace("@PATHS@", json.dumps(paths)).replace("@DEFAULTS@", json.dumps(defaults))


def _shell_word(value: str) -> str:
    """``value`` quoted for the launcher's shell part, which Python reads as a string literal:
    a quote, backslash or line break could end or change that literal."""
    if any(c in value for c in "'\\\n"):
        raise UvshimError(f"cannot write a launcher naming {value!r}: it has a quote, a "
                          "backslash or a line break; install uvshim somewhere else")
    return shlex.quote(value)


def repair_hint(folder: Path, names: tuple[str, ...], *, replace_uvx: bool) -> str:
    """The one command that puts a launcher right when uvshim's installation broke under it:
    install again from a working uvshim, or undo what install did without uvshim's help."""
    where = str(folder) if shlex.quote(str(folder)) == str(folder) else f'"{folder}"'
    if replace_uvx:
        return (f"reinstall uvshim and run `uvshim install --dir {where} --replace-uvx`, or put "
                f"the real uvx back: `mv {where}/{STATE_FOLDER}/replaced/uvx {where}/uvx`")
    only = f" --only {names[0]}" if len(names) == 1 else ""
    return (f"reinstall uvshim and run `uvshim install --dir {where}{only}`, "
            f"or take {where} off PATH")


def _template(name: str) -> str:
    # The templates live in shims/ of the repository. A wheel ships them as uvshim/launchers
    # (pyproject's force-include); an editable install or a source tree reads shims/ itself.
    shipped = resources.files("uvshim").joinpath("launchers", name)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "shims" / name).read_text(encoding="utf-8")


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
    manifest = _start_manifest(folder)
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
    keep = folder / STATE_FOLDER / "replaced"
    keep.mkdir(parents=True, exist_ok=True)
    # rename keeps a symlink a symlink and the file's mode and owner as they were.
    os.replace(folder / name, keep / name)
    return keep / name


def _write_executable(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.uvshim-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o755)
    temporary.replace(target)


def _start_manifest(folder: Path) -> Manifest:
    existing = read_manifest(folder)
    if existing is not None:
        existing.python = sys.executable
        return existing
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UvshimError(f"cannot create {folder}: {exc.strerror}; choose another --dir"
                          ) from None
    return Manifest(created_folder=created, python=sys.executable)


def manifest_path(folder: Path) -> Path:
    return folder / STATE_FOLDER / "manifest.json"


def read_manifest(folder: Path) -> Manifest | None:
    path = manifest_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != MANIFEST_FORMAT:
            raise UvshimError(f"{path} has format {data['format']}, not {MANIFEST_FORMAT}; "
                              "use the uvshim that wrote it")
        files = {str(k): {"set_aside": bool(v["set_aside"])} for k, v in data["files"].items()}
        return Manifest(bool(data["created_folder"]), str(data["python"]),
                        data.get("real_uv"), files)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UvshimError(f"cannot read {path} ({exc}); remove the launchers there by hand"
                          ) from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    path = manifest_path(folder)
    data = {"format": MANIFEST_FORMAT, "created_folder": manifest.created_folder,
            "python": manifest.python, "real_uv": manifest.real_uv, "files": manifest.files}
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(".manifest.json.tmp")
        temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise UvshimError(f"cannot write {path}: {exc.strerror}; choose a --dir you can write"
                          ) from None


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
        backup = folder / STATE_FOLDER / "replaced" / name
        if record["set_aside"] and os.path.lexists(backup) and not os.path.lexists(target):
            os.replace(backup, target)
            restored.append(target)
    _remove_state(folder, manifest.created_folder)
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


def _remove_state(folder: Path, created_folder: bool) -> None:
    manifest_path(folder).unlink()
    # rmdir only removes empty folders: a set-aside file we could not put back stays.
    for empty in (folder / STATE_FOLDER / "replaced", folder / STATE_FOLDER):
        _rmdir_if_empty(empty)
    if created_folder:
        _rmdir_if_empty(folder)


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        return


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
        problem = launcher_problem(folder / name, _loads_uvshim)
        if problem is not None:
            verdicts.append((f"{name}: {problem}; {_rewrite_hint(folder, manifest)}", False))
    real_uv, uv_ok = _check_real_uv(manifest, environ)
    lines = [line for line, _ in verdicts] + real_uv.split("\n")
    return CheckReport(tuple(lines), ok=uv_ok and all(ok for _, ok in verdicts))


@dataclass(frozen=True)
class LauncherTarget:
    """What a launcher runs: its Python, and the folders it puts first on sys.path."""

    python: str
    paths: tuple[str, ...]
    falls_back: bool  # runs uv without uvshim when that Python or uvshim is broken


# The launcher's lines that name them. An earlier uvshim's launcher was run by its "#!" line,
# or by a one-line shell exec when the path could not stand there, and had no fallback.
_PYTHON_LINE = re.compile(r"^python=(.+)$", re.MULTILINE)
_EARLIER_PYTHON = re.compile(r"""^(?:#!(\S+) -IS|''''exec (.+) -I -S "\$0".*)$""", re.MULTILINE)
_PATHS_LINE = re.compile(r"^sys\.path\[:0\] = (\[.*\])$", re.MULTILINE)


def launcher_target(text: str) -> LauncherTarget | None:
    """Parse a launcher written by this or an earlier ``uvshim install``; None if it is not."""
    python_line, paths_line = _PYTHON_LINE.search(text), _PATHS_LINE.search(text)
    earlier = None if python_line else _EARLIER_PYTHON.search(text)
    quoted = python_line[1] if python_line else earlier and (earlier[1] or earlier[2])
    if not quoted or paths_line is None:
        return None
    try:
        python, paths = shlex.split(quoted), json.loads(paths_line[1])
    except ValueError:
        return None
    if len(python) != 1 or not all(isinstance(p, str) for p in paths):
        return None
    return LauncherTarget(python[0], tuple(paths), falls_back=python_line is not None)


def launcher_problem(launcher: Path, loads: Callable[[str, tuple[str, ...]], str | None],
                     ) -> str | None:
    """Why ``launcher`` runs uv without uvshim (or, from an earlier uvshim, cannot run it at
    all); None when it works. ``loads`` tries its Python on its folders (``_loads_uvshim``)."""
    try:
        target = launcher_target(launcher.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        return f"cannot read {launcher}: {exc.strerror}"
    if target is None:
        return None  # not a launcher any more: _check_first says so
    if not (os.path.isfile(target.python) and os.access(target.python, os.X_OK)):
        problem = f"its Python {target.python} is gone"
    else:
        failure = loads(target.python, target.paths)
        if failure is None:
            return None
        problem = f"{target.python} cannot load uvshim ({failure})"
    if target.falls_back:
        return f"{problem}, so it runs uv without uvshim"
    return f"{problem}, and this launcher of an earlier uvshim fails instead of running uv"


# What the launcher imports: the replay, the full check and, for a uv.toml, a TOML parser.
_LOAD_PROBE = """import sys
sys.path[:0] = sys.argv[1:]
import uvshim.entry, uvshim.full_check
try:
    import tomllib
except ImportError:
    import tomli
"""


def _loads_uvshim(python: str, paths: tuple[str, ...]) -> str | None:
    """None if ``python`` imports uvshim and what it needs from ``paths``, else the error."""
    try:
        done = subprocess.run([python, "-I", "-S", "-c", _LOAD_PROBE, *paths],
                              capture_output=True, text=True, errors="replace", timeout=60,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


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
