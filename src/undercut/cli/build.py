"""``undercut build``: (re)build the gold layer from silver."""

from __future__ import annotations

from typing import Annotated

import typer

from undercut.cli.common import HomeOption, err_console, settings_for, step_spinner


def build(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even if silver and the gold SQL are unchanged.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Build the gold layer: summaries, standings, Elo ratings, head-to-heads.

    Every table in warehouse/sql/gold (plus the Elo tables built in Python) is built in
    dependency order inside one transaction, checked, and written to the lake as
    gold/<table>.parquet. Only the tables whose inputs changed are rebuilt (season-keyed
    tables only for the changed seasons; Elo continues from the races already rated);
    nothing is rebuilt when silver has not changed since the last build. --force rebuilds
    everything from scratch.

    Example: undercut build --home .undercut
    """
    from undercut.warehouse.build import build_gold

    settings = settings_for(home)
    console = err_console()
    with step_spinner("build") as on_step:
        result = build_gold(settings, force=force, on_step=on_step)
    if result.status == "up_to_date":
        console.print(
            "gold is up to date: silver and the gold SQL unchanged since the last build "
            "(use --force to rebuild)"
        )
        return
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning.describe()}", highlight=False)
    rows = sum(result.row_counts.values())
    unchanged = f", {len(result.skipped)} unchanged" if result.skipped else ""
    by_season = f", {len(result.partial)} for changed seasons only" if result.partial else ""
    console.print(
        f"built {len(result.rebuilt)} of {len(result.row_counts)} gold tables "
        f"({rows:,} rows{unchanged}{by_season}) in {result.seconds:.2f}s → "
        f"{settings.warehouse_path}"
    )
