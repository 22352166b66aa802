"""``undercut publish``: refresh the PostgreSQL copy of the warehouse the API serves."""

from __future__ import annotations

from undercut.cli.common import HomeOption, err_console, settings_for, step_spinner


def publish(home: HomeOption = None) -> None:
    """Copy silver, gold and meta from the DuckDB warehouse into PostgreSQL.

    Needed in the production profile (UNDERCUT_DATABASE_URL=postgresql://...) after each
    update or build; the API switches to the new copy atomically. App-database migrations
    run first.

    Example: UNDERCUT_DATABASE_URL=postgresql://undercut@db/undercut undercut publish
    """
    from undercut.appdb.migrate import upgrade
    from undercut.serving.publish import publish as run_publish

    settings = settings_for(home)
    console = err_console()
    upgrade(settings)
    with step_spinner("publish") as on_step:
        result = run_publish(settings, on_step=on_step)
    rows = sum(result.row_counts.values())
    console.print(
        f"published {len(result.row_counts)} tables ({rows:,} rows) in {result.seconds:.2f}s"
    )
