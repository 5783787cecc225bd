"""A local project, as people try their own CLI with ``uvx --from ./my-project``: a
pyproject.toml with a ``requires-python`` and an in-tree build backend, so that uv builds it
offline (no backend to download)."""

from __future__ import annotations

from pathlib import Path

BACKEND = '''\
"""A PEP 517 backend in the project's own tree: it writes a wheel of the package folder."""
import base64, hashlib, os, zipfile

NAME, VERSION = "localtool", "1.0"


def _line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = f"{NAME}-{VERSION}.dist-info"
    files = {}
    for root, _, names in os.walk(NAME):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(root, name)
                with open(path, "rb") as handle:
                    files[path.replace(os.sep, "/")] = handle.read()
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n".encode())
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\\nGenerator: inline\\n"
                              b"Root-Is-Purelib: true\\nTag: py3-none-any\\n")
    files[f"{info}/entry_points.txt"] = f"[console_scripts]\\n{NAME} = {NAME}:main\\n".encode()
    record = [_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\\n".join(record) + "\\n").encode()
    wheel = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


def get_requires_for_build_wheel(config_settings=None):
    return []
'''

MODULE = '''\
import sys


def main():
    print("localtool {}.{} {}".format(sys.version_info[0], sys.version_info[1], sys.executable))
'''


def make_local_project(folder: Path, requires_python: str) -> Path:
    """``folder`` holding the project ``localtool`` (its command prints the Python it runs on)."""
    (folder / "localtool").mkdir(parents=True)
    (folder / "localtool" / "__init__.py").write_text(MODULE)
    (folder / "backend.py").write_text(BACKEND)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "localtool"\nversion = "1.0"\n'
        f'requires-python = "{requires_python}"\n\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    return folder
