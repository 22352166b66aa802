"""The jobs package orchestrates the other areas: its imports flow one way, no circles."""

from __future__ import annotations

import grimp


def test_no_jobs_module_imports_itself_back() -> None:
    graph = grimp.build_graph("undercut")
    circles = []
    for module in sorted(m for m in graph.modules if m.startswith("undercut.jobs")):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                circles.append(" -> ".join((module, *chain)))
    assert circles == []
