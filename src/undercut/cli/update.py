"""``undercut update``: pull the races since the archive from the Ergast-compatible API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    emit,
    err_console,
    settings_for,
)
from undercut.config import Settings

ProgressCallback = Callable[[str, int, int], None]


def update(
    season: Annotated[
        int | None, typer.Option("--season", "-s", help="Only this season.", show_default=False)
    ] = None,
    round: Annotated[
        int | None,
        typer.Option(
            "--round",
            "-r",
            help="Only this round (needs --season); fetched even "
            "if complete, to pick up a corrected result.",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Ergast-compatible API root. Env: "
            "UNDERCUT_JOLPICA_URL. Default: https://api.jolpi.ca/ergast/f1/",
            show_default=False,
        ),
    ] = None,
    sessions: Annotated[
        bool,
        typer.Option(
            "--sessions",
            help="Also pull what is missing of OpenF1 session timing (2023 onwards) and "
            "Open-Meteo race weather for finished races, then rebuild gold.",
        ),
    ] = False,
    telemetry: Annotated[
        bool,
        typer.Option(
            "--telemetry",
            help="With --sessions: also the OpenF1 car data and positions of the races and "
            "sprints of the season (--season, default the latest) not yet on the lake "
            "(~5 MB per race; practice and qualifying: `undercut telemetry pull`).",
        ),
    ] = False,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Pull new races from the Ergast-compatible API (Jolpica) and rebuild gold.

    Reads each season's schedule, then for every race whose qualifying has happened and
    that is not complete in the warehouse (or finished within the last week, when
    penalties may still change it): qualifying, sprint, results, pit stops, laps and the
    standings after it. Each race is applied in its own transaction; new drivers,
    constructors and circuits are created; corrected results are updated in place and
    logged in meta.update_changes. Responses are kept verbatim in bronze/jolpica/ and
    cached, so running it again right away makes no API calls. Limits:
    UNDERCUT_JOLPICA_LIMITS (default 4/s;500/h, `none` against a local mirror).

    Examples: undercut update ;  undercut update --season 2026 --round 5 ;
    undercut update --sessions ;  undercut update --sessions --telemetry
    """
    from undercut.ingest.update import update as run

    if telemetry and not sessions:
        from undercut.errors import InputError

        raise InputError("--telemetry needs --sessions (telemetry is sliced by session laps)")
    settings = settings_for(home)
    console = err_console()
    with _progress(console, "Jolpica") as report:
        summary = run(settings, season, round, base_url, report)
    rows = [
        {"table": f"silver.{name}", "rows written": count}
        for name, count in sorted(summary.rows.items())
    ]
    if rows or fmt is not OutputFormat.table:
        emit(rows, fmt, title="Rows written", document=summary.as_dict())
    added = ", ".join(summary.races_added) or "none"
    changed = ", ".join(summary.races_changed) or "none"
    console.print(f"races added: {added}; changed: {changed}", highlight=False)
    if summary.races_pending:
        console.print(f"waiting for results: {', '.join(summary.races_pending)}", highlight=False)
    if summary.races_cancelled:
        console.print(f"cancelled: {', '.join(summary.races_cancelled)}", highlight=False)
    if summary.empty_seasons:
        console.print(
            f"no schedule published yet for {', '.join(map(str, summary.empty_seasons))}",
            highlight=False,
        )
    gold = {"built": "gold rebuilt", "up_to_date": "gold up to date", None: "gold unchanged"}
    console.print(
        f"{summary.api_calls} API call(s), {summary.from_cache} answered from "
        f"cache, {summary.retries} retr{'y' if summary.retries == 1 else 'ies'}; "
        f"{gold.get(summary.gold, summary.gold)}; {summary.seconds:.1f}s "
        f"({summary.source})",
        highlight=False,
    )
    if sessions:
        _pull_sessions_and_weather(settings, season, console)
    if telemetry:
        from undercut.telemetry.pull import pull_missing_telemetry

        with _progress(console, "OpenF1 telemetry") as report:
            pulled = pull_missing_telemetry(settings, season, report)
        written = sum(r.partitions_written for r in pulled)
        console.print(
            f"telemetry: {len(pulled)} round(s) looked at, {written} driver stream(s) "
            f"written, {sum(len(r.warnings) for r in pulled)} warning(s)",
            highlight=False,
        )


@contextmanager
def _progress(console: Console, label: str) -> Iterator[ProgressCallback]:
    """A transient bar fed by the loaders' (description, done, total) callbacks."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def report(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total or None)

        yield report


def _pull_sessions_and_weather(settings: Settings, season: int | None, console: Console) -> None:
    """The session-level sources, after the results they are mapped onto are in."""
    from undercut.ingest.sessions import pull_missing_sessions
    from undercut.ingest.weather import pull_missing_weather
    from undercut.warehouse.build import build_gold

    with _progress(console, "OpenF1") as report:
        timing = pull_missing_sessions(settings, season, report)
    with _progress(console, "Open-Meteo") as report:
        weather = pull_missing_weather(settings, season, report)
    rebuilt = ""
    if timing.sessions_fetched or weather.fetched:
        build_gold(settings)
        rebuilt = "; gold rebuilt"
    console.print(
        f"sessions: {timing.sessions_fetched} fetched, {timing.sessions_pending} waiting, "
        f"{timing.requests} request(s); weather: {weather.fetched} race(s) fetched, "
        f"{weather.requests} request(s){rebuilt}",
        highlight=False,
    )
