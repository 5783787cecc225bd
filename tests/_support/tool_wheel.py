"""A tiny tool wheel the tests write themselves, served with ``--find-links … --offline``.

``build_tool_wheel`` is the one the shim's own release check writes (its command prints the
interpreter it runs on, so a test sees which environment uv used).
"""

from __future__ import annotations

from pathlib import Path

from uvshim.contract.wheel import TOOL, VERSION, build_tool_wheel, dist_info_files, write_wheel

__all__ = ["TOOL", "VERSION", "build_native_tool_wheel", "build_tool_wheel"]


def build_native_tool_wheel(folder: Path, name: str = "nativecheck", version: str = VERSION,
                            binary: Path = Path("/bin/true")) -> Path:
    """A wheel whose only command is a native executable (as ruff's is), shipped in its
    ``.data/scripts``: it runs without the environment's Python."""
    files = {
        f"{name.replace('-', '_')}-{version}.data/scripts/{name}": binary.read_bytes(),
        **dist_info_files(name, version),
    }
    return write_wheel(folder, name, version, files, mode=0o755)
