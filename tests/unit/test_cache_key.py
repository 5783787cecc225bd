from __future__ import annotations

import pytest

from uvshim.uv.cache_key import cache_digest, path_hash_stream, seahash


def test_seahash_reference_vector() -> None:
    # The value seahash's own documentation gives for this input.
    assert seahash(b"to be or not to be") == 1988685042348123509


def test_seahash_of_empty_and_tail_only_inputs_differ() -> None:
    assert len({seahash(b""), seahash(b"a"), seahash(b"a" * 8), seahash(b"a" * 9)}) == 4


def test_path_stream_writes_components_without_separators_then_chunk_bits() -> None:
    stream = path_hash_stream("/t/a/prefix/bin/python")
    assert stream[:-8] == b"taprefixbinpython"
    chunk_bits = 0
    for length in (1, 1, 6, 3, 6):
        chunk_bits = ((chunk_bits + length) >> 2 | (chunk_bits + length) << 62) & (2**64 - 1)
    assert stream[-8:] == chunk_bits.to_bytes(8, "little")


@pytest.mark.parametrize(("spelled", "normal"), [
    ("/a/./b", "/a/b"),
    ("/a//b", "/a/b"),
    ("/a/b/", "/a/b"),
    ("/a/b/.", "/a/b"),
])
def test_paths_rust_treats_as_equal_hash_equal(spelled: str, normal: str) -> None:
    assert cache_digest([spelled]) == cache_digest([normal])


@pytest.mark.parametrize(("one", "other"), [
    ("/a/b", "/a/c"),
    ("/a/..", "/a"),  # std does not resolve ".."
    ("./a", "a"),  # a leading "." is a component
    ("/ab/c", "/a/bc"),  # same bytes, other component lengths
])
def test_different_paths_hash_differently(one: str, other: str) -> None:
    assert cache_digest([one]) != cache_digest([other])


def test_tuple_hashes_elements_in_order() -> None:
    assert cache_digest(["/x", "/y"]) != cache_digest(["/y", "/x"])
    assert len(cache_digest(["/x"])) == 16
