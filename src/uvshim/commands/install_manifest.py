"""What ``uvshim install`` wrote into a folder: ``<folder>/.uvshim/manifest.json``.

The manifest lives beside the launchers (not in uvshim's cache folder, which may be wiped or,
in an image, be a mount), so ``uninstall`` removes exactly what it lists and nothing else. A
file that install displaced is kept in ``<folder>/.uvshim/replaced/`` until ``uninstall``
puts it back.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from uvshim.errors import UvshimError

STATE_FOLDER = ".uvshim"
MANIFEST_FORMAT = 1


@dataclass
class Manifest:
    """What one folder holds from ``uvshim install``: launcher names, set-aside originals."""

    created_folder: bool
    python: str
    real_uv: str | None = None
    files: dict[str, dict[str, bool]] = field(default_factory=dict)


def manifest_path(folder: Path) -> Path:
    return folder / STATE_FOLDER / "manifest.json"


def set_aside_folder(folder: Path) -> Path:
    """Where the files install displaced wait for ``uninstall``."""
    return folder / STATE_FOLDER / "replaced"


def read_manifest(folder: Path) -> Manifest | None:
    path = manifest_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != MANIFEST_FORMAT:
            raise UvshimError(f"{path} has format {data['format']}, not {MANIFEST_FORMAT}; "
                              "use the uvshim that wrote it")
        files = {str(k): {"set_aside": bool(v["set_aside"])} for k, v in data["files"].items()}
        return Manifest(bool(data["created_folder"]), str(data["python"]),
                        data.get("real_uv"), files)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UvshimError(f"cannot read {path} ({exc}); remove the launchers there by hand"
                          ) from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    path = manifest_path(folder)
    data = {"format": MANIFEST_FORMAT, "created_folder": manifest.created_folder,
            "python": manifest.python, "real_uv": manifest.real_uv, "files": manifest.files}
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(".manifest.json.tmp")
        temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise UvshimError(f"cannot write {path}: {exc.strerror}; choose a --dir you can write"
                          ) from None


def start_manifest(folder: Path) -> Manifest:
    """The folder's manifest, now naming this Python; a new one (and the folder) if none."""
    existing = read_manifest(folder)
    if existing is not None:
        existing.python = sys.executable
        return existing
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UvshimError(f"cannot create {folder}: {exc.strerror}; choose another --dir"
                          ) from None
    return Manifest(created_folder=created, python=sys.executable)


def remove_manifest(folder: Path, created_folder: bool) -> None:
    """Remove the manifest, then its folders and ``folder`` itself if install created it,
    each only if empty: a set-aside file that could not be put back stays."""
    manifest_path(folder).unlink()
    for empty in (set_aside_folder(folder), folder / STATE_FOLDER):
        _rmdir_if_empty(empty)
    if created_folder:
        _rmdir_if_empty(folder)


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        return
