"""The workspace globs against the rules of uv's ``glob`` crate (its documented examples and
the behaviour its ``Pattern`` and ``glob`` promise), before the real binaries check them in
``tests/integration/test_discovery_differential.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvshim.discovery.workspace_globs import expand, full_match
from uvshim.errors import UndecidableError


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("a*b", "a_b", True),
    ("a*b*c", "abcd", False),
    ("*", "a/b", True),  # no literal separator: * and ? cross "/"
    ("a?b", "a/b", True),
    ("*", ".hidden", True),
    ("some/**/needle.txt", "some/needle.txt", True),
    ("some/**/needle.txt", "some/one/two/needle.txt", True),
    ("some/**/needle.txt", "some/other/notthis.txt", False),
    ("some/**/**/needle.txt", "some/one/needle.txt", True),
    ("**/test", "test", True),
    ("**/.*", "ab.c", False),  # after ** a match starts at a component
    ("**/.*", "abc/.abc", True),
    ("**", "", True),
    ("**", "/x/.asdf", True),
    ("packages/**", "packages/a/b", True),
    ("a[0-9]b", "a5b", True),
    ("a[!0-9]b", "a5b", False),
    ("a[!0-9]b", "a/b", True),
    ("[abc-]", "-", True),
    ("[2-1]", "1", False),
    ("[]]", "]", True),
    ("[!]]", "]", False),
    ("[?]", "?", True),
    ("[?]", "x", False),
    ("A", "a", False),  # case-sensitive
])
def test_full_match(pattern: str, path: str, matches: bool) -> None:
    assert full_match(pattern, path) is matches


@pytest.mark.parametrize("pattern", ["a**", "a/**b", "a/*****", "abc[def", "abc[!", "abc[]",
                                     "abc[!]"])
def test_what_the_crate_cannot_compile(pattern: str) -> None:
    with pytest.raises(UndecidableError, match="cannot compile"):
        full_match(pattern, "x")


def test_the_walk(tmp_path: Path) -> None:
    for folder in ("packages/a", "packages/b/deep/a", "packages/.hidden", "libs/x"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "packages" / "file").write_text("")

    def walked(glob: str) -> set[str]:
        return {str(Path(path).relative_to(tmp_path)) for path in expand(str(tmp_path), glob)}

    assert walked("packages/*") == {"packages/a", "packages/b", "packages/.hidden",
                                    "packages/file"}
    # ** reaches every folder below, itself not included, and files only through a component
    assert walked("packages/**") == {"packages/a", "packages/b", "packages/b/deep",
                                     "packages/b/deep/a", "packages/.hidden"}
    assert walked("packages/**/a") == {"packages/a", "packages/b/deep/a"}
    assert walked("*/[!a]*") == {"packages/b", "packages/.hidden", "packages/file", "libs/x"}
    assert walked("missing/*") == set()
