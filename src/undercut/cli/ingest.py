"""``undercut ingest``: bulk loads into the lake and warehouse."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from undercut.cli.common import HomeOption, err_console, settings_for

app = typer.Typer(help="Bulk-load data into the lake and the warehouse.", no_args_is_help=True)


@contextmanager
def load_progress(
    console: Console, steps: int, downloading: str
) -> Iterator[tuple[Callable[[str], None], Callable[[int, int | None], None]]]:
    """A bulk load's progress on stderr: its steps, and a download bar shown only when the
    source is a URL. Yields the ``on_step`` and ``on_download`` callbacks loaders take."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        console=console,
        transient=True,
    ) as progress:
        step_task = progress.add_task("ingest", total=steps)
        download = progress.add_task("download", visible=False, total=None)

        def on_step(message: str) -> None:
            progress.update(step_task, description=message, advance=1)

        def on_download(done: int, total: int | None) -> None:
            progress.update(
                download, visible=True, completed=done, total=total, description=downloading
            )

        yield on_step, on_download


def print_loaded(
    console: Console, title: str, row_counts: Mapping[str, int], warnings: Sequence[Any]
) -> None:
    """The rows each silver table received, then the load's warnings."""
    table = Table(title=title, title_justify="left")
    table.add_column("silver table")
    table.add_column("rows", justify="right")
    for name, rows in row_counts.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning.describe()}", highlight=False)


@app.command("archive")
def archive(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help="Directory, .zip or http(s) URL of an Ergast-format CSV archive. "
            "Env: UNDERCUT_ARCHIVE. Default: the public archive.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Reload even if this archive is already loaded.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Load an Ergast-format CSV archive: bronze (verbatim), silver (typed), warehouse.

    Every file is checked (encoding, header, types, keys, references, value ranges) before
    the new warehouse replaces the old one; a failure leaves the old one untouched and
    names the file, line and column at fault. Loading the same archive again does nothing.

    Example: undercut ingest archive --source ../shared/data/ergast
    """
    from undercut.ingest.archive import INGEST_STEPS, ingest_archive

    settings = settings_for(home)
    console = err_console()
    with load_progress(console, INGEST_STEPS, "downloading archive") as (on_step, on_download):
        result = ingest_archive(
            settings, source, on_step=on_step, on_download=on_download, force=force
        )
    if result.status == "up_to_date":
        console.print(
            f"already up to date: archive {result.content_hash[:12]} is loaded "
            f"({settings.warehouse_path}); nothing rewritten"
        )
        return
    print_loaded(console, f"Loaded {result.origin}", result.row_counts, result.warnings)
    console.print(
        f"archive {result.content_hash[:12]} → {settings.warehouse_path} "
        f"in {result.seconds:.2f}s; report: {result.report_path}"
    )


@app.command("f1db")
def f1db(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help="An F1DB clone (or its src/data folder), a source .zip of the F1DB "
            "repository, or an http(s) URL of one. Env: UNDERCUT_F1DB. Default: the "
            "public repository's main branch.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Reload even if this tree is already loaded.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Load F1DB (CC BY 4.0): practice, sprint qualifying, grids, layouts, session times.

    Needs a warehouse (run `undercut ingest archive` first): F1DB's ids are mapped to the
    warehouse's Ergast refs (drivers by date of birth, surname and car number,
    constructors by shared results, circuits by coordinates) and the mapping is kept with
    its evidence in silver.f1db_id_map; ids that match nothing are warnings. Every file is
    typed before anything changes; a bad value stops the load naming file, entry and
    field. Loading the same tree again does nothing. Tables: silver.practice_results,
    sprint_qualifying_results, starting_grids, race_layouts, weekend_sessions,
    driver_of_the_day.

    Example: undercut ingest f1db --source ../shared/data/f1db
    """
    from undercut.ingest.f1db import INGEST_STEPS, ingest_f1db
    from undercut.sources.f1db import ATTRIBUTION

    settings = settings_for(home)
    console = err_console()
    with load_progress(console, INGEST_STEPS, "downloading") as (on_step, on_download):
        result = ingest_f1db(
            settings, source, on_step=on_step, on_download=on_download, force=force
        )
    if result.status == "up_to_date":
        console.print(
            f"already up to date: F1DB {result.content_hash[:12]} is loaded "
            f"({settings.warehouse_path}); nothing changed"
        )
        return
    print_loaded(console, f"Loaded F1DB from {result.origin}", result.row_counts, result.warnings)
    console.print(
        f"F1DB {result.content_hash[:12]} → {settings.warehouse_path} in {result.seconds:.2f}s; "
        f"report: {result.report_path}"
    )
    console.print(ATTRIBUTION, highlight=False)
