"""A tiny tool wheel the tests write themselves, served with ``--find-links … --offline``.

Its command prints the interpreter it runs on, so a test sees which environment uv used.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Sequence
from pathlib import Path

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


def _metadata(name: str, version: str, requires: Sequence[str]) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return ("\n".join(lines) + "\n").encode()


def build_tool_wheel(folder: Path, name: str = TOOL, version: str = VERSION,
                     requires: Sequence[str] = ()) -> Path:
    """Write ``name-version-py3-none-any.whl`` into ``folder`` and return its path; its
    METADATA holds a ``Requires-Dist`` line for each of ``requires``, markers and all."""
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": _MODULE.replace("shimcheck", name).encode(),
        f"{info}/METADATA": _metadata(name, version, requires),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: uvshim-tests\n"
                         b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[console_scripts]\n{name} = {module}:main\n".encode(),
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def build_native_tool_wheel(folder: Path, name: str = "nativecheck", version: str = VERSION,
                            binary: Path = Path("/bin/true")) -> Path:
    """A wheel whose only command is a native executable (as ruff's is), shipped in its
    ``.data/scripts``: it runs without the environment's Python."""
    folder.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    files = {
        f"{module}-{version}.data/scripts/{name}": binary.read_bytes(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: uvshim-tests\n"
                         b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            info_of = zipfile.ZipInfo(path)
            info_of.external_attr = 0o755 << 16
            archive.writestr(info_of, data)
    return wheel
