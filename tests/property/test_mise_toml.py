"""The plain reader of ``mise use``'s files agrees with ``tomllib`` wherever it answers, and
answers for the files ``mise use`` writes."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTIES

from uvshim.discovery.mise import plain_tools_table

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# Pieces of lines: the plain shape, and what TOML allows or forbids around it.
KEYS = st.sampled_from(["python", "node", "go-1", "a_b", '"npm:x"', "python.x", "", "py thon"])
VALUES = st.sampled_from(['"3.12.1"', '""', '"3 12"', "'3.12.1'", '"a\\"b"', '"a#b"', "3",
                          '["3.12.1"]', '"3.12.1" # pinned', '"\t"', '"\x01"', '"é"'])
SPACE = st.sampled_from(["", " ", "\t", "  "])
LINES = st.one_of(
    st.builds(lambda a, k, b, c, v, d: f"{a}{k}{b}={c}{v}{d}", SPACE, KEYS, SPACE, SPACE, VALUES,
              SPACE),
    st.sampled_from(["", "# comment", "  # indented", "[tools]", "[tasks]", "[env]",
                     "[tools.python]", " [tools] ", "\r", "x = 1"]),
)
PLAIN = st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(["python", "node"]),
                  st.sampled_from(['"3.12.1"', '"20"']))
DOCUMENTS = st.builds(lambda head, lines, newline: newline.join([*head, *lines]),
                      st.sampled_from([["[tools]"], [], ["# c", "[tools]"]]),
                      st.lists(st.one_of(PLAIN, LINES), max_size=8),
                      st.sampled_from(["\n", "\r\n"]))


@PROPERTIES
@given(DOCUMENTS)
def test_where_the_plain_reader_answers_tomllib_answers_the_same(text: str) -> None:
    plain = plain_tools_table(text)
    if plain is not None:
        assert tomllib.loads(text) == plain


@PROPERTIES
@given(st.lists(st.tuples(st.sampled_from(["python", "node", "go", "ruby"]),
                          st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,2}\Z")),
                max_size=4, unique_by=lambda pair: pair[0]))
def test_what_mise_use_writes_is_read_without_tomllib(tools: list[tuple[str, str]]) -> None:
    text = "[tools]\n" + "".join(f'{name} = "{version}"\n' for name, version in tools)
    assert plain_tools_table(text) == {"tools": dict(tools)}
