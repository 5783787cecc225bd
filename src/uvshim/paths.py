"""Where uvshim keeps its own state: a cache folder, never inside the project."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def state_dir(environ: Mapping[str, str]) -> Path:
    """``UVSHIM_CACHE_DIR``, else the per-user cache folder (``~/.cache/uvshim`` on Linux)."""
    override = environ.get("UVSHIM_CACHE_DIR")
    if override:
        return Path(override)
    # On the hot path platformdirs is only needed off Linux; the XDG rule below is what it
    # would compute there, without the import.
    if os.name == "posix" and not _is_macos():
        xdg = environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
        return base / "uvshim"
    import platformdirs  # noqa: PLC0415  -- only needed where the rule above does not hold

    return Path(platformdirs.user_cache_dir("uvshim", appauthor=False))


def _is_macos() -> bool:
    import sys  # noqa: PLC0415

    return sys.platform == "darwin"
