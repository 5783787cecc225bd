from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version as Pep440Version

from uvshim.versions import InvalidVersionError, Version

releases = st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3).map(
    lambda parts: ".".join(map(str, parts)))


@given(releases, releases)
def test_orders_like_packaging_for_releases(one: str, other: str) -> None:
    assert (Version(one) < Version(other)) == (Pep440Version(one) < Pep440Version(other))
    assert (Version(one) == Version(other)) == (Pep440Version(one) == Pep440Version(other))
    assert (Version(one) >= Version(other)) == (Pep440Version(one) >= Pep440Version(other))


def test_text_round_trip_and_hash() -> None:
    assert str(Version(" 0.13.9 ")) == "0.13.9"
    assert {Version("0.5.0"), Version("0.5.0")} == {Version("0.5.0")}


@pytest.mark.parametrize("text", ["", "0.14.0-dev", "1.0rc1", "a.b", "1..2", "٣.1.2"])
def test_refuses_anything_but_dotted_integers(text: str) -> None:
    with pytest.raises(InvalidVersionError):
        Version(text)
