"""The name of a managed Python installation's folder, uv's ``PythonInstallationKey``
(``crates/uv-python/src/managed.rs``): read by the model of uv (its download list) and by the
model of uv-python (the installations), so it sits below both."""

from __future__ import annotations

_KEY_PARTS = ("impl", "version", "os", "arch", "libc")


def parse_key(name: str) -> dict[str, str] | None:
    """``{implementation}-{version}[+variant]-{os}-{arch}-{libc}`` (``PythonInstallationKey``):
    five non-empty dash-free parts, implementation and os in lower-case letters."""
    parts = name.split("-")
    if len(parts) != len(_KEY_PARTS) or not all(parts):
        return None
    key = dict(zip(_KEY_PARTS, parts))
    if not all("a" <= char <= "z" for char in key["impl"] + key["os"]):
        return None
    return key
