"""Helpers shared by the loaders that build silver tables from bronze API payloads.

Those loaders stage typed rows in an in-memory database attached to the warehouse
connection (``openf1``, ``openmeteo``), then replace their silver tables in one
transaction from ``.sql`` transforms, run their warning checks and publish Parquet. A
silver table they own is declared, typed and empty, in ``sql/silver/<name>.sql`` (so an
archive ingest creates it and gold models can always read it); the transform's rows are
inserted *by name* into that declaration, so a transform cannot drift from the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from undercut.config import Settings
from undercut.lake import Lake
from undercut.sources.records import IssueLog
from undercut.sql import SqlFolder
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult, checks_dir, load_checks, run_check

Stage = Callable[[duckdb.DuckDBPyConnection, Lake, IssueLog], Any]


def attach_staging(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A fresh in-memory database ``name`` beside the warehouse, for staged payloads."""
    attached = {
        row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()
    }
    if name in attached:
        con.execute(f"detach {name}")
    con.execute(f"attach ':memory:' as {name}")


def stage_table(con: duckdb.DuckDBPyConnection, schema: str, name: str, data: pa.Table) -> None:
    view = f"_stage_{schema}_{name}"
    con.register(view, data)
    try:
        con.execute(f"create or replace table {schema}.{name} as select * from {view}")
    finally:
        con.unregister(view)


def ensure_silver_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Create ``silver.<name>`` from its typed declaration when the warehouse predates it,
    or add the columns a source-fed table's declaration has gained since (null in
    existing rows)."""
    folder = db.sql_folder("silver")
    declaration = folder.read(name)
    if not db.table_exists(con, f"silver.{name}"):
        con.execute(f"create table silver.{name} as {declaration}")
        return
    if folder.header(name).get("depends on") != "(none)":
        return  # built from the archive's staging tables: its columns come with the archive
    have = {row[0] for row in con.execute(f"describe silver.{name}").fetchall()}
    for column, kind, *_ in con.execute(f"describe ({declaration})").fetchall():
        if column not in have:
            con.execute(f'alter table silver.{name} add column "{column}" {kind}')


def replace_silver(
    con: duckdb.DuckDBPyConnection, transforms: SqlFolder, names: list[str]
) -> dict[str, int]:
    """Replace each ``silver.<name>`` with the rows of ``transforms/<name>.sql``, in order.

    Runs inside the caller's transaction; later transforms may read earlier tables.
    """
    counts: dict[str, int] = {}
    for name in names:
        ensure_silver_table(con, name)
        sql = transforms.read(name)
        con.execute(f"delete from silver.{name}")
        con.execute(f"insert into silver.{name} by name ({sql})")
        row = con.execute(f"select count(*) from silver.{name}").fetchone()
        counts[name] = int(row[0]) if row else 0
    return counts


def replace_source_rows(
    con: duckdb.DuckDBPyConnection, transforms: SqlFolder, names: list[str], source: str
) -> dict[str, int]:
    """Replace the rows of each shared ``silver.<name>`` whose ``source`` is ``source``
    with the rows of ``transforms/<name>.sql``, leaving other sources' rows alone.

    For a table several sources fill (F1DB and OpenF1 practice results); runs inside the
    caller's transaction. Returns the number of rows ``source`` now has in each table.
    """
    counts: dict[str, int] = {}
    for name in names:
        ensure_silver_table(con, name)
        con.execute(f"delete from silver.{name} where source = ?", [source])
        con.execute(f"insert into silver.{name} by name ({transforms.read(name)})")
        row = con.execute(
            f"select count(*) from silver.{name} where source = ?", [source]
        ).fetchone()
        counts[name] = int(row[0]) if row else 0
    return counts


def run_warning_checks(con: duckdb.DuckDBPyConnection, layer: str) -> list[CheckResult]:
    """Every check in ``checks/<layer>``; returns those that found rows."""
    results = [run_check(con, check) for check in load_checks(checks_dir(layer))]
    return [r for r in results if not r.passed]


def check_result(data: dict) -> CheckResult:
    """A payload issue (``IssueLog.results()`` item) as a ``CheckResult``."""
    return CheckResult(**data)


def rebuild_silver(
    settings: Settings,
    log: IssueLog,
    *,
    source: str,
    stage: Stage,
    staged_as: str,
    transforms: SqlFolder,
    tables: list[str],
    checks: str,
    report: str,
    shared: list[str] | None = None,
) -> tuple[dict[str, int], list[CheckResult], str]:
    """Recompute a source's silver ``tables`` from its bronze; return counts, warnings, report.

    The one way an API-fed source becomes silver, so that every such source is staged,
    replaced in one transaction, checked, published and reported alike. ``stage`` fills
    the ``source`` staging database from bronze; what it returns is reported under
    ``staged_as``. ``checks`` names the warning checks' layer, ``report`` the file written
    under ``reports/``. ``shared`` names tables other sources fill too: only the rows
    whose ``source`` column is ``source`` are replaced there.
    """
    lake = Lake.from_settings(settings)
    with db.open_warehouse(settings) as con:
        staged = stage(con, lake, log)
        con.execute("begin transaction")
        try:
            counts = replace_silver(con, transforms, tables)
            counts.update(replace_source_rows(con, transforms, shared or [], source))
            failed = run_warning_checks(con, checks)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        lake.publish_tables(con, "silver", [*tables, *(shared or [])])
        con.execute(f"detach {source}")
    warnings = [check_result(item) for item in log.results()] + failed
    data = {
        "source": source,
        "checked_at": datetime.now(UTC).isoformat(),
        staged_as: staged,
        "row_counts": counts,
        "checks": [w.as_dict() for w in warnings],
        "warnings": len(warnings),
    }
    path = lake.write_json(data, "reports", report)
    return counts, warnings, path
