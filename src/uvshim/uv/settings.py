"""The few uv settings from configuration files that change what uvx caches where.

For ``uv tool`` commands uv reads ``--config-file`` alone, or else the user's ``uv.toml``
combined with the system's (the user's wins), and never a project's: "For commands that
operate at the user-level, ignore local configuration" (``crates/uv/src/lib.rs`` from 0.5.0
to 0.12.5). ``--no-config`` / ``UV_NO_CONFIG`` turn the files off.
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError
from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_KEYS = ("cache-dir", "python-preference")


class UvConfig(Record):
    cache_dir: str | None = None
    python_preference: str | None = None


def user_config_dir(environ: Mapping[str, str]) -> str:
    """``$XDG_CONFIG_HOME`` when absolute, else ``$HOME/.config`` (uv's ``etcetera`` rule),
    where uv reads ``uv.toml`` and, from 0.10.0, the global ``.python-version``. Without
    HOME the folder uv would use is not known here: ``UndecidableError``."""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return xdg
    home = environ.get("HOME")
    if not home:
        raise UndecidableError("HOME is not set, so uv's user configuration folder is unknown")
    return os.path.join(home, ".config")


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


def load_uv_config(config_file: str | None, no_config: bool,
                   environ: Mapping[str, str]) -> UvConfig:
    """The settings uv would apply to ``uvx``; ``UndecidableError`` if a file cannot be read."""
    config_file = config_file or environ.get("UV_CONFIG_FILE") or None
    if config_file:
        return _settings_of(config_file)
    if no_config or is_true(environ.get("UV_NO_CONFIG")):
        return UvConfig()
    user = _settings_of(os.path.join(user_config_dir(environ), "uv", "uv.toml"))
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
    data = _parse_toml(path, text)
    return UvConfig(cache_dir=_text_setting(data, "cache-dir", path),
                    python_preference=_text_setting(data, "python-preference", path))


def _text_setting(data: dict[str, object], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise UndecidableError(f"{key} in {path} is not a string")


def _parse_toml(path: str, text: str) -> dict[str, object]:
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
