"""The package's modules import one another without a cycle, the replay stays small, and the
model of uv stands below the model of uv-python.

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
    # entry imports the full check (full_check) lazily, only when the memo does not hold.
    assert graph["uvshim.entry"] - replay == {"uvshim.full_check"}
    for name in replay - {"uvshim.entry"}:
        assert graph[name] <= replay, name


def reached_from(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for child in graph.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def crossings(graph: dict[str, set[str]], upper: str, lower: str) -> dict[str, set[str]]:
    """For each module of package ``lower`` that reaches package ``upper`` (directly or through
    other modules), the modules of ``upper`` it reaches."""
    found: dict[str, set[str]] = {}
    for name in graph:
        if name == lower or name.startswith(f"{lower}."):
            reached = {child for child in reached_from(graph, name)
                       if child == upper or child.startswith(f"{upper}.")}
            if reached:
                found[name] = reached
    return found


def test_the_model_of_uv_stands_below_the_model_of_uv_python() -> None:
    # uv/ (the command line, settings, cache) is read by discovery/, never the other way: what
    # both use (an interpreter's identity, an installation's key) sits below both.
    assert crossings(import_graph(), upper="uvshim.discovery", lower="uvshim.uv") == {}


def test_the_layer_check_sees_a_crossing_through_another_module() -> None:
    graph = {"p.uv.a": {"p.b"}, "p.b": {"p.discovery.c"}, "p.discovery.c": set(),
             "p.uv.d": set()}
    assert crossings(graph, upper="p.discovery", lower="p.uv") == {"p.uv.a": {"p.discovery.c"}}
