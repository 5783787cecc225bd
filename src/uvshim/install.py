"""Writing the ``uvx`` and ``uv`` launchers of this installation into a folder."""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from uvshim.errors import UvshimError
from uvshim.uv import is_launcher

SHIM_NAMES = ("uvx", "uv")
# Modules the hot path may import; their folders go on the launcher's sys.path.
_RUNTIME_MODULES = ("uvshim", "packaging", "filelock", "platformdirs", "tomli")


@dataclass(frozen=True)
class Installed:
    folder: Path
    written: tuple[Path, ...]


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


def render_launcher(name: str, python: str, paths: list[str]) -> str:
    template = _template(name)
    code = (f"import sys; sys.path[:0] = {json.dumps(paths)}; "
            f"from uvshim.run import main; main({json.dumps(name)}, sys.argv[1:])")
    placeholder = "@CODE_UVX@" if name == "uvx" else "@CODE_UV@"
    return template.replace("@PYTHON@", shlex.quote(python)).replace(placeholder, shlex.quote(code))


def _template(name: str) -> str:
    # The templates live in shims/ of the repository and are shipped inside the package.
    return resources.files("uvshim").joinpath("launchers", name).read_text(encoding="utf-8")


def install_launchers(folder: Path, force: bool) -> Installed:
    folder.mkdir(parents=True, exist_ok=True)
    paths = runtime_paths()
    written = []
    for name in SHIM_NAMES:
        target = folder / name
        if target.exists() and not is_launcher(str(target)) and not force:
            raise UvshimError(f"{target} exists and is not a uvshim launcher (the real {name}?); "
                              "choose another --dir, or --force to replace it")
        _write_executable(target, render_launcher(name, sys.executable, paths))
        written.append(target)
    return Installed(folder, tuple(written))


def _write_executable(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.uvshim-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o755)
    temporary.replace(target)
