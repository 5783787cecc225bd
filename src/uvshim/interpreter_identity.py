"""What an interpreter is, as it reports itself: a plain value the model of uv (the cache key)
and the model of uv-python (discovery) both use, so it sits below both."""

from __future__ import annotations

from uvshim.errors import InterpreterError
from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from uvshim.state import Field


class InterpreterIdentity(Record):
    """What an interpreter is, as it reports itself (fields mirror ``identity`` in
    ``discovery/_probe.py``, the script that reports them)."""

    implementation: str  # "CPython", as uv writes it into pyvenv.cfg
    version: str  # full version, "3.12.1" or "3.13.0rc1"
    abiflags: str
    gil_disabled: bool
    machine: str
    pointer_bits: int
    sys_executable: str
    prefix: str
    base_prefix: str
    build: str  # sys.version's build string, "main, Jan  8 2024, 10:00:00"
    compiler: str
    purelib: str | None  # relative to an environment's root: "lib/python3.13t/site-packages"

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])

    @property
    def is_virtualenv(self) -> bool:
        return self.prefix != self.base_prefix

    def field_values(self) -> list[Field]:
        return [getattr(self, name) for name in self._fields]

    def to_json(self) -> dict[str, object]:
        return self.as_dict()

    @classmethod
    def from_json(cls, data: object) -> InterpreterIdentity:
        """Build from the probe's JSON; ``InterpreterError`` when a field is missing or mistyped."""
        if not isinstance(data, dict) or set(data) != set(cls._fields):
            raise InterpreterError("interpreter identity does not have the expected fields")
        return cls.from_fields([data[name] for name in cls._fields])

    @classmethod
    def from_fields(cls, values: Sequence[Any]) -> InterpreterIdentity:
        """Build from the field values in order, checking each one's type."""
        if len(values) != len(_TYPES):
            raise InterpreterError("interpreter identity does not have the expected fields")
        for (name, expected), value in zip(_TYPES, values):
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise InterpreterError(f"interpreter identity field {name!r} has a wrong type")
        return cls(*values)


_TYPES: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("implementation", str), ("version", str), ("abiflags", str), ("gil_disabled", bool),
    ("machine", str), ("pointer_bits", int), ("sys_executable", str), ("prefix", str),
    ("base_prefix", str), ("build", str), ("compiler", str), ("purelib", (str, type(None))),
)
