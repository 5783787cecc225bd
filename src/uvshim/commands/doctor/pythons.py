"""The managed Pythons (``uv python dir``): which build each one is, and which build the
running uv would install for the same key (``uv.downloads``).

An installation's build is its ``BUILD`` file (uv 0.8.14+). Without one, ``sys.version``'s build
string is shown, but it is a compile date, not a python-build-standalone release, so it is
never compared with uv's list: the installation is reported as one uvshim cannot tell about.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from uvshim.builds import managed_build
from uvshim.commands.doctor.checks import Finding
from uvshim.discovery.identity_cache import identify
from uvshim.errors import InterpreterError
from uvshim.uv.downloads import DownloadList, ask_downloads

NEWER_BUILD = "newer-build-available"
# Statuses of ``ManagedPython.status``.
CURRENT = "current"  # the build uv would install
AHEAD = "newer-than-uv"  # a later build than the running uv knows (installed by a newer uv)
CANNOT_TELL = "cannot-tell"
LINK = "minor-version-link"  # cpython-3.12-linux-x86_64-gnu -> the patch folder
_EXECUTABLE = re.compile(r"^python\d+\.\d+t?$")


@dataclass(frozen=True)
class ManagedPython:
    name: str  # the folder's name, which is uv's key for it
    folder: str
    build: str | None  # BUILD's text
    link_to: str | None
    executable: str | None = None
    installed_build: str | None = None  # BUILD, else sys.version's build string
    installed_build_from: str | None = None  # "BUILD" or "sys.version"
    uv_build: str | None = None  # what the running uv would install for this key
    newer_patch: str | None = None  # the newest patch release of the minor, when newer
    status: str = CANNOT_TELL
    reason: str = ""
    command: list[str] = field(default_factory=list)  # the fix, for NEWER_BUILD

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "folder": self.folder, "build": self.build,
                "link_to": self.link_to, "key": None if self.link_to else self.name,
                "executable": self.executable, "installed_build": self.installed_build,
                "installed_build_from": self.installed_build_from, "uv_build": self.uv_build,
                "newer_patch": self.newer_patch, "status": self.status, "reason": self.reason,
                "command": list(self.command) or None}

    def finding(self) -> Finding | None:
        if self.status != NEWER_BUILD:
            return None
        return Finding("managed-python", NEWER_BUILD, self.folder, self.name, self.executable,
                       self.reason)


def managed_pythons(python_dir: str, uv: str | None, uv_version: str,
                    environ: Mapping[str, str], state: str) -> list[ManagedPython]:
    """Each installation folder and minor-version link under ``python_dir``; with ``uv``,
    each installation compared with that uv's download list (asked once, only when there is
    an installation)."""
    try:
        names = sorted(os.listdir(python_dir))
    except OSError:
        return []
    found: list[ManagedPython] = []
    listing: DownloadList | None = None
    for name in names:
        path = os.path.join(python_dir, name)
        if name.startswith(".") or not os.path.isdir(path):
            continue
        _, build = managed_build(path)
        if os.path.islink(path):
            found.append(ManagedPython(name, path, build, os.readlink(path), status=LINK,
                                       reason="a link to the newest patch folder"))
            continue
        if uv is None:
            found.append(ManagedPython(name, path, build, None, reason="not compared"))
            continue
        if listing is None:
            listing = ask_downloads(uv, uv_version, environ)
        found.append(compare(ManagedPython(name, path, build, None), listing, uv_version,
                             lambda executable: _sys_version_build(executable, state)))
    return found


def compare(installed: ManagedPython, listing: DownloadList, uv_version: str,
            sys_build: Callable[[str], str | None]) -> ManagedPython:
    """``installed`` (name, folder, BUILD) judged against uv's download list."""
    name, build = installed.name, installed.build
    executable = find_executable(installed.folder)
    shown, source = (build, "BUILD") if build else \
        (sys_build(executable) if executable else None, "sys.version")
    uv_build, problem = _uv_build(name, listing, uv_version)
    status, reason = (CANNOT_TELL, problem) if problem else \
        _judge(name, build, shown, uv_build or "", uv_version)
    newer = listing.newest_patch(name)
    patch = newer.version if newer else None
    if patch:
        reason += f"; a newer patch release is available: {patch} " \
                  f"(`uv python install {patch}`)"
    command = ["uv", "python", "install", "--reinstall", name] if status == NEWER_BUILD else []
    return ManagedPython(name, installed.folder, build, None, executable, shown,
                         source if shown else None, uv_build, patch, status, reason, command)


def _uv_build(name: str, listing: DownloadList, uv_version: str) -> tuple[str | None, str | None]:
    """(the build uv would install for ``name``, or why that cannot be told)."""
    if listing.problem is not None:
        return None, listing.problem
    download = listing.downloads.get(name)
    if download is None:
        return None, f"uv {uv_version}'s download list has no {name}; cannot tell"
    if download.build is None:
        return None, (f"uv {uv_version} would install {download.url}, which names no "
                      f"python-build-standalone release; cannot tell")
    return download.build, None


def _judge(name: str, build: str | None, shown: str | None, uv_build: str,
           uv_version: str) -> tuple[str, str]:
    if build is None:
        said = f" (sys.version says {shown!r})" if shown else ""
        return CANNOT_TELL, (f"no BUILD file{said}, uv writes one from 0.8.14; uv "
                             f"{uv_version} would install build {uv_build}; cannot tell "
                             f"which build is installed")
    if build == uv_build:
        return CURRENT, f"build {build}, the one uv {uv_version} would install"
    if build > uv_build:
        return AHEAD, f"build {build}, newer than the {uv_build} uv {uv_version} would install"
    return NEWER_BUILD, (f"build {build}; uv {uv_version} would install build {uv_build} "
                         f"(`uv python install --reinstall {name}`)")


def find_executable(folder: str) -> str | None:
    """``<key>/bin/python3.12`` or ``<key>/install/bin/python3.12`` (uv-python's managed.rs)."""
    for bindir in (os.path.join(folder, "install", "bin"), os.path.join(folder, "bin")):
        try:
            names = sorted(os.listdir(bindir))
        except OSError:
            continue
        for name in names:
            if _EXECUTABLE.match(name):
                return os.path.join(bindir, name)
    return None


def _sys_version_build(executable: str, state: str) -> str | None:
    try:
        return identify(executable, state).build
    except InterpreterError:
        return None
