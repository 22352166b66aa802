"""What each served copy derives once, so that requests filter rows instead of joining and
ranking whole tables on every call.

Two kinds, made in the ``serving`` schema of every served copy:

- **the Ergast API's tables** (``derived/*.sql``, DuckDB SQL): each result, qualifying
  entry and standing joined once to its race, circuit, driver and constructor, with its
  Ergast JSON rendered once (``serving.ergast_wire.RENDERED``). Before, every Ergast request
  planned those joins again (and ranked qualifying sessions, and listed each driver's
  constructors round by round): planning cost DuckDB several times what running did, 8 to
  12 ms for a page of 2023 results. They read silver only, so the Ergast API still answers
  from a warehouse that was ingested and not built yet. ``SnapshotStore.load`` makes them in
  the in-memory snapshot (embedded profile); ``undercut publish`` makes them the same way
  and copies them to PostgreSQL as indexed tables (production profile), so both profiles
  serve the very same rows and JSON;
- **the serving queries that take no parameter but rank or aggregate whole tables**
  (``MATERIALISED``, from ``serving/queries``: the driver and constructor rankings, the last
  and next race); ``/api/v1`` reads them instead of running the query. Tables of the
  snapshot, materialised views in PostgreSQL.

A table whose inputs the copy lacks (gold before ``undercut build``) is not made; its
readers fall back to the query (``/api/v1``) or answer 503 (Ergast).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from undercut.serving.ergast_wire import RENDERED, render
from undercut.serving.sql import QUERIES, query
from undercut.sql import SqlFolder

SCHEMA = "serving"
DERIVED = SqlFolder(Path(__file__).parent / "derived")
MATERIALISED = ("elo_current_drivers", "elo_current_constructors", "last_race", "next_race")

# Columns PostgreSQL indexes on each Ergast table: what the Ergast queries filter on.
INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ergast_races": (("season", "round"), ("circuit_id",)),
    "ergast_drivers": (("driver_id",),),
    "ergast_results": (("season", "round"), ("driver_id",), ("constructor_id",), ("status_id",)),
    "ergast_qualifying": (("season", "round"), ("driver_id",), ("constructor_id",)),
    "ergast_driver_standings": (("season", "round"), ("driver_id",)),
    "ergast_constructor_standings": (("season", "round"), ("constructor_id",)),
}


@dataclass(frozen=True)
class Derived:
    name: str
    sql: str
    depends_on: frozenset[str]
    # A materialised serving query (a view in PostgreSQL) rather than an Ergast table.
    materialised: bool = False


def _depends_on(header: dict[str, str]) -> frozenset[str]:
    return frozenset(part.strip() for part in header["depends on"].split(","))


@cache
def derivations() -> tuple[Derived, ...]:
    """Every derived table, in the order they are made (read once: the files do not change
    while the service runs, and every snapshot load asks again)."""
    made = [
        Derived(name, DERIVED.text(name), _depends_on(DERIVED.header(name)))
        for name in DERIVED.names()
        if not name.startswith("_")  # included by the others
    ]
    made += [
        Derived(name, query(name), _depends_on(QUERIES.header(name)), materialised=True)
        for name in MATERIALISED
    ]
    return tuple(made)


def derive_duckdb(
    con: Any,
    tables: set[str] | frozenset[str],
    *,
    into: str = SCHEMA,
    materialised: bool = True,
) -> list[str]:
    """Make, in the schema ``into`` of ``con``, every derived table whose inputs ``tables``
    holds (the Ergast tables only, without ``materialised``), its JSON items rendered."""
    con.execute(f"create schema if not exists {into}")
    made = []
    for table in derivations():
        if table.depends_on <= tables and (materialised or not table.materialised):
            target = f"{into}.{table.name}"
            con.execute(f"create or replace table {target} as {table.sql}")
            if table.name in RENDERED:
                _add_rendered(con, target, table.name)
            made.append(table.name)
    return made


def _add_rendered(con: Any, target: str, name: str) -> None:
    """Append the table's rendered JSON columns, row by row (a positional join: the table
    is scanned in the order its rows were rendered)."""
    result = con.execute(f"select * from {target}")
    columns = [column[0] for column in result.description]
    rows = (dict(zip(columns, values, strict=True)) for values in result.fetchall())
    rendered = pa.table(render(rows, RENDERED[name]))
    con.register("rendered_items", rendered)
    try:
        con.execute(
            f"create or replace table {target} as "
            f"select * from {target} positional join rendered_items"
        )
    finally:
        con.unregister("rendered_items")


def derive_postgresql(cur: Any, tables: set[str] | frozenset[str], copied: list[str]) -> list[str]:
    """In PostgreSQL's ``serving`` schema, which holds the Ergast tables ``copied`` there
    from a DuckDB derivation (``publish``): their indexes, and the materialised serving
    queries as materialised views."""
    made = []
    for table in derivations():
        if table.materialised and table.depends_on <= tables:
            cur.execute(f"create materialized view {SCHEMA}.{table.name} as {table.sql}")
            made.append(table.name)
    for name in copied:
        for columns in INDEXES.get(name, ()):
            cur.execute(f"create index on {SCHEMA}.{name} ({', '.join(columns)})")
    for name in (*copied, *made):
        cur.execute(f"analyze {SCHEMA}.{name}")
    return made
