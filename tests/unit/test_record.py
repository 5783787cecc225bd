from __future__ import annotations

import pytest

from uvshim.record import Record, replace


class Point(Record):
    x: int
    y: int = 0


class Labelled(Point):
    label: str = "p"


def test_fields_defaults_and_positional_or_keyword() -> None:
    assert Point(1) == Point(x=1, y=0)
    assert Point(1, 2).y == 2
    assert Labelled(1, 2, "q").label == "q"
    assert Labelled._fields == ("x", "y", "label")


def test_frozen_equal_hashable_and_printable() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="frozen"):
        point.x = 3  # type: ignore[misc]
    assert {Point(1, 2), Point(1, 2)} == {point}
    assert Point(1, 2) != Labelled(1, 2)
    assert repr(point) == "Point(x=1, y=2)"
    assert replace(point, y=5) == Point(1, 5)
    assert point.as_dict() == {"x": 1, "y": 2}


@pytest.mark.parametrize(("args", "kwargs"), [
    ((), {}), ((1, 2, 3), {}), ((1,), {"x": 1}), ((), {"x": 1, "z": 2}),
])
def test_wrong_arguments_are_type_errors(args: tuple[int, ...], kwargs: dict[str, int]) -> None:
    with pytest.raises(TypeError):
        Point(*args, **kwargs)
