"""What a version manager's model answers for a shim, and the readers both models share."""

from __future__ import annotations

import os

from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class CannotTellError(Exception):
    """The shim's target is not modelled: probe it."""


class Resolution(Record):
    target: str | None  # the interpreter the shim execs, or None: probe the shim itself
    how: str  # for ``uvshim explain``: which manager, and what chose the version


def read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError:
        return b""


def mise_binary(path: str) -> str | None:
    """The ``mise`` binary ``path`` links to (what ``mise reshim`` makes), else None."""
    try:
        os.readlink(path)
    except OSError:
        return None
    binary = os.path.realpath(path)
    return binary if os.path.basename(binary) == "mise" else None


def is_plain_absolute(path: str) -> bool:
    parts = path.split("/")
    return path == "/" or (path.startswith("/") and all(
        part not in ("", ".", "..") for part in parts[1:]))


def sorted_listing(folder: str) -> list[str]:
    """The entries of ``folder`` not starting with ".", sorted; [] when it does not exist."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise CannotTellError(f"cannot list {folder}: {exc.strerror}") from None
    return [os.path.join(folder, name) for name in sorted(names) if not name.startswith(".")]


def ancestors(folder: str) -> list[str]:
    """``folder`` (absolute, without "." or "..") and each parent up to ``/``."""
    found = [folder]
    while folder != "/":
        folder = folder.rpartition("/")[0] or "/"
        found.append(folder)
    return found


def names_starting(environ: Mapping[str, str], prefix: str) -> list[str]:
    """The variables whose names start with ``prefix``, sorted. A recording environment
    records the list itself (``trace.RecordingEnviron.names_starting``), so that the memo
    is voided when one such variable appears or goes."""
    lister = getattr(environ, "names_starting", None)
    if lister is not None:
        return list(lister(prefix))
    return sorted(name for name in environ if name.startswith(prefix))
