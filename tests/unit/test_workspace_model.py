"""The workspace a project belongs to, as uv finds it (``uvshim.discovery.workspace``); the
same layouts run against real uv in tests/integration/test_discovery_differential.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from uvshim.discovery.project import find_project
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.releases import NEWEST_KNOWN
from uvshim.versions import Version

ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'


def member(name: str, requires: str | None = None, extra: str = "") -> str:
    line = f'requires-python = "{requires}"\n' if requires else ""
    return f'[project]\nname = "{name}"\nversion = "0"\n{line}{extra}'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def workspace(tmp_path: Path, root: str = ROOT) -> Path:
    write(tmp_path / "pyproject.toml", root)
    write(tmp_path / "packages" / "a" / "pyproject.toml", member("a", ">=3.10"))
    write(tmp_path / "packages" / "b" / "pyproject.toml", member("b", "<3.13"))
    return tmp_path / "packages" / "a"


def test_a_member_is_its_workspace(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    (folder / "src").mkdir()
    for start in (folder, folder / "src", tmp_path, tmp_path / "packages"):
        project = find_project(str(start), {}, NEWEST_KNOWN)
        assert project is not None
        assert project.root == str(tmp_path)
        assert project.environment == str(tmp_path / ".venv")
        assert project.requires_python == ">=3.10, <3.13"


def test_a_root_project_adds_its_own_requires_python(tmp_path: Path) -> None:
    folder = workspace(tmp_path, member("root", ">=3.9") + ROOT)
    project = find_project(str(folder), {}, NEWEST_KNOWN)
    assert project is not None
    assert project.requires_python == ">=3.9, >=3.10, <3.13"


def test_excluded_and_unmatched_projects_stand_alone(tmp_path: Path) -> None:
    workspace(tmp_path, ROOT + 'exclude = ["packages/b"]\n')
    write(tmp_path / "examples" / "c" / "pyproject.toml", member("c", ">=3.8"))
    excluded = find_project(str(tmp_path / "packages" / "b"), {}, NEWEST_KNOWN)
    assert excluded is not None
    assert (excluded.root, excluded.requires_python) == (str(tmp_path / "packages" / "b"),
                                                        "<3.13")
    alone = find_project(str(tmp_path / "examples" / "c"), {}, NEWEST_KNOWN)
    assert alone is not None
    assert alone.root == str(tmp_path / "examples" / "c")
    root = find_project(str(tmp_path), {}, NEWEST_KNOWN)
    assert root is not None
    assert root.requires_python == ">=3.10"  # b is excluded from the members too


def test_only_the_first_pyproject_above_is_read(tmp_path: Path) -> None:
    """A project inside another project (its examples) stands alone, even when that other
    project is inside a workspace."""
    workspace(tmp_path)
    write(tmp_path / "packages" / "a" / "examples" / "x" / "pyproject.toml", member("x"))
    project = find_project(str(tmp_path / "packages" / "a" / "examples" / "x"), {}, NEWEST_KNOWN)
    assert project is not None
    assert project.root == str(tmp_path / "packages" / "a" / "examples" / "x")


def test_members_left_out_as_uv_leaves_them_out(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    write(tmp_path / "packages" / "unmanaged" / "pyproject.toml",
          member("u", ">=3.13", "[tool.uv]\nmanaged = false\n"))
    (tmp_path / "packages" / ".hidden").mkdir()
    write(tmp_path / "packages" / "README.md", "")
    project = find_project(str(folder), {}, NEWEST_KNOWN)
    assert project is not None
    assert project.requires_python == ">=3.10, <3.13"


@pytest.mark.parametrize(("root", "made", "message"), [
    (ROOT, "packages/c/.ignore", "ignore crate's own rules"),
    ('[tool.uv.workspace]\nmembers = ["packages/a**"]\n', "", "cannot compile"),
    ('[tool.uv.workspace]\nmembers = ["packages/[ab"]\n', "", "cannot compile"),
    (ROOT, "packages/c/pyproject.toml", r"no \[project\] table"),
])
def test_what_uv_may_refuse_is_undecidable(tmp_path: Path, root: str, made: str,
                                           message: str) -> None:
    folder = workspace(tmp_path, root)
    if made.endswith("/"):
        (tmp_path / made).mkdir(parents=True)
    elif made:
        write(tmp_path / made, "[tool.ruff]\n")
    with pytest.raises(UndecidableError, match=message):
        find_project(str(folder), {}, NEWEST_KNOWN)


@pytest.mark.parametrize(("made", "skipped_from"), [
    ("packages/c/", "0.10.1"),
    ("packages/c/sub/", "0.10.4"),
    ("packages/c/x.txt", None),
])
def test_a_member_folder_without_pyproject(tmp_path: Path, made: str,
                                           skipped_from: str | None) -> None:
    """Skipped when it holds nothing uv counts, refused otherwise (no git, no .ignore)."""
    folder = workspace(tmp_path, ROOT)
    (tmp_path / made.rstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    if made.endswith("/"):
        (tmp_path / made).mkdir()
    else:
        write(tmp_path / made, "")
    for release in ("0.10.0", "0.10.1", "0.10.3", "0.10.4", "0.13.9"):
        if skipped_from is not None and Version(release) >= Version(skipped_from):
            assert find_project(str(folder), {}, Version(release)) is not None
        else:
            with pytest.raises(UvRefusesError):
                find_project(str(folder), {}, Version(release))


@pytest.mark.parametrize(("ignored", "skipped"), [(True, True), (False, False)])
def test_a_member_folder_of_files_git_ignores(tmp_path: Path, ignored: bool,
                                              skipped: bool) -> None:
    """In a git repository, git says which files its rules hide (``git check-ignore``): a
    folder left with only ``__pycache__`` is skipped from 0.10.1, one with a file git keeps is
    refused."""
    folder = workspace(tmp_path, ROOT)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "__pycache__/\n" if ignored else "*.log\n")
    write(tmp_path / "packages" / "c" / "__pycache__" / "c.cpython-312.pyc", "")
    for release in ("0.10.0", "0.10.1", "0.13.9"):
        if skipped and Version(release) >= Version("0.10.1"):
            assert find_project(str(folder), {}, Version(release)) is not None
        else:
            with pytest.raises(UvRefusesError):
                find_project(str(folder), {}, Version(release))


def test_an_ignore_file_matters_only_for_a_folder_holding_something(tmp_path: Path) -> None:
    """An ``.ignore`` above (a ripgrep user's, at the checkout's root): an empty member folder
    is still skipped, one holding a file cannot be decided."""
    folder = workspace(tmp_path, ROOT)
    write(tmp_path / ".ignore", "*.log\n")
    (tmp_path / "packages" / "c").mkdir()
    assert find_project(str(folder), {}, NEWEST_KNOWN) is not None
    write(tmp_path / "packages" / "c" / "notes.txt", "")
    with pytest.raises(UndecidableError, match="ignore crate's own rules"):
        find_project(str(folder), {}, NEWEST_KNOWN)
