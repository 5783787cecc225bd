"""The real uv: where it is, and which version it is."""

from __future__ import annotations

import os
import stat

from uvshim.errors import UndecidableError, UvNotFoundError
from uvshim.program_versions import program_version
from uvshim.versions import InvalidVersionError, Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

LAUNCHER_MARKER = b"uvshim-launcher"


def find_real_uv(environ: Mapping[str, str]) -> str:
    """``UVSHIM_REAL_UV``, else the first ``uv`` on PATH that is not one of our launchers.

    Relative PATH entries (including the empty one, which means the current directory) are
    never searched: a uv planted in a project folder must not run. A ``uv`` in the current
    directory or in a folder others can write to (or a ``uv`` others can write to) is taken
    only when no trusted one exists further on: it is what a shell would run, but anyone who
    can write there chooses the program every tool run goes through.
    """
    override = environ.get("UVSHIM_REAL_UV")
    if override:
        problem = _unusable(override)
        if problem:
            raise UvNotFoundError(f"UVSHIM_REAL_UV={override} {problem}")
        return override
    untrusted: str | None = None
    for folder in environ.get("PATH", os.defpath).split(os.pathsep):
        if not os.path.isabs(folder):
            continue
        candidate = os.path.join(folder, "uv")
        if _unusable(candidate) is None:
            if _trusted(folder, candidate):
                return candidate
            untrusted = untrusted or candidate
    if untrusted is not None:
        return untrusted
    raise UvNotFoundError(
        "no real uv found on PATH (uvshim's own launchers are skipped); "
        "install uv or set UVSHIM_REAL_UV to its path"
    )


def _unusable(path: str) -> str | None:
    """Why ``path`` cannot be the real uv, or None when it can."""
    try:
        st = os.stat(path)
    except OSError:
        return "does not exist"
    if not stat.S_ISREG(st.st_mode) or not os.access(path, os.X_OK):
        return "is not an executable file"
    if is_launcher(path):
        return "is a uvshim launcher, not the real uv (it would run itself)"
    return None


def _trusted(folder: str, candidate: str) -> bool:
    """Neither the folder nor the file is writable by others, and the folder is not cwd."""
    try:
        folder_st, file_st = os.stat(folder), os.stat(candidate)
    except OSError:
        return False
    if (folder_st.st_mode | file_st.st_mode) & stat.S_IWOTH:
        return False
    try:
        cwd_st = os.stat(".")
    except OSError:
        return True  # no current directory (deleted): it cannot be this folder
    return (folder_st.st_dev, folder_st.st_ino) != (cwd_st.st_dev, cwd_st.st_ino)


def is_launcher(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and LAUNCHER_MARKER in head


def uv_version(uv: str, state: str | os.PathLike[str]) -> Version:
    """The version of the uv at ``uv``, cached by the binary's stat (no process when warm)."""
    real = os.path.realpath(uv)
    try:
        return program_version(real, state, STATE_FOLDER, _KIND, lambda: str(_ask_version(uv)))
    except OSError as exc:
        raise UvNotFoundError(f"cannot stat uv at {uv}: {exc.strerror}") from None


_KIND = "uvshim-uv-version-v2"
STATE_FOLDER = "uv-v2"


def _ask_version(uv: str) -> Version:
    import subprocess  # noqa: PLC0415  -- only when the binary is new to the cache

    try:
        done = subprocess.run([uv, "--version"], capture_output=True, text=True, timeout=30,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UvNotFoundError(f"cannot run {uv} --version: {exc}") from None
    words = done.stdout.split()
    try:
        if done.returncode == 0 and len(words) >= 2 and words[0] == "uv":
            return Version(words[1])
    except InvalidVersionError:
        pass
    printed = done.stdout.strip()[:60]
    raise UndecidableError(f"{uv} --version printed {printed!r}, not a uv release this shim knows")
