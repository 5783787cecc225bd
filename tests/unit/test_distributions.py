"""Which tools a cached environment holds, for environments with tricky metadata: each row is
an environment as uv leaves it (a pyvenv.cfg, one dist-info per distribution) and the names a
``uvshim:`` line gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from _support.distributions import TABLE, add_distribution, make_environment
from uvshim.distributions import tools_in


@pytest.mark.parametrize("case", sorted(TABLE))
def test_an_environment_is_named_by_its_tools(tmp_path: Path, case: str) -> None:
    row, expected = TABLE[case]
    assert tools_in(str(make_environment(tmp_path / "env", row))) == expected


def _site(root: Path) -> Path:
    return root / "lib" / "python3.12" / "site-packages"


def test_an_empty_metadata_leaves_the_tools_untold(tmp_path: Path) -> None:
    root = make_environment(tmp_path / "env", [("black", ["pytokens"]), ("pytokens", [])])
    assert tools_in(str(root)) == ("black",)
    (_site(root) / "pytokens-1.0.dist-info" / "METADATA").write_text("")
    assert tools_in(str(root)) == ()


def test_a_missing_metadata_or_dist_info_leaves_the_tools_untold(tmp_path: Path) -> None:
    root = make_environment(tmp_path / "env", [("black", ["pytokens"]), ("pytokens", [])])
    (_site(root) / "pytokens-1.0.dist-info" / "METADATA").unlink()
    assert tools_in(str(root)) == ()
    empty = make_environment(tmp_path / "empty", [])
    _site(empty).mkdir(parents=True)
    assert tools_in(str(empty)) == ()
    assert tools_in(str(tmp_path / "missing")) == ()


def test_markers_follow_the_site_packages_folder_without_a_pyvenv_cfg(tmp_path: Path) -> None:
    for minor, expected in (("3.10", ("black",)), ("3.12", ("black", "tomli"))):
        root = tmp_path / minor
        add_distribution(root, "black", ['tomli; python_version < "3.11"'], python=minor)
        add_distribution(root, "tomli", python=minor)
        assert tools_in(str(root)) == expected
