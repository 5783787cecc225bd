"""Where uvshim keeps its own state: a cache folder, never inside the project."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def state_dir(environ: Mapping[str, str]) -> str:
    """``UVSHIM_CACHE_DIR``, else the per-user cache folder (``~/.cache/uvshim`` on Linux)."""
    override = environ.get("UVSHIM_CACHE_DIR")
    if override:
        return override
    # On the hot path platformdirs is only needed off Linux; this is what it computes there
    # (XDG_CACHE_HOME when absolute, else ~/.cache), without the import. Nor is ``os`` needed
    # (the fast path does without it) unless HOME is unset.
    if "posix" in sys.builtin_module_names and sys.platform != "darwin":
        xdg = environ.get("XDG_CACHE_HOME", "")
        if xdg.startswith("/"):
            return _join(xdg, "uvshim")
        return _join(_join(environ.get("HOME") or _home_of_user(), ".cache"), "uvshim")
    import platformdirs  # noqa: PLC0415  -- only needed where the rule above does not hold

    return platformdirs.user_cache_dir("uvshim", appauthor=False)


def _join(folder: str, name: str) -> str:
    """``os.path.join`` for a relative ``name`` without a slash, on POSIX."""
    return f"{folder}{name}" if folder.endswith("/") else f"{folder}/{name}"


def _home_of_user() -> str:
    import os  # noqa: PLC0415

    return os.path.expanduser("~")
