"""An installed distribution in a fake environment, as uv leaves it: a ``*.dist-info`` folder
with a METADATA file (name and requirements)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def add_distribution(root: Path, name: str, requires: Sequence[str] = (),
                     python: str = "3.12") -> None:
    site = root / "lib" / f"python{python}" / "site-packages"
    dist_info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (dist_info / "METADATA").write_text("\n".join(lines) + "\n\nA description: Name: not-this\n")
