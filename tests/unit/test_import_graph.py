"""The package's modules import one another without a cycle, and the replay stays small.

Every import counts, at module level, inside functions and under ``TYPE_CHECKING``: a cycle
that only types or a lazy import close is still two modules that cannot be read apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import uvshim

PACKAGE = Path(uvshim.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules ``path`` imports (``from uvshim.x import y`` counts ``uvshim.x.y``
    when that is a module, else ``uvshim.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return [*trail[trail.index(node):], node]
        if node in done:
            return None
        for child in sorted(graph.get(node, ())):
            cycle = visit(child, [*trail, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_replay_modules_import_only_each_other() -> None:
    graph = import_graph()
    replay = {"uvshim", "uvshim.entry", "uvshim.memo", "uvshim.state"}
    # entry imports the full check (run) lazily, only when the memo does not hold.
    assert graph["uvshim.entry"] - replay == {"uvshim.run"}
    for name in replay - {"uvshim.entry"}:
        assert graph[name] <= replay, name
