"""``undercut sessions`` and ``undercut weather``: session timing and race weather.

``pull_sessions``/``pull_weather`` (re-exported here) are what ``undercut update
--sessions`` calls; these commands add progress bars and a summary around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OpenF1UrlOption,
    OutputFormat,
    emit,
    err_console,
    settings_for,
)

if TYPE_CHECKING:
    from undercut.config import Settings
    from undercut.ingest.sessions import Progress as ProgressCallback
    from undercut.ingest.sessions import SessionsResult
    from undercut.ingest.weather import WeatherResult
    from undercut.warehouse.checks import CheckResult

__all__ = [
    "app",
    "pull_missing_sessions",
    "pull_missing_weather",
    "pull_sessions",
    "pull_weather",
    "weather_app",
]


def pull_sessions(
    settings: Settings,
    season: int | None = None,
    round: int | None = None,
    base_url: str | None = None,
    **options: Any,
) -> SessionsResult:
    """Pull OpenF1 sessions and rebuild silver (see ``ingest.sessions``).

    The entry point for ``undercut update --sessions``; imported lazily so that the CLI
    starts fast.
    """
    from undercut.ingest.sessions import pull_sessions as run

    return run(settings, season, round, base_url, **options)


def pull_missing_sessions(
    settings: Settings,
    season: int | None = None,
    progress: ProgressCallback | None = None,
) -> SessionsResult:
    """Fetch the finished races and sprints OpenF1 has and bronze lacks; rebuild silver.

    What ``undercut update --sessions`` calls (see ``ingest.sessions``);
    ``progress`` receives (description, done, total).
    """
    from undercut.ingest.sessions import pull_missing_sessions as run

    return run(settings, season, progress)


def pull_missing_weather(
    settings: Settings,
    season: int | None = None,
    progress: ProgressCallback | None = None,
) -> WeatherResult:
    """Observed weather for the past races bronze lacks (see ``ingest.weather``)."""
    from undercut.ingest.weather import pull_missing_weather as run

    return run(settings, season, progress)


def pull_weather(
    settings: Settings,
    season: int | None = None,
    round: int | None = None,
    base_url: str | None = None,
    **options: Any,
) -> WeatherResult:
    """Pull Open-Meteo weather and rebuild silver (see ``ingest.weather``);
    ``forecast=True`` for an upcoming race."""
    from undercut.ingest.weather import pull_weather as run

    return run(settings, season, round, base_url, **options)


app = typer.Typer(
    help="Session timing from OpenF1: laps, stints, pit stops, race control.", no_args_is_help=True
)
weather_app = typer.Typer(
    help="Race weather from Open-Meteo: observed and forecast.", no_args_is_help=True
)

SeasonOption = Annotated[
    int | None, typer.Option("--season", "-s", help="Only this season.", show_default=False)
]
RoundOption = Annotated[
    int | None,
    typer.Option("--round", "-r", help="Only this round (needs --season).", show_default=False),
]


@contextmanager
def _progress(title: str) -> Iterator[Any]:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console(),
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=None)

        def update(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total or None)

        yield update


def _summary(
    counts: dict[str, int],
    warnings: list[CheckResult],
    fmt: OutputFormat,
    document: dict[str, Any],
    title: str,
) -> None:
    console = err_console()
    rows = [{"table": f"silver.{name}", "rows": rows} for name, rows in counts.items()]
    emit(rows, fmt, title=title, document=document)
    if fmt is OutputFormat.table:
        for warning in warnings[:20]:
            console.print(f"[yellow]warning:[/] {warning.describe()}", highlight=False)
        if len(warnings) > 20:
            console.print(f"[yellow]… {len(warnings) - 20} more warnings[/] in the report")


@app.command("pull")
def sessions_pull(
    season: SeasonOption = None,
    round: RoundOption = None,
    session_key: Annotated[
        int | None,
        typer.Option(
            "--session", help="Only this OpenF1 session_key (any session type).", show_default=False
        ),
    ] = None,
    base_url: OpenF1UrlOption = None,
    all_sessions: Annotated[
        bool,
        typer.Option(
            "--all-sessions", help="Also practice and qualifying, not only races and sprints."
        ),
    ] = False,
    with_timing: Annotated[
        bool,
        typer.Option(
            "--with-timing",
            help="Also running positions and intervals "
            "(large: a record every few seconds per car).",
        ),
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch sessions again even if already stored.")
    ] = False,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Pull OpenF1 session data (2023 on) and rebuild the silver session tables.

    Fetches what bronze lacks for every finished race and sprint in scope (meetings,
    sessions, drivers, laps, stints, pit, weather, race_control; --with-timing adds
    position and intervals), maps car numbers and meetings onto warehouse drivers and
    races, and rebuilds silver.sessions, session_laps (sectors, pit in/out, compound and
    tyre age, track status), stints, session_pits, session_weather and friends. Bad
    payloads become warnings in reports/sessions-latest.json, never a failed load. Run
    `undercut build` afterwards for the gold pace, stint, tyre and pit-loss tables.

    Examples: undercut sessions pull --season 2023 --round 1 ;
    undercut sessions pull --season 2023 --session 7953
    """
    settings = settings_for(home)
    with _progress("OpenF1") as update:
        result = pull_sessions(
            settings,
            season,
            round,
            base_url,
            session_key=session_key,
            all_sessions=all_sessions,
            with_timing=with_timing,
            refresh=refresh,
            on_progress=update,
        )
    document = {
        "seasons": result.seasons,
        "sessions_fetched": result.sessions_fetched,
        "sessions_cached": result.sessions_cached,
        "sessions_pending": result.sessions_pending,
        "requests": result.requests,
        "from_cache": result.from_cache,
        "row_counts": result.row_counts,
        "warnings": [w.as_dict() for w in result.warnings],
        "report": result.report_path,
    }
    _summary(result.row_counts, result.warnings, fmt, document, "Session tables")
    err_console().print(
        f"{result.sessions_fetched} session(s) fetched, {result.sessions_cached} already "
        f"stored, {result.sessions_pending} not finished yet; {result.requests} request(s) "
        f"(+{result.from_cache} from the HTTP cache), "
        f"{len(result.warnings)} warning(s) in {result.seconds:.1f}s; report: "
        f"{result.report_path}",
        highlight=False,
    )


@weather_app.command("pull")
def weather_pull(
    season: SeasonOption = None,
    round: RoundOption = None,
    forecast: Annotated[
        bool,
        typer.Option(
            "--forecast",
            help="Forecast for an upcoming race (default: the "
            "next one) instead of observed weather for past races.",
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Open-Meteo API root (archive API, or the forecast "
            "API with --forecast). Env: UNDERCUT_OPENMETEO_URL / "
            "UNDERCUT_OPENMETEO_FORECAST_URL.",
            show_default=False,
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch observed weather again even if stored.")
    ] = False,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Pull hourly weather at the circuit around each race start from Open-Meteo.

    Without --forecast: observed weather (archive API) for every past race in scope at
    its circuit's coordinates, three hours before to four after the start; races already
    stored with a complete race window are skipped. With --forecast: the forecast API for
    an upcoming race (up to 16 days ahead), including the probability of rain. Rebuilds
    silver.weather_hourly and silver.race_weather (conditions at the start, most rain in
    the race window); problems go to reports/weather-latest.json.

    Examples: undercut weather pull --season 2024 ;  undercut weather pull --forecast
    """
    settings = settings_for(home)
    archive_url = None if forecast else base_url
    forecast_url = base_url if forecast else None
    with _progress("Open-Meteo") as update:
        result = pull_weather(
            settings,
            season,
            round,
            archive_url,
            forecast=forecast,
            forecast_url=forecast_url,
            refresh=refresh,
            on_progress=update,
        )
    document = {
        "races_in_scope": result.races_in_scope,
        "fetched": result.fetched,
        "cached": result.cached,
        "skipped": result.skipped,
        "requests": result.requests,
        "row_counts": result.row_counts,
        "warnings": [w.as_dict() for w in result.warnings],
        "report": result.report_path,
    }
    _summary(result.row_counts, result.warnings, fmt, document, "Weather tables")
    err_console().print(
        f"{result.races_in_scope} race(s) in scope: {result.fetched} fetched, "
        f"{result.cached} already stored, {result.skipped} skipped; {result.requests} "
        f"request(s), {len(result.warnings)} warning(s) in {result.seconds:.1f}s; report: "
        f"{result.report_path}",
        highlight=False,
    )
