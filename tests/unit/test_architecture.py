"""The import graph: no circles, and imports flow one way.

sources → warehouse → features → ml → api/web; jobs orchestrates; nothing imports cli.
A layer may import any layer below it, never one above it; the graph is read from the
source (including imports inside functions) with grimp.
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

PACKAGE = "undercut"

# Highest first. A layer may import the layers below it only.
LAYERS = (
    "cli",
    "notebook",
    "api",
    "web",
    "jobs",
    "stats",
    "serving",
    "ml",
    "appdb",
    "features",
    "telemetry",
    "ingest",
    "warehouse",
    "ratings",
    "sources",
    "limits",
    "lake",
    "sql",
    "config",
    "errors",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE)


def _circles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _module_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _package_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for importer, imported in _pairs(graph):
        a, b = _package(importer), _package(imported)
        if a != b and PACKAGE not in (a, b):
            edges.setdefault(a, set()).add(b)
    return edges


def _pairs(graph: grimp.ImportGraph) -> Iterator[tuple[str, str]]:
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            yield importer, imported


def test_no_module_imports_in_a_circle(graph: grimp.ImportGraph) -> None:
    assert _circles(_module_edges(graph)) == []


def test_no_package_imports_in_a_circle(graph: grimp.ImportGraph) -> None:
    assert _circles(_package_edges(graph)) == []


def test_every_package_has_a_layer(graph: grimp.ImportGraph) -> None:
    packages = {_package(m) for m in graph.modules} - {PACKAGE, "__main__"}
    assert packages == set(LAYERS)


def test_imports_flow_down_the_layers(graph: grimp.ImportGraph) -> None:
    position = {name: i for i, name in enumerate(LAYERS)}
    upward = [
        f"{importer} imports {imported}"
        for importer, imported in _pairs(graph)
        if _package(importer) in position
        and _package(imported) in position
        and position[_package(imported)] < position[_package(importer)]
    ]
    assert upward == []


def test_nothing_imports_the_cli(graph: grimp.ImportGraph) -> None:
    importers = {
        importer
        for module in graph.find_children(f"{PACKAGE}.cli") | {f"{PACKAGE}.cli"}
        for importer in graph.find_modules_that_directly_import(module)
    }
    assert {m for m in importers if _package(m) not in ("cli", "__main__")} == set()
