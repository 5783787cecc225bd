"""docs/deploying.md shows each deployment recipe exactly as the file the integration tests
run, and the README and docs/deploying.md show the PATH line of the default install folder."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOYING = REPO / "docs" / "deploying.md"


@pytest.mark.parametrize(("recipe", "fence"), [("Dockerfile", "dockerfile"),
                                               ("gitlab-ci.yml", "yaml"),
                                               ("github-actions.yml", "yaml")])
def test_deploying_shows_the_recipe_file(recipe: str, fence: str) -> None:
    text = (REPO / "recipes" / recipe).read_text(encoding="utf-8")
    shown = DEPLOYING.read_text(encoding="utf-8")
    assert f"```{fence}\n{text}```\n" in shown
    assert f"(../recipes/{recipe})" in shown


@pytest.mark.parametrize("doc", [REPO / "README.md", DEPLOYING], ids=lambda path: path.name)
def test_path_line_is_the_default_install_folder(doc: Path, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    from uvshim.commands.install import default_shim_dir  # noqa: PLC0415

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    shown = default_shim_dir().relative_to(tmp_path)
    assert f'uvshim install\nexport PATH="$HOME/{shown}:$PATH"\n' in doc.read_text(encoding="utf-8")
