"""Connections to the DuckDB warehouse and the SQL helpers every model may use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from undercut.config import Settings
from undercut.errors import WarehouseError
from undercut.sql import SqlFolder

SCHEMAS = ("silver", "gold", "meta")

# Lap and session times as written by Ergast: "1:34:50.616", "1:27.452", "27.452"; null
# when not such a time or beyond an integer of milliseconds.
_MACROS = (
    """
    create or replace macro duration_ms(t) as (
        case when t is null or not regexp_full_match(trim(t), '(\\d+:){0,2}\\d+(\\.\\d+)?')
             then null
             else try_cast(round(1000 * (
                 cast(string_split(trim(t), ':')[-1] as double)
                 + 60 * coalesce(cast(string_split(trim(t), ':')[-2] as double), 0)
                 + 3600 * coalesce(cast(string_split(trim(t), ':')[-3] as double), 0)
             )) as integer)
        end)
    """,
)


def install_macros(con: duckdb.DuckDBPyConnection, *, temporary: bool = False) -> None:
    """Temporary macros on a read-only connection, which may not write the catalog."""
    for statement in _MACROS:
        if temporary:
            statement = statement.replace("create or replace macro", "create or replace temp macro")
        con.execute(statement)


_LOCKED = re.compile(r'lock on file "(?P<path>[^"]+)".*?\(PID (?P<pid>\d+)\)', re.DOTALL)


def describe_duckdb_error(exc: Exception) -> str:
    """One line for a DuckDB failure: a file locked by another process names the file and
    that process; anything else gives DuckDB's first line."""
    text = str(exc)
    locked = _LOCKED.search(text)
    if locked:
        return (
            f"warehouse {locked['path']} is in use by another process (pid {locked['pid']}); "
            "try again when it has finished"
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"warehouse: {first}"


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file with undercut's schemas and macros available."""
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
    install_macros(con, temporary=read_only)
    return con


@contextmanager
def open_warehouse(
    settings: Settings, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the home's warehouse; a clear error when nothing has been ingested yet."""
    path = settings.warehouse_path
    if not path.exists():
        raise WarehouseError(f"{path}: no warehouse yet; run `undercut ingest archive` first")
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def attach_read_only(
    path: Path, alias: str = "warehouse", *, macros: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short in-memory connection with the warehouse file attached read-only as ``alias``
    (and in use, so ``silver.x`` names resolve).

    The file is never opened for writing, so ``update`` and ``build`` in another process
    can still replace it while a reader (a notebook, ``undercut stats``) holds this.
    ``macros=False`` skips undercut's SQL macros, for a quick reader whose queries use none.
    """
    con = duckdb.connect(":memory:")
    try:
        if macros:
            install_macros(con)
        quoted = str(path).replace("'", "''")
        try:
            con.execute(f"attach '{quoted}' as {alias} (read_only)")
        except duckdb.Error as exc:
            raise WarehouseError(describe_duckdb_error(exc)) from exc
        con.execute(f"use {alias}")
        yield con
    finally:
        con.close()


def attached_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table of an attached warehouse as ``layer.name`` (silver, gold, meta), sorted."""
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = 'warehouse' and table_schema in ('silver', 'gold', "
        "'meta') order by 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (its type when it has none)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, _, name = qualified.partition(".")
    # fetchall, not fetchone: a result left unfinished blocks ``register`` on this connection.
    rows = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return bool(rows and rows[0][0])


def sql_folder(layer: str) -> SqlFolder:
    """``warehouse/sql/<layer>``: silver declarations, gold tables, a loader's transforms."""
    return SqlFolder(sql_dir() / layer)


def sql_dir() -> Path:
    return Path(__file__).parent / "sql"
