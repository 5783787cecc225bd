"""Which dependency groups a ``uv run`` enables and the ``requires-python`` they add
(``uvshim.discovery.dependency_groups``); the same layouts run against real uv in
tests/integration/test_discovery_differential.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvshim.discovery.dependency_groups import group_selection
from uvshim.discovery.project import find_project
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.argv import parse_uv
from uvshim.versions import Version

NEW = Version("0.13.9")
GROUPS = ('[dependency-groups]\ndev = []\nlint = []\ntest = [{include-group = "lint"}]\n'
          '[tool.uv.dependency-groups]\nlint = {requires-python = ">=3.12"}\n'
          'dev = {requires-python = "<3.14"}\n')


def project(name: str = "p", extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "0"\nrequires-python = ">=3.10"\n{extra}'


def requires(tmp_path: Path, options: list[str], environ: dict[str, str] | None = None,
             uv: Version = NEW, start: Path | None = None) -> str | None:
    inv = parse_uv(["run", *options, "--with", "x", "python"], uv)
    assert inv is not None
    environ = environ or {}
    found = find_project(str(start or tmp_path), environ, uv,
                         group_selection(inv, environ, uv), *inv.values("package"))
    assert found is not None
    return found.requires_python


@pytest.mark.parametrize(("options", "environ", "expected"), [
    ([], {}, ">=3.10, <3.14"),  # dev is the default group
    (["--no-dev"], {}, ">=3.10"),
    (["--group", "lint"], {}, ">=3.10, <3.14, >=3.12"),
    (["--group", "test"], {}, ">=3.10, <3.14, >=3.12"),  # test includes lint
    (["--only-group", "lint"], {}, ">=3.10, >=3.12"),  # --only- drops the defaults
    (["--all-groups", "--no-group", "dev"], {}, ">=3.10, >=3.12, >=3.12"),
    (["--no-default-groups"], {}, ">=3.10"),
    ([], {"UV_NO_DEV": "1"}, ">=3.10"),
    ([], {"UV_NO_DEFAULT_GROUPS": "true", "UV_DEV": "1"}, ">=3.10, <3.14"),
    ([], {"UV_NO_GROUP": "dev lint"}, ">=3.10"),
    (["--no-group", "lint"], {"UV_NO_GROUP": "dev"}, ">=3.10, <3.14"),  # the flag wins
])
def test_the_enabled_groups_add_their_requires_python(
        tmp_path: Path, options: list[str], environ: dict[str, str], expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(project(extra=GROUPS))
    assert requires(tmp_path, options, environ) == expected


def test_default_groups_come_from_the_project_run_for(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    for name, defaults in (("a", '["lint"]'), ("b", "[]")):
        folder = tmp_path / "packages" / name
        folder.mkdir(parents=True)
        (folder / "pyproject.toml").write_text(
            project(name, f"[tool.uv]\ndefault-groups = {defaults}\n" + GROUPS))
    a, b = tmp_path / "packages" / "a", tmp_path / "packages" / "b"
    # a's defaults enable lint in every member; b's enable none.
    assert requires(tmp_path, [], start=a) == ">=3.10, >=3.10, >=3.12, >=3.12"
    assert requires(tmp_path, [], start=b) == ">=3.10, >=3.10"
    assert requires(tmp_path, ["--package", "a"], start=b) == requires(tmp_path, [], start=a)
    with pytest.raises(UndecidableError):
        requires(tmp_path, ["--package", "c"], start=b)


def test_a_virtual_roots_groups_count_from_0_12_22(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["a"]\n' + GROUPS.replace("<3.14", ">=3.13"))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text(project("a"))
    assert requires(tmp_path, ["--all-groups"], uv=Version("0.12.21")) == ">=3.10"
    assert requires(tmp_path, ["--all-groups"], uv=Version("0.12.22")) \
        == ">=3.10, >=3.13, >=3.12, >=3.12"
    assert requires(tmp_path, ["--all-groups", "--no-group", "test", "--no-dev"],
                    uv=Version("0.12.22")) == ">=3.10, >=3.12"


def test_before_0_7_14_the_settings_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(project(extra=GROUPS))
    assert requires(tmp_path, ["--group", "lint"], uv=Version("0.7.13")) == ">=3.10"


@pytest.mark.parametrize(("groups", "error"), [
    ('[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n'
     '[tool.uv.dependency-groups]\na = {requires-python = ">=3.12"}\n', UvRefusesError),
    ('[dependency-groups]\na = [{include-group = "c"}]\n'
     '[tool.uv.dependency-groups]\na = {requires-python = ">=3.12"}\n', UvRefusesError),
    ('[dependency-groups]\na = []\n[tool.uv.dependency-groups]\nz = {}\n', UvRefusesError),
    ('[dependency-groups]\na = [{path = "x"}]\n[tool.uv.dependency-groups]\na = {}\n',
     UndecidableError),
])
def test_groups_uv_refuses_or_that_are_not_modelled(tmp_path: Path, groups: str,
                                                    error: type[Exception]) -> None:
    (tmp_path / "pyproject.toml").write_text(project(extra=groups))
    with pytest.raises(error):
        requires(tmp_path, ["--all-groups"])


def test_conflicting_dev_flags_are_undecidable_only_when_a_group_counts(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(project())
    both = {"UV_DEV": "1", "UV_NO_DEV": "1"}
    assert requires(tmp_path, [], both) == ">=3.10"
    (tmp_path / "pyproject.toml").write_text(project(extra=GROUPS))
    with pytest.raises(UndecidableError):
        requires(tmp_path, [], both)
