"""Where uvshim keeps its own state: a cache folder, never inside the project."""

from __future__ import annotations

import os
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
    # (XDG_CACHE_HOME when absolute, else ~/.cache), without the import.
    if os.name == "posix" and sys.platform != "darwin":
        xdg = environ.get("XDG_CACHE_HOME", "")
        home = environ.get("HOME") or os.path.expanduser("~")
        return os.path.join(xdg if os.path.isabs(xdg) else os.path.join(home, ".cache"), "uvshim")
    import platformdirs  # noqa: PLC0415  -- only needed where the rule above does not hold

    return platformdirs.user_cache_dir("uvshim", appauthor=False)
