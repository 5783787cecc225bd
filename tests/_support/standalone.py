"""python-build-standalone style downloads made from a pyenv interpreter, for real uv to install.

uv installs a managed Python from an ``install_only`` archive (a top folder ``python/`` holding
``bin/python3.12``, ``lib/python3.12/...``) named by its download list, which
``UV_PYTHON_DOWNLOADS_JSON_URL`` replaces from 0.7.13 with a file of the same shape as uv's
``download-metadata.json``: one object per key with ``url``, ``sha256`` and, read from 0.8.14 to
write ``<key>/BUILD``, ``build``. Archives are served as ``file://`` URLs, which uv accepts, so
no network and no server are needed.

The archive is a pyenv 3.12.1 without its tests and site-packages (about 25 MiB); pyenv builds
link ``libpython`` by an absolute rpath, which still points at the pyenv installation.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from _support.interpreters import installed_python

KEY = "cpython-3.12.1-linux-x86_64-gnu"
_SKIPPED = {"test", "site-packages", "idlelib", "tkinter", "turtledemo", "__pycache__"}


def _keep(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = member.name.split("/")
    if _SKIPPED & set(parts) or parts[-1].startswith("config-3."):
        return None
    return member


@dataclass
class Downloads:
    """A folder holding archives by build (``<build>/<file>``) and download lists naming them."""

    root: Path

    def archive(self, build: str) -> Path:
        """The ``install_only`` archive of 3.12.1 as python-build-standalone ``build``."""
        source = installed_python("3.12")
        assert source is not None
        assert source.name == "3.12.1", source
        path = self.root / build / f"cpython-3.12.1+{build}-x86_64-unknown-linux-gnu-" \
                                   "install_only.tar.gz"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with tarfile.open(path, "w:gz", compresslevel=1) as tar:
                for sub in ("bin", "include", "lib"):
                    tar.add(source / sub, arcname=f"python/{sub}", filter=_keep)
        return path

    def listing(self, build: str, *, sha256: str | None = None, missing: bool = False,
                newer_patch: str | None = None) -> Path:
        """A download list naming ``build``'s archive for KEY, with its real hash unless told
        otherwise; ``missing`` names a file that is not there; ``newer_patch`` adds a later
        3.12 release (listed only, never installed)."""
        archive = self.archive(build)
        digest = sha256 or hashlib.sha256(archive.read_bytes()).hexdigest()
        target = archive.parent / "gone" / archive.name if missing else archive
        url = target.as_uri().replace("+", "%2B")
        entries = {KEY: _entry("3.12.1", url, digest, build)}
        if newer_patch:
            later = url.replace("3.12.1%2B", f"{newer_patch}%2B")
            entries[f"cpython-{newer_patch}-linux-x86_64-gnu"] = \
                _entry(newer_patch, later, "0" * 64, build)
        suffix = "-badhash" if sha256 else "-missing" if missing else ""
        path = self.root / f"downloads-{build}{suffix}.json"
        path.write_text(json.dumps(entries, indent=1))
        return path


def _entry(version: str, url: str, sha256: str, build: str) -> dict[str, object]:
    major, minor, patch = (int(part) for part in version.split("."))
    return {"name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
            "libc": "gnu", "major": major, "minor": minor, "patch": patch, "prerelease": "",
            "url": url, "sha256": sha256, "variant": None, "build": build}
