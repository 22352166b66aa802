"""What each served copy derives once, so that requests filter rows instead of joining and
ranking whole tables on every call.

Two kinds, made in the ``serving`` schema of every served copy: by ``SnapshotStore.load``
as tables of the in-memory snapshot (embedded profile) and by ``undercut publish`` as
materialised views with indexes (production profile), from the same SQL:

- **the Ergast API's tables** (``derived/*.sql``, DuckDB SQL that ``dialect`` turns into
  PostgreSQL's): each result, qualifying entry and standing joined once to its race,
  circuit, driver and constructor. Before, every Ergast request planned those joins again
  (and ranked qualifying sessions, and listed each driver's constructors round by round):
  planning cost DuckDB several times what running did, 8 to 12 ms for a page of 2023 results.
  They read silver only, so the Ergast API still answers from a warehouse that was
  ingested and not built yet;
- **the serving queries that take no parameter but rank or aggregate whole tables**
  (``MATERIALISED``, from ``serving/queries``: the driver and constructor rankings, the last
  and next race); ``/api/v1`` reads them instead of running the query.

A table whose inputs the copy lacks (gold before ``undercut build``) is not made; its
readers fall back to the query (``/api/v1``) or answer 503 (Ergast).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from undercut.serving.dialect import postgresql
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
    duckdb: str
    postgresql: str
    depends_on: frozenset[str]


def _depends_on(header: dict[str, str]) -> frozenset[str]:
    return frozenset(part.strip() for part in header["depends on"].split(","))


@cache
def derivations() -> tuple[Derived, ...]:
    """Every derived table, in the order they are made (read and translated once: the files
    do not change while the service runs, and every snapshot load asks again)."""
    made = [
        Derived(
            name,
            DERIVED.text(name),
            postgresql(DERIVED.text(name)),
            _depends_on(DERIVED.header(name)),
        )
        for name in DERIVED.names()
        if not name.startswith("_")  # included by the others
    ]
    made += [
        Derived(name, query(name), query(name), _depends_on(QUERIES.header(name)))
        for name in MATERIALISED
    ]
    return tuple(made)


def derive_duckdb(con: Any, tables: set[str] | frozenset[str]) -> list[str]:
    """Make, in ``serving`` of ``con``, every derived table whose inputs ``tables`` holds."""
    con.execute(f"create schema if not exists {SCHEMA}")
    made = []
    for table in derivations():
        if table.depends_on <= tables:
            con.execute(f"create or replace table {SCHEMA}.{table.name} as {table.duckdb}")
            made.append(table.name)
    return made


def derive_postgresql(cur: Any, tables: set[str] | frozenset[str]) -> list[str]:
    """The same as materialised views in a fresh ``serving`` schema, indexed and analysed."""
    cur.execute(f"drop schema if exists {SCHEMA} cascade")
    cur.execute(f"create schema {SCHEMA}")
    made = []
    for table in derivations():
        if table.depends_on <= tables:
            cur.execute(f"create materialized view {SCHEMA}.{table.name} as {table.postgresql}")
            for columns in INDEXES.get(table.name, ()):
                cur.execute(f"create index on {SCHEMA}.{table.name} ({', '.join(columns)})")
            cur.execute(f"analyze {SCHEMA}.{table.name}")
            made.append(table.name)
    return made
