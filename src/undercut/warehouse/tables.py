"""Gold table discovery and ordering: SQL files and Python builds, one per table.

A SQL table is ``warehouse/sql/gold/<name>.sql``; its header declares what it reads
(``-- depends on: silver.races, gold.official_poles``, continued on following comment lines)
and references to ``gold.<name>`` in its body count as dependencies too, so forgetting the
header never builds a table before its inputs. A Python table is built by a function that reads the
warehouse and returns an Arrow table — used where SQL is the wrong tool (the sequential Elo
update). Both kinds are ordered together, topologically, by their gold dependencies.

A file named ``_<part>.sql`` is no table: it holds CTEs that several tables include (a line
``-- @_<part>``), so a rule they share is written once.

A SQL table whose header says ``-- incremental by: season`` promises that its rows of a
season depend only on that season's rows of its inputs (and on unkeyed inputs such as
seeds); the build may then rebuild just the seasons whose inputs changed.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import pyarrow as pa

from undercut.errors import WarehouseError
from undercut.sql import SqlFolder, header
from undercut.warehouse import db, python_tables

_REFERENCE = re.compile(r"\b(silver|gold)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)

PythonBuild = Callable[[duckdb.DuckDBPyConnection], pa.Table]


@dataclass(frozen=True)
class GoldTable:
    """One gold table and how to build it (``sql`` or ``build``, never both)."""

    name: str
    depends_on: frozenset[str] = field(default_factory=frozenset)
    sql: str | None = None
    build: PythonBuild | None = None
    origin: str = ""
    modules: tuple[str, ...] = ()
    by_season: bool = False

    @property
    def gold_dependencies(self) -> set[str]:
        return {d.partition(".")[2] for d in self.depends_on if d.startswith("gold.")}

    def code_hash(self) -> str:
        """Hash of the table's code, so editing it forces the next build. A Python-built
        table's code includes the source of the ``modules`` it names (its constants)."""
        if self.sql is not None:
            text = self.sql
        else:
            assert self.build is not None
            text = inspect.getsource(self.build) + "".join(
                inspect.getsource(importlib.import_module(m)) for m in self.modules
            )
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def is_python(self) -> bool:
        return self.sql is None


def declared_dependencies(sql: str) -> set[str]:
    """``layer.table`` names from the header's ``-- depends on:`` (and its continuations)."""
    return _names(header(sql).get("depends on", ""))


def _names(text: str) -> set[str]:
    return {f"{layer.lower()}.{name.lower()}" for layer, name in _REFERENCE.findall(text)}


def referenced_tables(sql: str) -> set[str]:
    """``layer.table`` names used in the SQL body (comments excluded)."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return _names(body)


def sql_table(folder: SqlFolder, name: str) -> GoldTable:
    sql = folder.text(name)  # with its ``-- @_part`` includes, so they count in its hash
    meta = header(sql)
    depends = declared_dependencies(sql) | referenced_tables(sql)
    depends.discard(f"gold.{name}")
    return GoldTable(
        name,
        frozenset(depends),
        sql=sql,
        origin=str(folder.file(name)),
        by_season=meta.get("incremental by", "").lower() == "season",
    )


def python_table(name: str) -> GoldTable:
    """The Python-built table ``python_tables.PYTHON_TABLES[name]``."""
    build, depends_on, modules = python_tables.PYTHON_TABLES[name]
    return GoldTable(
        name,
        depends_on,
        build=build,
        origin=f"{build.__module__}.{build.__name__}",
        modules=modules,
    )


def discover(directory: Path | None = None) -> list[GoldTable]:
    """Every gold table, in an order where each comes after the gold tables it reads.

    Raises:
        WarehouseError: two tables share a name, a table reads an unknown gold table, or
            the dependencies form a cycle.
    """
    folder = SqlFolder(directory) if directory else db.sql_folder("gold")
    tables: dict[str, GoldTable] = {}
    built_in_python = [python_table(name) for name in python_tables.PYTHON_TABLES]
    sql_tables = [sql_table(folder, name) for name in folder.names() if not name.startswith("_")]
    for table in [*sql_tables, *built_in_python]:
        if table.name in tables:
            raise WarehouseError(
                f"{table.origin}: gold table {table.name!r} is also defined by "
                f"{tables[table.name].origin}"
            )
        tables[table.name] = table
    graph: dict[str, set[str]] = {}
    for table in tables.values():
        unknown = table.gold_dependencies - tables.keys()
        if unknown:
            raise WarehouseError(
                f"{table.origin}: depends on unknown gold table(s) {sorted(unknown)}"
            )
        graph[table.name] = table.gold_dependencies
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise WarehouseError(f"gold tables form a dependency cycle: {exc.args[1]}") from exc
    return [tables[name] for name in order]
