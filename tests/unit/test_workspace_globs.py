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


def test_an_absolute_member_glob_stands_alone(tmp_path: Path) -> None:
    from uvshim.discovery.project import find_project  # noqa: PLC0415
    from uvshim.uv.releases import NEWEST_KNOWN  # noqa: PLC0415

    member = tmp_path / "elsewhere" / "a"
    member.mkdir(parents=True)
    (member / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "0"\nrequires-python = ">=3.11"\n')
    root = tmp_path / "root"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[tool.uv.workspace]\nmembers = ["{tmp_path}/elsewhere/*"]\n')
    project = find_project(str(root), {}, NEWEST_KNOWN)
    assert project is not None
    assert project.requires_python == ">=3.11"
