"""Read-only access to the warehouse for notebooks: tables and queries as pandas or Arrow.

``undercut.open()`` is what a FastF1/pandas user reaches for: no SQL engine to learn, a
DataFrame per table, and plain SQL when they want it. Every call opens its own short
read-only connection and closes it again, so a notebook left open never holds the
warehouse file and never blocks ``undercut update`` or ``undercut build`` in another
process. Only queries are accepted: a statement that would write (``create``, ``insert``,
``copy``, ``attach``, ``set`` …) is refused before it reaches the database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from undercut.config import Settings, get_settings
from undercut.errors import InputError, WarehouseError
from undercut.warehouse import db

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

Params = Sequence[Any] | Mapping[str, Any] | None

# Statement kinds that only read; SHOW, DESCRIBE, SUMMARIZE and VALUES are SELECTs too.
_READ_ONLY = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_TABLE_NAME = re.compile(r"^(silver|gold|meta)\.([a-z_][a-z0-9_]*)$")

LAYERS = ("silver", "gold", "meta")


def read_only_statement(sql: str) -> str:
    """The one read-only statement in ``sql``, or an ``InputError`` saying why not.

    Raises:
        InputError: empty text, several statements, a statement that writes, or a syntax
            error.
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise InputError(f"sql: {db.first_line(exc)}") from exc
    if len(statements) != 1:
        raise InputError(f"sql: expected one statement, got {len(statements)}")
    kind = statements[0].type
    if kind not in _READ_ONLY:
        raise InputError(
            f"sql: {kind.name.lower()} statements are refused: the warehouse is read-only "
            "here (only select/with/show/describe/explain queries run)"
        )
    return sql


class Warehouse:
    """A data home's warehouse, read-only. Build one with ``undercut.open(home)``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def open(cls, home: str | None = None) -> Warehouse:
        """The warehouse of ``home`` (default: ``UNDERCUT_HOME``, else ``./.undercut``).

        Raises:
            WarehouseError: nothing has been ingested into that home yet.
        """
        settings = get_settings(home=home)
        if not settings.warehouse_path.exists():
            raise WarehouseError(
                f"{settings.warehouse_path}: no warehouse yet; run `undercut ingest archive` first"
            )
        return cls(settings)

    @property
    def path(self) -> Path:
        return self.settings.warehouse_path

    def __repr__(self) -> str:
        return f"Warehouse({str(self.path)!r})"

    def connect(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A short connection with the warehouse attached read-only (closed on exit)."""
        return db.attach_read_only(self.path)

    def tables(self) -> list[str]:
        """Every table as ``layer.name`` (silver, gold and meta), sorted."""
        with self.connect() as con:
            return db.attached_tables(con)

    def resolve(self, name: str) -> str:
        """``name`` checked against the warehouse: ``layer.table`` (``gold`` when no layer).

        Raises:
            InputError: not a table of the warehouse (the message lists close names).
        """
        qualified = name.strip().lower()
        if "." not in qualified:
            qualified = f"gold.{qualified}"
        known = self.tables()
        if not _TABLE_NAME.match(qualified) or qualified not in known:
            close = difflib.get_close_matches(qualified, known, n=3, cutoff=0.75)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else '; list them with `undercut sql "show all tables"`'
            )
            raise InputError(f"table {name!r} not found in {self.path}{hint}")
        return qualified

    def arrow(self, name: str) -> pa.Table:
        """A whole table as an Arrow table, e.g. ``wh.arrow("gold.driver_elo_history")``."""
        qualified = self.resolve(name)
        with self.connect() as con:
            return con.sql(f"select * from {qualified}").to_arrow_table()

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a pandas DataFrame, e.g. ``wh.table("gold.driver_summary")``."""
        return self.arrow(name).to_pandas()

    def sql(self, query: str, params: Params = None) -> pd.DataFrame:
        """Run one read-only query; parameters as ``?`` (a list) or ``$name`` (a dict).

        Raises:
            InputError: the statement writes, or the query is invalid.
        """
        return self.sql_arrow(query, params).to_pandas()

    def sql_arrow(self, query: str, params: Params = None) -> pa.Table:
        """Like ``sql`` but returns an Arrow table."""
        statement = read_only_statement(query)
        with self.connect() as con:
            try:
                return con.sql(statement, params=params).to_arrow_table()
            except (
                duckdb.ParserException,
                duckdb.BinderException,
                duckdb.CatalogException,
                duckdb.InvalidInputException,
                duckdb.ConversionException,
            ) as exc:
                raise InputError(f"sql: {db.first_line(exc)}") from exc
            except duckdb.Error as exc:
                raise WarehouseError(f"sql: {db.first_line(exc)}") from exc

    def export(self, name: str, target: Path) -> int:
        """Write a table to ``target`` (``.parquet`` or ``.csv``); returns its row count.

        The file is written beside the target and renamed into place, so an interrupted
        export never leaves a truncated file under the requested name.
        """
        qualified = self.resolve(name)
        options = (
            "format parquet" if target.suffix.lower() == ".parquet" else "format csv, header true"
        )
        partial = target.with_name(f".{target.name}.partial")
        quoted = str(partial).replace("'", "''")
        with self.connect() as con:
            try:
                con.execute(f"copy (select * from {qualified}) to '{quoted}' ({options})")
            except duckdb.Error as exc:
                partial.unlink(missing_ok=True)
                raise WarehouseError(f"{target}: export failed: {db.first_line(exc)}") from exc
            row = con.execute(f"select count(*) from {qualified}").fetchone()
        partial.replace(target)
        return int(row[0]) if row else 0
