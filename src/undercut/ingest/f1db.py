"""F1DB source tree → bronze → silver weekend tables, keyed by the Ergast refs.

F1DB (CC BY 4.0) has what the Ergast archive lacks: free-practice results, sprint
qualifying, starting grids with penalties, circuit layouts per race, weekend session
times and driver of the day. A load reads the tree (a clone, a source archive or a URL),
types and validates every file first (a bad value is a one-line error naming file, entry
and field, and nothing is changed), then, in one transaction on the current warehouse,
maps F1DB's ids to the warehouse's (``silver.f1db_id_map``, with the evidence), replaces
its silver tables and runs its warning checks (unmatched ids). The files read are kept in
bronze verbatim (one zip per content hash, with a manifest of checksums). Loading the same
tree again changes nothing and says so; an archive re-ingest recreates the tables empty,
and the next load fills them again.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from undercut.config import Settings
from undercut.ingest import staging
from undercut.lake import Lake
from undercut.sources.archive import ArchiveLimits, ArchiveSource
from undercut.sources.f1db import ATTRIBUTION, LICENSE, open_f1db, parse_tree
from undercut.sql import SqlFolder
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult

Step = Callable[[str], None]

STAGING = "f1db"
SOURCE = "f1db"
# Tables F1DB alone fills, replaced whole; the id map first: the others read it.
SILVER_TABLES = [
    "f1db_id_map",
    "race_layouts",
    "weekend_sessions",
    "starting_grids",
    "driver_of_the_day",
]
# Tables shared with other sources: only the rows whose ``source`` is F1DB are replaced.
SHARED_TABLES = ["practice_results", "sprint_qualifying_results"]
INGEST_STEPS = 5


@dataclass
class F1dbResult:
    status: str  # "loaded" | "up_to_date"
    content_hash: str
    origin: str
    row_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    report_path: str | None = None
    bronze: str | None = None
    seconds: float = 0.0


def loaded_hash(con: duckdb.DuckDBPyConnection) -> str | None:
    """Content hash of the F1DB tree the warehouse's F1DB tables came from, if any."""
    if not db.table_exists(con, "meta.f1db_ingests"):
        return None
    row = con.execute(
        "select content_hash from meta.f1db_ingests order by loaded_at desc limit 1"
    ).fetchone()
    return str(row[0]) if row else None


def ingest_f1db(
    settings: Settings,
    source_spec: str | None = None,
    *,
    on_step: Step | None = None,
    on_download: Callable[[int, int | None], None] | None = None,
    force: bool = False,
) -> F1dbResult:
    """Load an F1DB source tree into bronze and the warehouse's silver F1DB tables.

    Args:
        settings: the home (its warehouse must exist: F1DB ids are mapped onto it).
        source_spec: a directory, ``.zip`` or http(s) URL; default ``settings.f1db``.
        on_step: called with a description as each step starts.
        on_download: download progress (bytes done, total) for a URL.
        force: reload even when this tree is the one loaded.

    Raises:
        ArchiveError: no F1DB tree in the source, or a file or value that does not parse.
        WarehouseError: no warehouse yet.
        SourceError: a URL could not be downloaded.
    """
    started = time.perf_counter()
    step = on_step or (lambda _msg: None)
    spec = source_spec or settings.f1db
    lake = Lake.from_settings(settings)
    local = settings.local_dir
    local.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="undercut-f1db-", dir=local) as work:
        step(f"reading {spec}")
        source = open_f1db(
            spec,
            Path(work),
            limits=ArchiveLimits.from_settings(settings),
            on_download=on_download,
            timeout=settings.http_timeout,
            attempts=settings.http_retries,
        )
        with db.open_warehouse(settings, read_only=True) as con:
            previous = loaded_hash(con)
        if not force and previous == source.content_hash:
            return F1dbResult(
                "up_to_date", source.content_hash, spec, seconds=time.perf_counter() - started
            )
        step("parsing and typing files")
        tables = parse_tree(source)
        step("mapping ids and building silver tables")
        with db.open_warehouse(settings) as con:
            staging.attach_staging(con, STAGING)
            for name, table in tables.items():
                staging.stage_table(con, STAGING, name, table)
            con.execute("begin transaction")
            try:
                counts = staging.replace_silver(con, _transforms(), SILVER_TABLES)
                counts.update(
                    staging.replace_source_rows(con, _transforms(), SHARED_TABLES, SOURCE)
                )
                warnings = staging.run_warning_checks(con, "f1db")
                _record(con, source, counts, len(warnings))
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            step("writing silver Parquet")
            lake.publish_tables(con, "silver", [*SILVER_TABLES, *SHARED_TABLES])
            con.execute(f"detach {STAGING}")
        step("writing bronze")
        bronze = write_bronze(lake, source)
    report = {
        "source": spec,
        "license": LICENSE,
        "attribution": ATTRIBUTION,
        "content_hash": source.content_hash,
        "checked_at": datetime.now(UTC).isoformat(),
        "files": len(source.files),
        "staged_rows": {name: table.num_rows for name, table in tables.items()},
        "row_counts": counts,
        "checks": [w.as_dict() for w in warnings],
        "warnings": len(warnings),
    }
    report_path = lake.write_json(report, "reports", "f1db-latest.json")
    return F1dbResult(
        "loaded",
        source.content_hash,
        spec,
        counts,
        warnings,
        report_path,
        bronze,
        time.perf_counter() - started,
    )


def _transforms() -> SqlFolder:
    return db.sql_folder("f1db")


def _record(
    con: duckdb.DuckDBPyConnection, source: ArchiveSource, counts: dict[str, int], warnings: int
) -> None:
    con.execute(
        "create table if not exists meta.f1db_ingests (content_hash varchar, source varchar, "
        "loaded_at timestamp, row_counts json, warnings integer)"
    )
    con.execute(
        "insert into meta.f1db_ingests values (?, ?, ?, ?, ?)",
        [
            source.content_hash,
            source.origin,
            datetime.now(UTC).replace(tzinfo=None),
            counts,
            warnings,
        ],
    )


def write_bronze(lake: Lake, source: ArchiveSource) -> str:
    """The files read, verbatim, as one zip per content hash, with a manifest written last."""
    prefix = ("bronze", "f1db", source.content_hash[:16])
    if lake.exists(*prefix, "manifest.json"):
        return lake.url(*prefix)
    staged = Path(lake.staging_path(*prefix, "files.zip"))
    with zipfile.ZipFile(staged, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, item in sorted(source.files.items()):
            archive.write(item.path, name)
    lake.commit_staged(staged, *prefix, "files.zip")
    manifest = {
        "source": source.origin,
        "license": LICENSE,
        "attribution": ATTRIBUTION,
        "content_hash": source.content_hash,
        "retrieved_at": datetime.now(UTC).isoformat(),
        "files": {
            name: {"sha256": item.sha256, "bytes": item.bytes}
            for name, item in sorted(source.files.items())
        },
    }
    lake.write_json(manifest, *prefix, "manifest.json")
    return lake.url(*prefix)
