"""The launchers' text: one template, ``shims/launcher.tmpl``, rendered for ``uvx`` and ``uv``.

The template is a shell script that Python also reads (see its own comments). A line tagged
``@uvx@`` or ``@uv@`` goes into that launcher only; ``@NAME@`` is the launcher's name, and the
other placeholders are the installation's Python, its folders, the bound real uv and the
repair hint. ``launcher_readback`` reads the same lines back.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
from importlib import resources
from pathlib import Path

from uvshim.commands.install_manifest import STATE_FOLDER
from uvshim.errors import UvshimError

SHIM_NAMES = ("uvx", "uv")
TEMPLATE_NAME = "launcher.tmpl"
# Modules the hot path may import; their folders go on the launcher's sys.path.
_RUNTIME_MODULES = ("uvshim", "packaging", "platformdirs", "tomli")


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
    """The launcher ``name``; ``real_uv`` becomes the default of ``UVSHIM_REAL_UV`` inside it
    only (never exported), so the user's own setting still wins. ``repair`` is what its one
    line says to do when it has to run uv without uvshim (see ``repair_hint``)."""
    defaults = {} if real_uv is None else {"UVSHIM_REAL_UV": real_uv}
    words = {"@PYTHON@": python, "@REAL_UV@": real_uv or "", "@REPAIR@": repair}
    text = _launcher_text(name)
    for placeholder, value in words.items():
        text = text.replace(placeholder, _shell_word(value))
    return text.replace("@PATHS@", json.dumps(paths)).replace("@DEFAULTS@", json.dumps(defaults))


def _launcher_text(name: str) -> str:
    """The template's lines for launcher ``name``, its name filled in, the rest still to do."""
    if name not in SHIM_NAMES:
        raise ValueError(f"no launcher is named {name!r}")
    kept = []
    for line in _template().splitlines(keepends=True):
        if line.startswith("@@"):
            continue  # a note on the template itself
        tag, _, tagged = line[1:].partition("@") if line.startswith("@") else ("", "", "")
        if tag and tag not in SHIM_NAMES:
            raise ValueError(f"{TEMPLATE_NAME}: a line is tagged for no launcher: {line!r}")
        if not tag or tag == name:
            kept.append(tagged if tag else line)
    return "".join(kept).replace("@NAME@", name)


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


def _template() -> str:
    # The template lives in shims/ of the repository. A wheel ships it in uvshim/launchers
    # (pyproject's force-include); an editable install or a source tree reads shims/ itself.
    shipped = resources.files("uvshim").joinpath("launchers", TEMPLATE_NAME)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    source = Path(__file__).resolve().parents[3] / "shims" / TEMPLATE_NAME
    return source.read_text(encoding="utf-8")
