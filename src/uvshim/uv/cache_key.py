"""uv's interpreter bucket name: ``cache_digest`` of a path, recomputed exactly.

uv names the folder of a tool environment's interpreter ``hex(seahash(stream).to_le_bytes())``
where ``stream`` is what Rust's ``impl Hash for Path`` feeds the hasher (uv-cache-key's
``cache_digest``; SeaHasher from seahash 4.1.0). Checked against real caches of uv 0.5.0 to
0.13.9. Which path uv hashes depends on its version: see ``hashed_paths``.
"""

from __future__ import annotations

import os

from uvshim.uv.releases import (
    ENVIRONMENTS_V2,
    KEY_IS_CANONICAL_PATH,
    KEY_WITH_PREFIX,
    KEY_WITHOUT_PREFIX,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from uvshim.interpreter_identity import InterpreterIdentity
    from uvshim.versions import Version

_MASK = (1 << 64) - 1
_SEEDS = (0x16F11FE89B0D677C, 0xB480A793D8E6C86C, 0x6FE2E5AAF078EBC9, 0x14F994A4C5259381)
_PRIME = 0x6EED0E9DA4D94A4F


def _diffuse(x: int) -> int:
    x = (x * _PRIME) & _MASK
    x ^= (x >> 32) >> (x >> 60)
    return (x * _PRIME) & _MASK


def seahash(data: bytes) -> int:
    """SeaHash of ``data`` with seahash's default seeds (the reference ``hash`` function)."""
    a, b, c, d = _SEEDS
    whole = len(data) - len(data) % 8
    for start in range(0, whole, 8):  # int.from_bytes: no struct import on the hot path
        a, b, c, d = b, c, d, _diffuse(a ^ int.from_bytes(data[start:start + 8], "little"))
    tail = data[whole:]
    if tail:
        a = _diffuse(a ^ int.from_bytes(tail, "little"))
    return _diffuse(a ^ b ^ c ^ d ^ len(data))


def _rotate_right(value: int, bits: int) -> int:
    return ((value >> bits) | (value << (64 - bits))) & _MASK


def path_hash_stream(path: str) -> bytes:
    """The bytes Rust's ``Hash for Path`` writes on Unix: each component, no separators, then
    a usize mixing the component lengths (``chunk_bits``). ``.`` components after a separator
    and empty components are skipped, as std does."""
    raw = path.encode("utf-8", "surrogateescape")
    out = bytearray()
    chunk_bits = 0
    for index, component in enumerate(raw.split(b"/")):
        if not component or (component == b"." and index > 0):
            continue
        out += component
        chunk_bits = _rotate_right((chunk_bits + len(component)) & _MASK, 2)
    out += chunk_bits.to_bytes(8, "little")
    return bytes(out)


def cache_digest(paths: Sequence[str]) -> str:
    """``cache_digest`` of one path, or of a tuple of paths (hashed in order, no separator)."""
    stream = b"".join(path_hash_stream(path) for path in paths)
    return seahash(stream).to_bytes(8, "little").hex()


def environments_bucket(uv_version: Version) -> str:
    """``environments-v1`` up to 0.5.x, ``environments-v2`` from 0.6.0."""
    return "environments-v2" if uv_version >= ENVIRONMENTS_V2 else "environments-v1"


def hashed_paths(identity: InterpreterIdentity, uv_version: Version,
                 environment: str | None = None) -> list[str]:
    """The path(s) uv feeds ``cache_digest`` for the bucket of the base interpreter
    ``identity``.

    ``crates/uv/src/commands/project/environment.rs``: the discovered ``sys_executable``, or its
    canonical path, or that and the canonical prefix of the interpreter uv runs in (0.7.22:
    the virtual environment ``environment`` when ``uv run`` runs in one, else the base
    interpreter's own), by release (``releases``).
    """
    executable = identity.sys_executable
    if uv_version < KEY_IS_CANONICAL_PATH:
        return [executable]
    canonical = os.path.realpath(executable)
    if KEY_WITH_PREFIX <= uv_version < KEY_WITHOUT_PREFIX:
        return [canonical, os.path.realpath(environment or identity.prefix)]
    return [canonical]


def bucket_dir(cache_dir: str, identity: InterpreterIdentity, uv_version: Version,
               environment: str | None = None) -> str:
    digest = cache_digest(hashed_paths(identity, uv_version, environment))
    return os.path.join(cache_dir, environments_bucket(uv_version), digest)
