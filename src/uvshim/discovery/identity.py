"""Who an interpreter is: the record, and running the probe inside the interpreter to get it."""

from __future__ import annotations

import os

from uvshim.errors import InterpreterError
from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from uvshim.state import Field

PROBE_PATH = os.path.join(os.path.dirname(__file__), "_probe.py")
PROBE_TIMEOUT_S = 30.0


class InterpreterIdentity(Record):
    """What an interpreter is, as it reports itself (fields mirror ``_probe.identity``)."""

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


def probe_interpreter(executable: str) -> InterpreterIdentity:
    """Run the probe inside ``executable`` (10-20 ms) and return what it reports."""
    import json  # noqa: PLC0415  -- the probe is the cold path; keep these off the hot one
    import secrets  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    start, end = f"<uvshim-{secrets.token_hex(8)}>", f"</uvshim-{secrets.token_hex(8)}>"
    try:
        done = subprocess.run(
            [executable, "-I", "-S", PROBE_PATH, start, end],
            capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InterpreterError(f"cannot run {executable}: {exc}") from None
    out = done.stdout
    if done.returncode != 0 or start not in out or end not in out:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InterpreterError(f"{executable} did not report its identity ({detail})")
    payload = out[out.index(start) + len(start): out.index(end)]
    try:
        return InterpreterIdentity.from_json(json.loads(payload))
    except ValueError:
        raise InterpreterError(f"{executable} printed an unreadable identity") from None
