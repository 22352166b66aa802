"""``undercut ingest``: bulk loads into the lake and warehouse."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from undercut.cli.common import HomeOption, err_console, settings_for

app = typer.Typer(help="Bulk-load data into the lake and the warehouse.", no_args_is_help=True)


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
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        console=console,
        transient=True,
    ) as progress:
        steps = progress.add_task("ingest", total=INGEST_STEPS)
        download = progress.add_task("download", visible=False, total=None)

        def on_step(message: str) -> None:
            progress.update(steps, description=message, advance=1)

        def on_download(done: int, total: int | None) -> None:
            progress.update(
                download,
                visible=True,
                completed=done,
                total=total,
                description="downloading archive",
            )

        result = ingest_archive(
            settings, source, on_step=on_step, on_download=on_download, force=force
        )
    if result.status == "up_to_date":
        console.print(
            f"already up to date: archive {result.content_hash[:12]} is loaded "
            f"({settings.warehouse_path}); nothing rewritten"
        )
        return
    table = Table(title=f"Loaded {result.origin}", title_justify="left")
    table.add_column("silver table")
    table.add_column("rows", justify="right")
    for name, rows in result.row_counts.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning.describe()}", highlight=False)
    console.print(
        f"archive {result.content_hash[:12]} → {settings.warehouse_path} "
        f"in {result.seconds:.2f}s; report: {result.report_path}"
    )
