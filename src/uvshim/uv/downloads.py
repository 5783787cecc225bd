"""Which build the running uv would install for each managed Python key, asked of uv itself.

uv never replaces an installed managed Python when newer builds of the same version appear
(uv#10270), so an installation can sit on an old python-build-standalone release for good.
What uv would install today is in its download list, printed by
``uv python list --only-downloads --all-versions --output-format json``: one object per key
(``cpython-3.12.1-linux-x86_64-gnu``) with the archive's ``url``. The list carries no build
field (0.6.4-0.13.9); the python-build-standalone release is in the URL, twice:
``.../releases/download/20240107/cpython-3.12.1%2B20240107-x86_64-...-install_only.tar.gz``.
What each release can say, checked with real binaries (tests/integration/test_managed_builds.py):

- 0.5.0 has neither ``--only-downloads`` nor ``--output-format`` (a usage error) and its text
  list says ``<download available>`` without a URL: it cannot tell;
- 0.5.31 and 0.6.4 print the list with URLs, always their built-in one
  (``UV_PYTHON_DOWNLOADS_JSON_URL`` is ignored);
- from 0.7.13 ``--python-downloads-json-url``/``UV_PYTHON_DOWNLOADS_JSON_URL`` replace the
  list (a file path or a URL; archives may be ``file://`` URLs), and ``uv python install``
  writes the entry's ``build`` into ``<key>/BUILD`` from 0.8.14 (#15314);
- ``UV_PYTHON_INSTALL_MIRROR`` replaces the ``.../python-build-standalone/releases/download``
  prefix of the archives from 0.5.0; the list shows the mirrored URL on 0.13.9 only.

A URL that names no release (a PyPy or GraalPy archive, a custom list) gives no build: the
report says it cannot tell rather than guess.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from uvshim.installation_key import parse_key

LIST_ARGS = ("python", "list", "--only-downloads", "--all-versions", "--output-format", "json")
LIST_TIMEOUT_S = 60
# ``cpython-3.12.1+20240107-x86_64-unknown-linux-gnu-install_only.tar.gz``
_FILE_BUILD = re.compile(r"^[a-z]+-[0-9][^+/]*\+(\d{8})-")
# ``.../releases/download/20240107/...``
_PATH_BUILD = re.compile(r"/download/(\d{8})/")


@dataclass(frozen=True)
class Download:
    """One entry of uv's download list."""

    key: str
    version: str
    url: str
    build: str | None  # the python-build-standalone release the URL names


@dataclass(frozen=True)
class DownloadList:
    """uv's download list by key, or why uv cannot give one (then ``downloads`` is empty)."""

    downloads: dict[str, Download]
    problem: str | None = None

    def newest_patch(self, key: str) -> Download | None:
        """The newest final release of the same implementation, minor, variant and platform
        as ``key``, when it is newer than ``key``'s own version."""
        series = _series(key)
        mine = _patch(key)
        if series is None or mine is None:
            return None
        same = [d for d in self.downloads.values()
                if _series(d.key) == series and _patch(d.key) is not None]
        best = max(same, key=lambda d: _patch(d.key) or -1, default=None)
        return best if best is not None and (_patch(best.key) or -1) > mine else None


def build_of(url: str) -> str | None:
    """The python-build-standalone release an archive URL names, or None."""
    path = unquote(urlsplit(url).path)
    named = _FILE_BUILD.match(path.rsplit("/", 1)[-1])
    if named:
        return named.group(1)
    folder = _PATH_BUILD.search(path)
    return folder.group(1) if folder else None


def ask_downloads(uv: str, uv_version: str, environ: Mapping[str, str]) -> DownloadList:
    """Run the running uv's own list command, with the user's settings."""
    shown = "uv " + " ".join(LIST_ARGS)
    try:
        done = subprocess.run([uv, *LIST_ARGS], capture_output=True, text=True, check=False,
                              timeout=LIST_TIMEOUT_S, env=dict(environ),
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return DownloadList({}, f"cannot run `{shown}` ({exc}); cannot tell")
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0]
        return DownloadList({}, f"uv {uv_version} cannot list its downloads (`{shown}`: "
                                f"{first.removeprefix('error: ')}); cannot tell which build "
                                f"it would install")
    return parse_downloads(done.stdout, uv_version)


def parse_downloads(text: str, uv_version: str) -> DownloadList:
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list):
        return DownloadList({}, f"uv {uv_version} printed no JSON list of downloads; "
                                f"cannot tell which build it would install")
    found: dict[str, Download] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("key"), str) \
                and isinstance(item.get("url"), str):
            url = item["url"]
            found[item["key"]] = Download(item["key"], str(item.get("version", "")), url,
                                          build_of(url))
    return DownloadList(found)


def _parts(key: str) -> list[str] | None:
    parsed = parse_key(key)
    return None if parsed is None else list(parsed.values())


def _series(key: str) -> tuple[str, ...] | None:
    parts = _parts(key)
    if parts is None:
        return None
    version, _, variant = parts[1].partition("+")
    minor = ".".join(version.split(".")[:2])
    return (parts[0], minor, variant, *parts[2:])


def _patch(key: str) -> int | None:
    """The patch number of a final release's key; None for a pre-release or a bad key."""
    parts = _parts(key)
    if parts is None:
        return None
    numbers = parts[1].partition("+")[0].split(".")
    if len(numbers) != 3 or not all(n.isdigit() for n in numbers):
        return None
    return int(numbers[2])
