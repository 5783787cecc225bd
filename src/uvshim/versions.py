"""Release versions (``0.13.9``) compared as tuples of integers.

uv's releases and the CPython versions the shim compares are plain ``X.Y.Z`` releases, and
``packaging.version`` costs more to import than the rest of the hot path together, so the
hot path uses this. A version with anything but dotted integers is refused with
``InvalidVersionError``; callers that need PEP 440 in full import ``packaging`` where they need it.
"""

from __future__ import annotations


class InvalidVersionError(ValueError):
    """Not a dotted release of integers."""


class Version:
    """``Version("0.8.17") < Version("0.8.18")``; equal releases are equal (``3.12 == 3.12.0``
    is not: a shorter release sorts first, as tuples do)."""

    __slots__ = ("release",)

    def __init__(self, text: str) -> None:
        parts = text.strip().split(".")
        if not all(part.isdigit() and part.isascii() for part in parts):
            raise InvalidVersionError(f"not a release version: {text!r}")
        self.release: tuple[int, ...] = tuple(int(part) for part in parts)

    @property
    def major(self) -> int:
        return self.release[0]

    @property
    def minor(self) -> int:
        return self.release[1] if len(self.release) > 1 else 0

    @property
    def micro(self) -> int:
        return self.release[2] if len(self.release) > 2 else 0

    def __str__(self) -> str:
        return ".".join(map(str, self.release))

    def __repr__(self) -> str:
        return f"<Version('{self}')>"

    def __hash__(self) -> int:
        return hash(self.release)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.release == other.release

    def __lt__(self, other: Version) -> bool:
        return self.release < other.release

    def __le__(self, other: Version) -> bool:
        return self.release <= other.release

    def __gt__(self, other: Version) -> bool:
        return self.release > other.release

    def __ge__(self, other: Version) -> bool:
        return self.release >= other.release
