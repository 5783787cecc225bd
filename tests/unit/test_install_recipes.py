"""The README shows each deployment recipe exactly as the file the integration tests run."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("recipe", "fence"), [("Dockerfile", "dockerfile"),
                                               ("gitlab-ci.yml", "yaml"),
                                               ("github-actions.yml", "yaml")])
def test_readme_shows_the_recipe_file(recipe: str, fence: str) -> None:
    text = (REPO / "recipes" / recipe).read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```{fence}\n{text}```\n" in readme
    assert f"(recipes/{recipe})" in readme


def test_readme_path_line_is_the_default_install_folder(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    from uvshim.commands.install import default_shim_dir  # noqa: PLC0415

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = default_shim_dir().relative_to(tmp_path)
    assert f'uvshim install\nexport PATH="$HOME/{shown}:$PATH"\n' in readme
