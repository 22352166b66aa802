"""``undercut sql`` and ``undercut export``: the warehouse, read-only, from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from undercut.cli.common import FormatOption, HomeOption, OutputFormat, emit, err_console
from undercut.errors import InputError


def sql(
    statement: Annotated[str, typer.Argument(help="One read-only SQL query (DuckDB dialect).")],
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Run one read-only query against the warehouse (silver, gold and meta tables).

    Statements that write (create, insert, delete, copy, attach, set …) exit with code 2.

    Example: undercut sql "select driver_id, wins from gold.driver_summary limit 5"
    """
    from undercut.notebook import Warehouse

    table = Warehouse.open(home).sql_arrow(statement)
    emit(table.to_pylist(), fmt, title=None)


def export(
    table: Annotated[str, typer.Argument(help="A table, e.g. gold.driver_summary.")],
    to: Annotated[
        Path,
        typer.Option(
            "--to", help="Output file; .parquet or .csv decides the format.", dir_okay=False
        ),
    ],
    home: HomeOption = None,
) -> None:
    """Write one warehouse table to a Parquet or CSV file.

    Example: undercut export gold.driver_summary --to drivers.parquet
    """
    from undercut.notebook import Warehouse

    suffix = to.suffix.lower()
    if suffix not in {".parquet", ".csv"}:
        raise InputError(f"--to {to}: the file name must end in .parquet or .csv")
    if not to.parent.exists():
        raise InputError(f"--to {to}: directory {to.parent} does not exist")
    warehouse = Warehouse.open(home)
    qualified = warehouse.resolve(table)
    rows = warehouse.export(qualified, to)
    err_console().print(f"{qualified}: {rows:,} rows → {to}", highlight=False)
