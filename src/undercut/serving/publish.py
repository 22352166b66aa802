"""``undercut publish``: copy silver, gold and meta from DuckDB into PostgreSQL.

The production profile serves the API from PostgreSQL, so several API processes on
several machines read one database while ``update``/``build`` rewrite the DuckDB file.
A publish loads every table into ``<schema>_next`` schemas inside one transaction, then
drops the old schemas and renames the new ones into place before committing: readers see
the previous copy or the new one, never a mix, and a failed publish changes nothing.

In the same transaction it makes what PostgreSQL needs to answer as fast as the embedded
profile, each justified by a measured plan (``EXPLAIN ANALYZE``, see the README):

- **indexes** on the columns the Ergast and /api/v1 queries filter and join on
  (``INDEXES``): without them a driver-standings query scanned all 27,000 race results once
  per listed driver (22 times 7 ms);
- **statistics** (``ANALYZE``) of every table, so the planner knows their sizes;
- the ``serving`` schema of what every served copy derives (``serving.derived``): the
  Ergast API's joined tables with their rendered JSON, made by DuckDB exactly as the
  embedded profile makes them and copied as indexed tables; and the serving queries that
  take no parameter but rank or aggregate whole tables, as **materialised views**. Career
  and season summaries are gold tables already, published as tables with indexes on their
  keys. Every publish makes them afresh from the data it publishes.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from undercut.appdb.base import get_engine
from undercut.config import Settings
from undercut.errors import InputError, WarehouseError
from undercut.serving.derived import SCHEMA as DERIVED_SCHEMA
from undercut.serving.derived import derive_duckdb, derive_postgresql
from undercut.serving.store import SERVED_SCHEMAS, attach_readonly, built_at_of

BATCH = 10_000
# Where a publish derives the Ergast tables before copying them: the in-memory database
# of its DuckDB connection (the warehouse itself is attached read-only).
_DERIVED_HERE = "memory.serving"

# (table, columns) of every index a publish makes; tables the warehouse lacks are skipped.
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("silver.races", ("season", "round")),
    ("silver.races", ("circuit_id",)),
    ("silver.race_results", ("result_id",)),
    ("silver.race_results", ("season", "round")),
    ("silver.race_results", ("driver_id", "season", "round")),
    ("silver.race_results", ("constructor_id",)),
    ("silver.race_results", ("status_id",)),
    ("silver.qualifying", ("season", "round")),
    ("silver.qualifying", ("driver_id",)),
    ("silver.qualifying", ("constructor_id",)),
    ("silver.sprint_results", ("season", "round")),
    ("silver.sprint_results", ("driver_id",)),
    ("silver.driver_standings", ("season", "round")),
    ("silver.driver_standings", ("driver_id",)),
    ("silver.constructor_standings", ("season", "round")),
    ("silver.constructor_standings", ("constructor_id",)),
    ("silver.pit_stops", ("season", "round")),
    ("silver.lap_times", ("season", "round")),
    ("silver.drivers", ("driver_id",)),
    ("silver.constructors", ("constructor_id",)),
    ("silver.circuits", ("circuit_id",)),
    ("gold.race_starts", ("driver_id",)),
    ("gold.race_starts", ("season", "round", "constructor_id")),
    ("gold.teammate_h2h", ("driver_id",)),
    ("gold.driver_elo_history", ("driver_id",)),
    ("gold.constructor_elo_history", ("constructor_id",)),
    ("gold.driver_summary", ("driver_id",)),
    ("gold.constructor_summary", ("constructor_id",)),
    ("gold.driver_season_summary", ("driver_id",)),
    ("gold.constructor_season_summary", ("constructor_id",)),
    ("gold.driver_standings", ("season", "round")),
    ("gold.constructor_standings", ("season", "round")),
)
_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric",
    "HUGEINT": "numeric",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "JSON": "text",
    "BLOB": "bytea",
    "UUID": "uuid",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


@dataclass
class PublishResult:
    publish_id: str
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql:", "postgresql+", "postgres:"))


def pg_type(duck_type: str) -> tuple[str, bool]:
    """PostgreSQL type for a DuckDB column type, and whether values pass through as-is
    (others, such as lists and structs, are published as their text form)."""
    if duck_type in _TYPES:
        return _TYPES[duck_type], True
    match = _DECIMAL.match(duck_type)
    if match:
        return f"numeric({match.group(1)},{match.group(2)})", True
    return "text", False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _holds_a_build(pg: Any) -> bool:
    """Whether PostgreSQL serves a copy with gold built: an unbuilt warehouse (just
    ingested) must never replace it; a first copy of silver alone may be published."""
    with pg.cursor() as cur:
        cur.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'meta' and table_name = 'builds'"
        )
        row = cur.fetchone()
    pg.rollback()
    return bool(row and row[0])


def publish(settings: Settings, on_step: Callable[[str], None] | None = None) -> PublishResult:
    """Copy the warehouse's silver, gold and meta tables into the PostgreSQL app database.

    Raises:
        InputError: the app database is not PostgreSQL.
        WarehouseError: no warehouse yet, it is locked by a running update/build, or its
            gold is not built since its last ingest while PostgreSQL holds a built copy.
    """
    if not is_postgres(settings.app_database_url):
        raise InputError(
            "UNDERCUT_DATABASE_URL: publish needs a postgresql:// database "
            "(the embedded profile serves the DuckDB warehouse directly)"
        )
    step = on_step or (lambda _msg: None)
    started = time.perf_counter()
    result = PublishResult(uuid.uuid4().hex)
    warehouse = attach_readonly(settings)
    con = warehouse.__enter__()
    raw = get_engine(settings).raw_connection()
    try:
        pg: Any = raw.driver_connection
        if built_at_of(con) is None and _holds_a_build(pg):
            raise WarehouseError(
                "the warehouse has no gold built since its last ingest; run `undercut build`, "
                "then `undercut publish` (the published copy stays as it is)"
            )
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'wh' and table_schema in ('silver', 'gold', 'meta') "
            "and table_type = 'BASE TABLE' "
            "order by table_schema, table_name"
        ).fetchall()
        published = {f"{schema}.{name}" for schema, name in tables}
        step("deriving the Ergast tables")
        derived = derive_duckdb(con, published, into=_DERIVED_HERE, materialised=False)
        schemas = (*SERVED_SCHEMAS, DERIVED_SCHEMA)
        with pg.cursor() as cur:
            for schema in schemas:
                cur.execute(f"drop schema if exists {schema}_next cascade")
                cur.execute(f"create schema {schema}_next")
            for schema, name in tables:
                step(f"publishing {schema}.{name}")
                result.row_counts[f"{schema}.{name}"] = _copy_table(con, cur, schema, name)
            for name in derived:
                step(f"publishing {DERIVED_SCHEMA}.{name}")
                _copy_table(con, cur, DERIVED_SCHEMA, name, source=f"{_DERIVED_HERE}.{name}")
            cur.execute(
                "create table meta_next.publishes (publish_id text primary key, "
                "published_at timestamptz not null, row_counts text)"
            )
            cur.execute(
                "insert into meta_next.publishes values (%s, %s, %s)",
                [result.publish_id, datetime.now(UTC), repr(result.row_counts)],
            )
            step("swapping in the new copy")
            for schema in schemas:
                cur.execute(f"drop schema if exists {schema} cascade")
                cur.execute(f"alter schema {schema}_next rename to {schema}")
            step("indexing and materialising views")
            _speed_up(cur, published, derived)
        pg.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
        warehouse.__exit__(None, None, None)
    result.seconds = time.perf_counter() - started
    return result


def _speed_up(cur: Any, published: set[str], derived: list[str]) -> None:
    """Indexes, planner statistics and materialised views on the copy just swapped in."""
    for table, columns in INDEXES:
        if table in published:
            schema, name = table.split(".")
            cur.execute(
                f"create index on {schema}.{_quote(name)} ("
                + ", ".join(_quote(column) for column in columns)
                + ")"
            )
    derive_postgresql(cur, published, derived)
    for table in sorted(published):
        schema, name = table.split(".")
        cur.execute(f"analyze {schema}.{_quote(name)}")


def _copy_table(con: Any, cur: Any, schema: str, name: str, source: str | None = None) -> int:
    """Copy a DuckDB table (``schema.name`` unless ``source`` names another) into
    ``schema_next.name``."""
    source = source or f"{schema}.{_quote(name)}"
    columns = con.execute(f"describe {source}").fetchall()
    specs = [(str(c[0]), *pg_type(str(c[1]))) for c in columns]
    target = f"{schema}_next.{_quote(name)}"
    cur.execute(
        f"create table {target} ("
        + ", ".join(f"{_quote(col)} {kind}" for col, kind, _ in specs)
        + ")"
    )
    passthrough = [ok for _, _, ok in specs]
    result = con.execute(f"select * from {source}")
    count = 0
    column_list = ", ".join(_quote(col) for col, _, _ in specs)
    with cur.copy(f"copy {target} ({column_list}) from stdin") as copy:
        while batch := result.fetchmany(BATCH):
            for row in batch:
                if all(passthrough):
                    copy.write_row(row)
                else:
                    copy.write_row(
                        [
                            v if ok or v is None else str(v)
                            for v, ok in zip(row, passthrough, strict=True)
                        ]
                    )
            count += len(batch)
    return count
