"""docs/performance.md shows the figures the benchmarks' JSON reports render, and only those."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def render_docs() -> ModuleType:
    """benchmarks/render_docs.py, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location("render_docs",
                                                  REPO / "benchmarks" / "render_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_performance_doc_is_what_the_reports_render() -> None:
    doc = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    assert doc == render_docs().rendered_doc(), "run .venv/bin/python benchmarks/render_docs.py"


def test_a_figure_changed_by_hand_is_seen() -> None:
    module = render_docs()
    doc = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    results = json.loads((REPO / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    replayed = module.ms(results["hot"]["shim"]["median"])
    assert f"| {replayed} |" in doc
    # A text no figure renders as ("1.0 ms" was, inside "10.0 ms").
    edited = doc.replace(f"| {replayed} |", "| 7.77 ms |", 1)
    assert module.render(edited, module.tables(results, None)) != edited
    assert "7.77 ms" not in module.render(edited, module.tables(results, None))


def test_a_block_without_a_table_is_an_error() -> None:
    module = render_docs()
    with pytest.raises(ValueError, match="generated blocks"):
        module.render("<!-- generated: other -->\n<!-- end generated: other -->\n",
                      {"overhead": ""})
