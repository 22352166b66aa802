"""Where telemetry lives on the lake, and DuckDB connections that read it in place.

Silver telemetry is Parquet (zstd) partitioned hive-style,
``silver/telemetry/<stream>/season=S/round=R/session=CODE/driver=DRIVER_ID/data.parquet``,
one file per driver and session; gold aggregates are
``gold/telemetry_<grain>/season=S/round=R/session=CODE/data.parquet``. Nothing of it is
copied into the warehouse file: queries read the files with ``read_parquet`` through the
lake's fsspec filesystem, so a home on S3 answers the same queries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from undercut.lake import Lake
from undercut.sql import SqlFolder, duckdb_params

STREAMS = ("car_data", "location")
# ``--session`` codes → OpenF1 session names (sprint qualifying was "Sprint Shootout" in 2023).
SESSION_CODES: dict[str, tuple[str, ...]] = {
    "FP1": ("Practice 1",),
    "FP2": ("Practice 2",),
    "FP3": ("Practice 3",),
    "SQ": ("Sprint Qualifying", "Sprint Shootout"),
    "S": ("Sprint",),
    "Q": ("Qualifying",),
    "R": ("Race",),
}


def session_code(name: str | None) -> str | None:
    """The ``--session`` code of an OpenF1 session name (``Race`` → ``R``)."""
    for code, names in SESSION_CODES.items():
        if name in names:
            return code
    return None


def sql() -> SqlFolder:
    return SqlFolder(Path(__file__).parent / "sql")


@dataclass(frozen=True)
class Partition:
    """One driver's session: the hive keys of its silver files."""

    season: int
    round: int
    session: str
    driver_id: str

    def parts(self, stream: str) -> tuple[str, ...]:
        return (
            "silver",
            "telemetry",
            stream,
            f"season={self.season}",
            f"round={self.round}",
            f"session={self.session}",
            f"driver={self.driver_id}",
            "data.parquet",
        )


def gold_parts(table: str, season: int, round: int, session: str) -> tuple[str, ...]:
    return (
        "gold",
        f"telemetry_{table}",
        f"season={season}",
        f"round={round}",
        f"session={session}",
        "data.parquet",
    )


@cache
def _database() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process: opening a database costs ~20 ms, more than
    reading a lap, so readers take a cursor of this one instead."""
    con = duckdb.connect(":memory:")
    con.execute("set timezone = 'UTC'")
    return con


_registered: set[str] = set()
_lock = threading.Lock()


@contextmanager
def connect(lake: Lake) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection (UTC) that sees the lake: its fsspec filesystem is registered
    when remote. A cursor of the process's in-memory database, closed afterwards (with
    any temporary table made on it)."""
    with _lock:
        database = _database()
        if lake.is_remote and lake.fs.protocol not in _registered:
            database.register_filesystem(lake.fs)
            _registered.add(lake.fs.protocol)
        cursor = database.cursor()
    try:
        cursor.execute("set timezone = 'UTC'")
        yield cursor
    finally:
        cursor.close()


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run ``telemetry/sql/<name>.sql`` with its ``:name`` parameters."""
    text, values = duckdb_params(sql().text(name), params)
    return con.execute(text, values)


def arrow(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pa.Table:
    """The rows of ``telemetry/sql/<name>.sql`` as an Arrow table."""
    text, values = duckdb_params(sql().text(name), params)
    return con.sql(text, params=values).to_arrow_table()


def write_parquet(
    lake: Lake,
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None,
    parts: tuple[str, ...],
) -> int:
    """Write the rows of ``telemetry/sql/<name>.sql`` to ``parts``; returns the bytes."""
    text, values = duckdb_params(sql().text(name), params)
    return copy_to_lake(lake, con, text, parts, values)


def copy_to_lake(
    lake: Lake,
    con: duckdb.DuckDBPyConnection,
    select: str,
    parts: tuple[str, ...],
    values: Mapping[str, Any] | None = None,
) -> int:
    """Write ``select`` to ``parts`` as zstd Parquet, atomically (staged, then committed
    whole, so a reader sees the old file or the new one); returns the bytes written."""
    staged = Path(lake.staging_path(*parts))
    quoted = str(staged).replace("'", "''")
    try:
        con.execute(
            f"copy ({select}) to '{quoted}' "
            "(format parquet, compression zstd, row_group_size 100000)",
            dict(values or {}),
        )
        size = staged.stat().st_size
        lake.commit_staged(staged, *parts)
    finally:
        staged.unlink(missing_ok=True)
        if lake.is_remote:
            staged.parent.rmdir()
    return size
