"""Where uv works and what it reads: its working folder, home, configuration and cache folder.

For ``uv tool`` commands uv reads ``--config-file`` alone, or else the user's ``uv.toml``
combined with the system's (the user's wins), and never a project's: "For commands that
operate at the user-level, ignore local configuration" (``crates/uv/src/lib.rs`` from 0.5.0
to 0.12.5). ``--no-config`` / ``UV_NO_CONFIG`` turn the files off.

Every relative path uv reads (a cache folder, a relative HOME, ``--config-file``, a ``--python``
path) is relative to its working folder, which ``--directory`` changes before anything is read
(``working_folder``; checked with real uv 0.5.0, 0.8.24 and 0.13.9).
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.record import Record
from uvshim.uv.releases import (
    EMPTY_HOME_IS_UNSET,
    WORKING_DIR_VARIABLE,
    WORKING_DIRECTORY_VARIABLE,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version

_KEYS = ("cache-dir", "python-preference")


class UvConfig(Record):
    cache_dir: str | None = None
    python_preference: str | None = None


def working_folder(inv: UvInvocation, environ: Mapping[str, str], cwd: str,
                   uv_version: Version) -> str:
    """The folder uv works in: ``--directory`` (or its variable, ``UV_WORKING_DIRECTORY`` in
    0.9.2-0.9.13, ``UV_WORKING_DIR`` from 0.9.14), into which uv changes before it reads any
    setting, else ``cwd``. Resolved as the kernel resolves a ``chdir``: links and all."""
    chosen = given_working_folder(inv, environ, uv_version)
    return os.path.realpath(os.path.join(cwd, chosen)) if chosen else cwd


def given_working_folder(inv: UvInvocation, environ: Mapping[str, str],
                         uv_version: Version) -> str | None:
    """``--directory`` or its variable, as given; None when neither is."""
    variable = _working_variable(uv_version)
    return inv.directory or (environ.get(variable) if variable else None) or None


def _working_variable(uv_version: Version) -> str:
    if uv_version >= WORKING_DIR_VARIABLE:
        return "UV_WORKING_DIR"
    return "UV_WORKING_DIRECTORY" if uv_version >= WORKING_DIRECTORY_VARIABLE else ""


def home_folder(environ: Mapping[str, str], uv_version: Version | None = None) -> str | None:
    """The home folder uv uses (Rust's ``home_dir``): ``HOME`` as it is, even relative; when it
    is unset, the user's entry in the password database, and from 0.8.19 also when it is empty
    (0.8.18 and older take an empty HOME as the working folder: ``.cache/uv``). None when there
    is no such entry either. Checked with real uv 0.5.0-0.8.18, 0.8.19-0.13.9 and ``env -i``."""
    home = environ.get("HOME")
    if home or (home == "" and uv_version is not None and uv_version < EMPTY_HOME_IS_UNSET):
        return home
    return _password_home()


def _password_home() -> str | None:
    import pwd  # noqa: PLC0415  -- only without HOME

    # A stat the trace records, so a memo notices the file changing (with files-based NSS).
    os.path.exists("/etc/passwd")
    try:
        return pwd.getpwuid(os.getuid()).pw_dir or None
    except KeyError:
        return None


def user_config_dir(environ: Mapping[str, str], uv_version: Version | None = None,
                    cwd: str = "") -> str | None:
    """``$XDG_CONFIG_HOME`` when absolute, else ``<home>/.config`` (uv's ``etcetera`` rule),
    where uv reads ``uv.toml`` and, from 0.10.0, the global ``.python-version``; None when uv
    has no home folder (then it reads neither)."""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return xdg
    home = home_folder(environ, uv_version)
    return None if home is None else os.path.join(cwd, home, ".config")


def uv_cache_dir(flag: str | None, no_cache: bool, config_cache_dir: str | None,
                 environ: Mapping[str, str], cwd: str, *, uv_version: Version | None = None
                 ) -> str | None:
    """The cache folder uv will use, or None for a throw-away one (``--no-cache``).

    Order from ``crates/uv-cache/src/cli.rs`` (0.5.0-0.12.5; same results from ``uv cache
    dir`` on 0.5.0, 0.6.4 and 0.13.9): ``--no-cache``/``UV_NO_CACHE``, ``--cache-dir``,
    ``UV_CACHE_DIR``, ``cache-dir`` in uv.toml, ``$XDG_CACHE_HOME/uv`` when absolute,
    ``<home>/.cache/uv``, then ``.uv_cache`` in the working directory. A ``~`` is not expanded:
    it names a folder ``~`` (0.5.0, 0.8.24, 0.13.9).
    """
    if no_cache or is_true(environ.get("UV_NO_CACHE")):
        return None
    chosen = flag or environ.get("UV_CACHE_DIR") or config_cache_dir
    if chosen:
        return os.path.join(cwd, chosen)
    xdg = environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "uv")
    home = home_folder(environ, uv_version)
    if home is not None:
        return os.path.join(cwd, home, ".cache", "uv")
    return os.path.join(cwd, ".uv_cache")


def system_config_file(environ: Mapping[str, str]) -> str | None:
    if is_true(environ.get("UV_NO_SYSTEM_CONFIG")):
        return None
    dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    for folder in dirs.split(":"):
        if not folder:
            break
        candidate = os.path.join(folder, "uv", "uv.toml")
        if os.path.isfile(candidate):
            return candidate
    legacy = "/etc/uv/uv.toml"
    return legacy if os.path.isfile(legacy) else None


def load_uv_config(config_file: str | None, no_config: bool, environ: Mapping[str, str],
                   uv_version: Version | None = None, cwd: str = "") -> UvConfig:
    """The settings uv would apply to ``uvx``; ``UndecidableError`` if a file cannot be read."""
    config_file = config_file or environ.get("UV_CONFIG_FILE") or None
    if config_file:
        return _settings_of(os.path.join(cwd, config_file))
    if no_config or is_true(environ.get("UV_NO_CONFIG")):
        return UvConfig()
    folder = user_config_dir(environ, uv_version, cwd)
    user = _settings_of(os.path.join(folder, "uv", "uv.toml")) if folder else UvConfig()
    system_file = system_config_file(environ)
    system = _settings_of(system_file) if system_file else UvConfig()
    return UvConfig(cache_dir=user.cache_dir or system.cache_dir,
                    python_preference=user.python_preference or system.python_preference)


def _settings_of(path: str) -> UvConfig:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return UvConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read uv configuration {path}: {exc}") from None
    if not any(key in text for key in _KEYS):
        return UvConfig()  # the common case costs no TOML import
    try:
        data = parse_toml(path, text)
    except UndecidableError as exc:
        # uv stops on it too ("Failed to parse", 0.5.0-0.13.9), before it reads its cache.
        raise UvRefusesError(str(exc)) from None
    return UvConfig(cache_dir=_text_setting(data, "cache-dir", path),
                    python_preference=_text_setting(data, "python-preference", path))


def _text_setting(data: dict[str, object], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise UvRefusesError(f"{key} in {path} is not a string")  # uv: "Failed to parse"


def parse_toml(path: str, text: str) -> dict[str, object]:
    """``text``, the contents of ``path``, as TOML; ``UndecidableError`` when it is not."""
    import sys  # noqa: PLC0415

    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:
        import tomli as tomllib  # noqa: PLC0415
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UndecidableError(f"uv configuration {path} is not valid TOML: {exc}") from None


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})


def is_true(value: str | None) -> bool:
    """clap's boolish parsing, as uv reads ``UV_NO_CONFIG`` and friends."""
    return value is not None and value.strip().lower() in _TRUE
