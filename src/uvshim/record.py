"""Frozen records for the hot path, declared like dataclasses.

``dataclasses`` imports ``inspect`` and generates code for every class, which costs more
start-up than all the shim's own work (``python -X importtime -c 'import dataclasses'``
against the replay's time in ``benchmarks/bench_shim.py``). A record
here is a class whose annotated fields become keyword-or-positional constructor arguments,
with defaults from class attributes; instances are immutable, compare and hash by their
fields, and print like dataclasses. Type checkers see them as frozen dataclasses.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    R = TypeVar("R", bound="Record")
else:
    def dataclass_transform(**_options: object) -> object:
        return lambda cls: cls


@dataclass_transform(frozen_default=True)
class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict[str, object] = {}  # noqa: RUF012  -- replaced per subclass, never mutated

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__):
            # Every module here uses ``from __future__ import annotations``, so each class
            # stores its own annotations eagerly, as strings (3.9 to 3.14).
            own = klass.__dict__.get("__annotations__", {})  # noqa: RUF063
            fields += [name for name in own
                       if not name.startswith("_") and name not in fields]
        cls._fields = tuple(fields)
        cls._defaults = {name: getattr(cls, name) for name in fields if hasattr(cls, name)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Filled straight into the instance dict: the option table builds a record per option
        # at import, and per-field setattr calls were most of its cost.
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, got {len(args)}")
        values = self.__dict__
        values.update(self._defaults)
        values.update(zip(fields, args))
        if kwargs:
            if not kwargs.keys() <= set(fields[len(args):]):
                extra = sorted(kwargs.keys() - set(fields[len(args):]))
                raise TypeError(f"{type(self).__name__}: unexpected or repeated fields {extra}")
            values.update(kwargs)
        if len(values) != len(fields):
            missing = [name for name in fields if name not in values]
            raise TypeError(f"{type(self).__name__}: missing fields {missing}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def as_dict(self) -> dict[str, object]:
        """The fields as a dict (not recursive)."""
        return {name: getattr(self, name) for name in self._fields}


def replace(record: R, **changes: object) -> R:
    """A copy of ``record`` with some fields changed, like ``dataclasses.replace``."""
    return type(record)(**{**record.as_dict(), **changes})
