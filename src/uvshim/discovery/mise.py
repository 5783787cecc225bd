"""mise's shims: which interpreter one runs, worked out without running mise, where certain.

A mise shim is a link to the ``mise`` binary, named after the command. Run as ``python3`` it loads
mise's configuration for the working folder and execs the first installed tool version whose
``bin`` holds an executable ``python3``, by its unresolved path
(``<data>/installs/python/3.12.1/bin/python3``), which is what the interpreter reports as
``sys.executable`` and what uv hashes (``src/shims.rs`` ``handle_shim``/``which_shim``,
``src/cli/exec.rs``; read at mise v2026.8.10, checked against the real shim of 2026.8.10 and
2026.9.15 by ``tests/integration/test_mise_model.py``).

mise's configuration is large (a dozen file names per folder, settings from variables and files,
environments, lockfiles, aliases, backends, trust, auto-install), so only a subset is modelled,
and everything outside it is "cannot tell": the shim is probed as uv probes it. Inside the subset
the answer is certain:

- a mise release from ``MISE_OLDEST`` to ``MISE_NEWEST`` (asked once per binary, by its stat);
- no ``MISE_*`` or ``__MISE_*`` variable but the four folders, ``MISE_TRUSTED_CONFIG_PATHS``,
  ``MISE_YES`` and ``MISE_PYTHON_VERSION``; ``HOME`` and any ``XDG_*_HOME`` absolute;
- no ``.miserc.toml`` anywhere mise looks for one, no ``conf.d`` folder, no lockfile beside a
  configuration file, nothing in ``ignored-configs``, no ``python`` plugin;
- every configuration file (walked from the physical working folder up to ``/``, then the global
  folder, then ``/etc/mise``; at most one in a folder) is a ``.tool-versions`` or a TOML file of
  ``[tools]`` with string values (and ``tasks``) without template syntax: the files mise reads
  without asking for trust, whose only effect is the tools they name;
- ``MISE_PYTHON_VERSION``, else the nearest file that names any tool, names ``python`` first
  (mise's toolset puts the nearest file's tools first, in their order, and ``which`` takes the
  first tool that has the command), with one exact version ``X.Y.Z`` that is installed (a folder,
  or the link ``mise link`` makes) and has the command: nothing is installed or fallen back to.
"""

from __future__ import annotations

import os

from uvshim.discovery.shim_resolution import (
    CannotTellError,
    Resolution,
    ancestors,
    is_plain_absolute,
    names_starting,
)
from uvshim.program_versions import program_version
from uvshim.record import Record
from uvshim.state import state_dir
from uvshim.versions import InvalidVersionError, Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

MISE_OLDEST, MISE_NEWEST = Version("2026.8.10"), Version("2026.9.15")
# Variables that change nothing inside the subset: the folders are modelled, trust and "yes"
# only matter for files that need trust (none does here), MISE_PYTHON_VERSION is modelled.
_MODELLED_VARIABLES = frozenset({
    "MISE_DATA_DIR", "MISE_CONFIG_DIR", "MISE_STATE_DIR", "MISE_CACHE_DIR",
    "MISE_TRUSTED_CONFIG_PATHS", "MISE_YES", "MISE_PYTHON_VERSION",
})
# Per folder (``LOCAL_CONFIG_FILENAMES`` in ``src/config/mod.rs``, and every name the shims of
# both releases were seen to look for); the ``.rtx`` names are older spellings.
_FOLDER_CONFIGS = (
    ".mise.local.toml", "mise.local.toml", ".rtx.local.toml", "mise/config.local.toml",
    ".mise/config.local.toml", ".config/mise.local.toml", ".config/mise/mise.local.toml",
    ".config/mise/config.local.toml", ".mise.toml", "mise.toml", ".rtx.toml",
    "mise/config.toml", ".mise/config.toml", ".config/mise.toml", ".config/mise/mise.toml",
    ".config/mise/config.toml", ".tool-versions",
)
_FOLDER_CONF_D = (".config/mise/conf.d", ".mise/conf.d", "mise/conf.d")
_GLOBAL_CONFIGS = ("mise.local.toml", "config.local.toml", "mise.toml", "config.toml")
_RC_FILES = (".miserc.toml", ".miserc.local.toml", ".config/miserc.toml")
_LOCKFILES = ("mise.lock", "mise.local.lock")
_TEMPLATE_MARKS = ("{{", "{%", "{#")
_SAFE_TOP_LEVEL = frozenset({"tools", "tasks"})
_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# In a basic string: what ends it, escapes, and the control characters TOML forbids there.
_NOT_PLAIN = frozenset('"\\#' + "".join(map(chr, range(32))) + "\x7f") - {"\t"}
_KIND = "uvshim-mise-version-v1"
STATE_FOLDER = "mise-v1"


class _Folders(Record):
    """mise's data, configuration, state and cache folders (``src/env.rs``)."""

    data: str
    config: str
    default_config: str  # where the global configuration is when MISE_CONFIG_DIR is not set
    state: str
    cache: str


def _folders(environ: Mapping[str, str]) -> _Folders:
    home = environ.get("HOME", "")
    if not is_plain_absolute(home):
        raise CannotTellError(f"HOME={home!r} is not a plain absolute path")
    return _Folders(
        data=_folder(environ, "MISE_DATA_DIR", "XDG_DATA_HOME", ".local/share"),
        config=_folder(environ, "MISE_CONFIG_DIR", "XDG_CONFIG_HOME", ".config"),
        default_config=os.path.join(_xdg(environ, "XDG_CONFIG_HOME", ".config"), "mise"),
        state=_folder(environ, "MISE_STATE_DIR", "XDG_STATE_HOME", ".local/state"),
        cache=_folder(environ, "MISE_CACHE_DIR", "XDG_CACHE_HOME", ".cache"),
    )


def _folder(environ: Mapping[str, str], own: str, xdg: str, default: str) -> str:
    value = environ.get(own, "")
    if not value:
        return os.path.join(_xdg(environ, xdg, default), "mise")
    if not is_plain_absolute(value):
        raise CannotTellError(f"{own}={value!r} is not a plain absolute path")
    return value


def _xdg(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "")
    if not value:
        return os.path.join(environ["HOME"], default)
    if not is_plain_absolute(value):
        raise CannotTellError(f"{name}={value!r} is not a plain absolute path")
    return value


class _Config(Record):
    """One configuration file: the tools it names, in its order, with their versions."""

    path: str
    tools: list[tuple[str, list[str]]]


def resolve_mise(path: str, binary: str, environ: Mapping[str, str], cwd: str) -> Resolution:
    """The interpreter the mise shim ``path`` (a link to ``binary``) execs; ``CannotTellError``
    outside the subset."""
    program = os.path.basename(path)
    _check_release(binary, environ)
    _check_variables(environ)
    folders = _folders(environ)
    here = os.path.realpath(cwd)
    _check_no_rc_files(here, folders)
    configs = _configs(here, folders)
    _check_state(configs, folders)
    versions, origin = _python_request(configs, environ)
    if len(versions) != 1 or not _is_exact(versions[0]):
        raise CannotTellError(f"{origin} asks for python {' '.join(versions)!r}, not one "
                              "exact X.Y.Z")
    command = _installed_command(folders, versions[0], program)
    return Resolution(command, f"mise python {versions[0]} from {origin}")


def _check_release(binary: str, environ: Mapping[str, str]) -> None:
    version = _mise_version(binary, environ)
    if not MISE_OLDEST <= version <= MISE_NEWEST:
        raise CannotTellError(f"mise {'.'.join(map(str, version.release))} is not modelled "
                              f"(only {MISE_OLDEST} to {MISE_NEWEST})")


def _mise_version(binary: str, environ: Mapping[str, str]) -> Version:
    """``mise --version``, asked once per binary and kept by the binary's stat."""
    try:
        return program_version(binary, state_dir(environ), STATE_FOLDER, _KIND,
                               lambda: _ask_version(binary, environ))
    except OSError as exc:
        raise CannotTellError(f"cannot stat {binary}: {exc.strerror}") from None
    except InvalidVersionError as exc:
        raise CannotTellError(f"{binary} --version: {exc}") from None


def _ask_version(binary: str, environ: Mapping[str, str]) -> str:
    import subprocess  # noqa: PLC0415  -- only when the binary is new to the cache

    quiet = {"PATH": os.defpath, "HOME": environ.get("HOME", "/"), "MISE_NO_CONFIG": "1"}
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, env=quiet,
                              timeout=30, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CannotTellError(f"cannot run {binary} --version: {exc}") from None
    words = done.stdout.split()
    return words[0] if done.returncode == 0 and words else done.stdout.strip()


def _check_variables(environ: Mapping[str, str]) -> None:
    for name in [*names_starting(environ, "MISE_"), *names_starting(environ, "__MISE_")]:
        if name not in _MODELLED_VARIABLES:
            raise CannotTellError(f"{name} is set")


def _check_no_rc_files(here: str, folders: _Folders) -> None:
    """``.miserc.toml`` files set mise's early settings (environments, ceilings, file names)."""
    candidates = [os.path.join(folder, name) for folder in ancestors(here) for name in _RC_FILES]
    candidates += [os.path.join(folders.config, "miserc.toml"), "/etc/mise/miserc.toml"]
    for candidate in candidates:
        if os.path.lexists(candidate):
            raise CannotTellError(f"{candidate} sets mise's early settings")


def _configs(here: str, folders: _Folders) -> list[_Config]:
    """The configuration files, the one that wins first, each read once."""
    paths = []
    for folder in ancestors(here):
        found = [os.path.join(folder, name) for name in _FOLDER_CONFIGS
                 if os.path.lexists(os.path.join(folder, name))]
        _refuse_conf_d(folder, _FOLDER_CONF_D)
        if len(found) > 1:
            raise CannotTellError(f"{folder} holds several mise configuration files "
                                  f"({', '.join(os.path.relpath(p, folder) for p in found)})")
        paths += found
    for folder in (folders.config, "/etc/mise"):
        _refuse_conf_d(folder, ("conf.d",))
        paths += [os.path.join(folder, name) for name in _GLOBAL_CONFIGS
                  if os.path.lexists(os.path.join(folder, name))]
    default_global = folders.default_config + "/"
    if folders.config != folders.default_config \
            and any(path.startswith(default_global) for path in paths):
        raise CannotTellError(f"MISE_CONFIG_DIR moves the global folder from "
                              f"{folders.default_config}, whose files mise then ignores")
    seen: set[str] = set()
    configs = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            configs.append(_read_config(path))
    return configs


def _refuse_conf_d(folder: str, names: tuple[str, ...]) -> None:
    for name in names:
        if os.path.lexists(os.path.join(folder, name)):
            raise CannotTellError(f"{os.path.join(folder, name)} is a conf.d folder")


def _read_config(path: str) -> _Config:
    try:
        with open(path, "rb") as handle:
            data = handle.read(1 << 20)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CannotTellError(f"cannot read {path}: {exc}") from None
    if any(mark in text for mark in _TEMPLATE_MARKS):
        raise CannotTellError(f"{path} holds template syntax")
    if os.path.basename(path) == ".tool-versions":
        return _Config(path, _tool_versions(path, text))
    return _Config(path, _mise_toml(path, text))


def _tool_versions(path: str, text: str) -> list[tuple[str, list[str]]]:
    """``tool version…`` per line; blank lines and ``#`` lines skipped."""
    tools: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if "#" in line:
            raise CannotTellError(f"{path} has a comment after a tool")
        _add_tool(path, tools, words[0], words[1:])
    return tools


def _mise_toml(path: str, text: str) -> list[tuple[str, list[str]]]:
    document = plain_tools_table(text)
    if document is None:  # anything but the plain shape: the real parser
        from uvshim.errors import UndecidableError  # noqa: PLC0415
        from uvshim.uv.settings import parse_toml  # noqa: PLC0415

        try:
            document = parse_toml(path, text)
        except UndecidableError:
            raise CannotTellError(f"{path} is not valid TOML") from None
    extra = sorted(set(document) - _SAFE_TOP_LEVEL)
    if extra:
        raise CannotTellError(f"{path} sets {', '.join(extra)}")
    table = document.get("tools", {})
    if not isinstance(table, dict):
        raise CannotTellError(f"{path}: tools is not a table")
    tools: list[tuple[str, list[str]]] = []
    for name, value in table.items():
        # Each string is one request as written; one that is not exactly X.Y.Z is probed.
        if isinstance(value, str):
            versions = [value]
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            versions = list(value)
        else:
            raise CannotTellError(f"{path}: tools.{name} is not a version string")
        _add_tool(path, tools, name, versions)
    return tools


def plain_tools_table(text: str) -> dict[str, object] | None:
    """The document ``mise use`` writes (``[tools]``, then ``name = "version"`` lines, blank
    lines and comments), read without importing ``tomllib`` (and with it ``re`` and ``typing``,
    dear imports: ``python -X importtime -c 'import tomllib'``); None for anything else.
    Where it answers, ``tomllib`` answers the same (``tests/property/test_mise_toml.py``)."""
    tools: dict[str, object] = {}
    header = False
    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        # "\r\n" ends a line; a "\r" anywhere else (the last line has no "\n") is an error.
        line = (raw.removesuffix("\r") if number < len(lines) else raw).strip(" \t")
        if not line or line.startswith("#"):
            continue
        if line == "[tools]" and not header:
            header = True
            continue
        key, equals, value = line.partition("=")
        key, value = key.strip(" \t"), value.strip(" \t")
        if not (header and equals and key and _BARE_KEY.issuperset(key) and key not in tools
                and len(value) >= 2 and value[0] == value[-1] == '"'
                and not _NOT_PLAIN.intersection(value[1:-1])):
            return None
        tools[key] = value[1:-1]
    return {"tools": tools} if header else None


def _add_tool(path: str, tools: list[tuple[str, list[str]]], name: str,
              versions: list[str]) -> None:
    if name != "python" and name.rpartition(":")[2].partition("@")[0] == "python":
        raise CannotTellError(f"{path} names python as {name}")
    if any(known == name for known, _ in tools):
        raise CannotTellError(f"{path} names {name} twice")
    tools.append((name, versions))


def _check_state(configs: list[_Config], folders: _Folders) -> None:
    for config in configs:
        if os.path.basename(config.path) == ".tool-versions":
            continue
        for folder in {os.path.dirname(config.path), _config_root(config.path)}:
            for name in _LOCKFILES:
                if os.path.lexists(os.path.join(folder, name)):
                    raise CannotTellError(f"{os.path.join(folder, name)} is a mise lockfile")
    ignored = os.path.join(folders.state, "ignored-configs")
    if os.path.lexists(ignored) and (not os.path.isdir(ignored) or os.listdir(ignored)):
        raise CannotTellError(f"{ignored} lists configuration files mise skips")
    plugin = os.path.join(folders.data, "plugins", "python")
    if os.path.lexists(plugin):
        raise CannotTellError(f"{plugin} is a python plugin, whose rules are its own")


def _config_root(path: str) -> str:
    """The project folder of a nested configuration (``.config/mise/config.toml`` …)."""
    folder = os.path.dirname(path)
    for nested in ("/.config/mise", "/.config", "/.mise", "/mise"):
        if folder.endswith(nested):
            return folder[: -len(nested)] or "/"
    return folder


def _python_request(configs: list[_Config], environ: Mapping[str, str]
                    ) -> tuple[list[str], str]:
    value = environ.get("MISE_PYTHON_VERSION")
    if value is not None:
        return value.split(), f"MISE_PYTHON_VERSION={value}"
    for config in configs:
        if not config.tools:
            continue
        name, versions = config.tools[0]
        if name != "python":
            raise CannotTellError(f"{config.path} names {name} before python, and mise "
                                  f"looks for the command in {name} first")
        return versions, config.path
    raise CannotTellError("no mise configuration names python (mise falls back to PATH)")


def _is_exact(version: str) -> bool:
    parts = version.split(".")
    return len(parts) == 3 and all(part.isascii() and part.isdigit() for part in parts)


def _installed_command(folders: _Folders, version: str, program: str) -> str:
    install = os.path.join(folders.data, "installs", "python", version)
    if not os.path.isdir(install):
        raise CannotTellError(f"python {version} is not installed in {install} (mise would "
                              "install it or fall back to PATH)")
    if os.path.islink(install) and os.readlink(install).startswith("./"):
        raise CannotTellError(f"{install} is one of mise's version aliases")
    for marker in (os.path.join(install, "incomplete"),
                   os.path.join(folders.cache, "python", version, "incomplete")):
        if os.path.lexists(marker):
            raise CannotTellError(f"{marker}: the install is incomplete")
    command = os.path.join(install, "bin", program)
    try:
        mode = os.stat(command).st_mode
    except OSError:
        raise CannotTellError(f"python {version} has no {program} ({command})") from None
    if not os.path.isfile(command) or not mode & 0o111 or not os.access(command, os.X_OK):
        raise CannotTellError(f"{command} is not an executable file")
    return command


__all__ = ["MISE_NEWEST", "MISE_OLDEST", "resolve_mise"]
