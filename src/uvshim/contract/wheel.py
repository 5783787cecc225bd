"""A tiny tool wheel uvshim writes itself, so a check can run ``uvx`` offline (``--find-links``).

Its command prints the interpreter it runs on (``TOOL X.Y sys.executable``), so the check sees
which environment uv used.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

TOOL = "shimcheck"
VERSION = "1.0"

_MODULE = '''\
import sys


def main():
    print("shimcheck {}.{} {}".format(sys.version_info[0], sys.version_info[1], sys.executable))
'''


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def dist_info_files(name: str, version: str, requires: Sequence[str] = ()) -> dict[str, bytes]:
    """METADATA (a ``Requires-Dist`` line for each of ``requires``, markers and all) and WHEEL."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return {
        f"{info}/METADATA": ("\n".join(lines) + "\n").encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: uvshim\n"
                         b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }


def write_wheel(folder: Path, name: str, version: str, files: dict[str, bytes],
                mode: int = 0o644) -> Path:
    """``name-version-py3-none-any.whl`` in ``folder`` holding ``files`` (with the given
    mode) and its RECORD; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    wheel = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in [*files.items(), (f"{info}/RECORD", ("\n".join(record) + "\n").encode())]:
            entry = zipfile.ZipInfo(path)
            entry.external_attr = mode << 16
            archive.writestr(entry, data)
    return wheel


def build_tool_wheel(folder: Path, name: str = TOOL, version: str = VERSION,
                     requires: Sequence[str] = ()) -> Path:
    """Write ``name-version-py3-none-any.whl`` into ``folder`` and return its path; its
    METADATA requires ``requires``."""
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": _MODULE.replace("shimcheck", name).encode(),
        **dist_info_files(name, version, requires),
        f"{info}/entry_points.txt": f"[console_scripts]\n{name} = {module}:main\n".encode(),
    }
    return write_wheel(folder, name, version, files)
