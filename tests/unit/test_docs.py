"""The README stays one screen, every relative link in it and in docs/ leads somewhere, and
the README's test command is the full suite, as .ci/run reads it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
README_MAX_LINES = 200
# [text](target), [text](target "title") and ![alt](target); the text may hold code spans.
LINK_RE = re.compile(r"\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE_RE = re.compile(r"^(```|~~~)")
HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a `#` in a Dockerfile is no heading)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE_RE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated heading gets -1, -2, … as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING_RE.match(line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    return [target for line in prose_lines(path.read_text(encoding="utf-8"))
            for target in LINK_RE.findall(line)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target)]  # https:, mailto:


def broken(path: Path, target: str) -> str | None:
    file_part, _, anchor = target.partition("#")
    linked = (path.parent / unquote(file_part)).resolve() if file_part else path
    if not linked.exists():
        return f"{path.name}: {target}: no such file"
    if anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
        return f"{path.name}: {target}: no heading #{anchor} in {linked.name}"
    return None


def test_readme_is_one_screen() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_relative_link_resolves(path: Path) -> None:
    problems = [broken(path, target) for target in relative_links(path)]
    assert [problem for problem in problems if problem] == []


def test_readme_links_every_doc() -> None:
    linked = {target.partition("#")[0] for target in relative_links(REPO / "README.md")}
    assert {f"docs/{path.name}" for path in DOCS[1:]} <= linked


def test_broken_links_and_anchors_are_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Top\n\n## uv's `own` settings, here\n\n```sh\n# not a heading\n```\n")
    assert anchors(page) == {"top", "uvs-own-settings-here"}
    assert broken(page, "page.md#uvs-own-settings-here") is None
    assert broken(page, "#top") is None
    assert broken(page, "#not-a-heading") is not None
    assert broken(page, "other.md") is not None
    assert relative_links(page) == []
    page.write_text('[a](page.md#top "the top") [b](https://example.org/x.md) ![c](pic.svg)\n')
    assert relative_links(page) == ["page.md#top", "pic.svg"]


def test_readme_test_command_is_the_full_suite() -> None:
    """The block .ci/run reads (its own awk line, run here) still runs every test."""
    (reader,) = [line for line in (REPO / ".ci" / "run").read_text().splitlines()
                 if line.startswith("test_command=")]
    done = subprocess.run(["bash", "-c", f'{reader}\nprintf %s "$test_command"'], cwd=REPO,
                          capture_output=True, text=True, check=True)
    runner = ".venv/bin/python -m pytest"
    assert runner in done.stdout
    options = done.stdout.split(runner, 1)[1].split()
    # Reporting options (--durations, -ra) are welcome; nothing that picks fewer tests.
    narrowing = ("-k", "-m", "--tier", "--lf", "--deselect", "--ignore", "-x", "--maxfail")
    assert [option for option in options
            if not option.startswith("-") or option.startswith(narrowing)] == []
