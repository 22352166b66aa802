"""Open-Meteo → bronze → silver weather at every race (observed, or forecast ahead).

For each race in scope the circuit's coordinates (silver.circuits lat/lng) and start time
(silver.races, estimated from the longitude when unrecorded) decide the request: the
archive API for a race that has happened, the forecast API for one in the next 16 days.
Responses are kept verbatim in bronze (``bronze/openmeteo/archive/<season>/<round>.json``,
forecasts timestamped under ``bronze/openmeteo/forecast/<season>/<round>/``, each with a
manifest), and silver (weather_hourly, race_weather) is recomputed from all of bronze in
one transaction, like the session tables. An archive response still missing hours of the
race window (the archive lags a few days) is fetched again by the next pull.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from undercut.config import Settings
from undercut.errors import InputError
from undercut.ingest import staging
from undercut.lake import Lake
from undercut.sources.openmeteo import (
    ARCHIVE_VARIABLES,
    COLUMNS,
    FORECAST_VARIABLES,
    OpenMeteoClient,
    parse_hourly,
)
from undercut.sources.records import IssueLog
from undercut.sql import SqlFolder
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult

Progress = Callable[[str, int, int], None]

STAGING = "openmeteo"
SILVER_TABLES = ["weather_hourly", "race_weather"]
FORECAST_DAYS = 16
# Archive data for a race is asked for once the race window is this far in the past.
ARCHIVE_AFTER = timedelta(hours=6)
WINDOW = (timedelta(hours=-3), timedelta(hours=4))


@dataclass
class WeatherResult:
    races_in_scope: int = 0
    fetched: int = 0
    cached: int = 0
    skipped: int = 0
    requests: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    report_path: str | None = None
    seconds: float = 0.0


def _transforms() -> SqlFolder:
    return db.sql_folder("weather")


def _race_starts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    sql = _transforms().read("race_starts")
    cursor = con.execute(f"select * from ({sql}) order by race_start_at")
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _archive_parts(season: int, round_: int) -> tuple[str, ...]:
    return ("bronze", "openmeteo", "archive", str(season), f"{round_}.json")


def _window_complete(payload: Any, race_start: datetime) -> bool:
    """True when every hour of the race window has a temperature and a precipitation."""
    rows = parse_hourly(payload, where="", log=IssueLog())
    start = race_start.replace(minute=0, second=0, microsecond=0)
    needed = {start + timedelta(hours=h) for h in range(0, 3)}
    have = {
        r["hour_at"]
        for r in rows
        if r["temperature_c"] is not None and r["precipitation_mm"] is not None
    }
    return needed <= have


def _scope(
    races: list[dict[str, Any]],
    season: int | None,
    round_: int | None,
    forecast: bool,
    now: datetime,
) -> list[dict[str, Any]]:
    if round_ is not None and season is None:
        raise InputError("--round needs --season")
    chosen = [
        r
        for r in races
        if (season is None or r["season"] == season) and (round_ is None or r["round"] == round_)
    ]
    if season is not None and not chosen:
        which = f"{season} round {round_}" if round_ is not None else str(season)
        raise InputError(f"no race {which} in the warehouse")
    if not forecast:
        return [r for r in chosen if r["race_start_at"] + ARCHIVE_AFTER <= now]
    horizon = now + timedelta(days=FORECAST_DAYS - 1)
    upcoming = [r for r in chosen if r["race_start_at"] + WINDOW[1] >= now]
    if season is None:
        upcoming = upcoming[:1]  # the next race
    if not upcoming:
        raise InputError(
            "no upcoming race in scope: a forecast is for races still ahead "
            "(use `undercut weather pull` without --forecast for past races)"
        )
    too_far = [r for r in upcoming if r["race_start_at"] > horizon]
    if too_far and round_ is not None:
        race = too_far[0]
        raise InputError(
            f"{race['season']} round {race['round']} starts {race['race_start_at']:%Y-%m-%d}; "
            f"forecasts reach only {FORECAST_DAYS} days ahead"
        )
    return [r for r in upcoming if r["race_start_at"] <= horizon]


def pull_weather(
    settings: Settings,
    season: int | None = None,
    round: int | None = None,  # the CLI's and the API's name for it
    base_url: str | None = None,
    *,
    forecast: bool = False,
    forecast_url: str | None = None,
    refresh: bool = False,
    on_progress: Progress | None = None,
    now: datetime | None = None,
) -> WeatherResult:
    """Fetch weather for the races in scope and rebuild silver weather tables.

    Args:
        settings: the home (its warehouse provides races, start times and coordinates).
        season: only this season; default every race (archive) or the next race
            (forecast).
        round: only this round (needs ``season``).
        base_url: archive API root; default ``settings.openmeteo_url``.
        forecast: ask the forecast API for upcoming races instead of the archive.
        forecast_url: forecast API root; default ``settings.openmeteo_forecast_url``.
        refresh: fetch archive data again even when bronze has a complete copy.
        on_progress: called with (description, done, total) per race.
        now: the current time (tests).

    Raises:
        InputError: an unknown race, ``round`` without ``season``, or a forecast asked
            for a race in the past or beyond the forecast horizon.
        WarehouseError: no warehouse yet.
        SourceError: Open-Meteo unreachable, failing, or rejecting the request.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    lake = Lake.from_settings(settings)
    log = IssueLog()
    with db.open_warehouse(settings) as con:
        races = _race_starts(con)
    scope = _scope(races, season, round, forecast, now)
    result = WeatherResult(races_in_scope=len(scope))
    progress = on_progress or (lambda _d, _n, _t: None)
    with OpenMeteoClient.from_settings(settings, base_url, forecast_url) as client:
        for done, race in enumerate(scope):
            label = f"weather {race['season']} R{race['round']}"
            progress(label, done, len(scope))
            if race["lat"] is None or race["lng"] is None:
                log.add(
                    "silver.circuits",
                    "lat/lng",
                    "circuit has no coordinates; race skipped",
                    {"value": race["circuit_id"], "line": f"{race['season']}:{race['round']}"},
                )
                result.skipped += 1
                continue
            start: datetime = race["race_start_at"]
            first: date = (start + WINDOW[0]).date()
            last: date = (start + WINDOW[1]).date()
            if forecast:
                response = client.forecast(race["lat"], race["lng"], first, last)
                folder: tuple[str, ...] = (
                    "bronze",
                    "openmeteo",
                    "forecast",
                    str(race["season"]),
                    str(race["round"]),
                )
                name = f"{_stamp(now)}.json"
            else:
                parts = _archive_parts(race["season"], race["round"])
                if not refresh and lake.exists(*parts):
                    try:
                        stored = json.loads(lake.read_bytes(*parts))
                    except ValueError:
                        stored = None
                    if _window_complete(stored, start):
                        result.cached += 1
                        continue
                response = client.archive(race["lat"], race["lng"], first, last, fresh=refresh)
                folder, name = parts[:-1], parts[-1]
            if response.payload is None:
                log.add(
                    f"openmeteo ({response.url})",
                    "",
                    "response is not JSON; not stored",
                    {"value": response.body[:80]},
                )
                continue
            lake.write_bytes(response.body, *folder, name)
            manifest_parts = (*folder, "manifest.json")
            manifest = lake.read_json(*manifest_parts) if lake.exists(*manifest_parts) else {}
            manifest[name] = {
                "url": response.url,
                "retrieved_at": now.isoformat(),
                "sha256": hashlib.sha256(response.body).hexdigest(),
            }
            lake.write_json(manifest, *manifest_parts)
            result.fetched += 1
        progress("weather: done", len(scope), len(scope))
        result.requests = client.requests

    counts, warnings, report = rebuild_weather_silver(settings, log)
    result.row_counts, result.warnings, result.report_path = counts, warnings, report
    result.seconds = time.perf_counter() - started
    return result


def pull_missing_weather(
    settings: Settings, season: int | None = None, progress: Progress | None = None
) -> WeatherResult:
    """Observed weather for every past race (of ``season``) that bronze lacks.

    The counterpart of ``ingest.sessions.pull_missing_sessions`` for an update: a race is
    fetched from the archive API when bronze has no copy or one still missing hours of
    the race window; silver weather tables are then rebuilt.

    Raises:
        InputError: ``season`` has no race in the warehouse.
        WarehouseError: no warehouse yet.
        SourceError: Open-Meteo unreachable, failing, or rejecting the request.
    """
    return pull_weather(settings, season, on_progress=progress)


def _hourly_schema() -> pa.Schema:
    fields = [
        pa.field("season", pa.int64()),
        pa.field("round", pa.int64()),
        pa.field("basis", pa.string()),
        pa.field("hour_at", pa.timestamp("us")),
    ]
    fields += [pa.field(column, pa.float64()) for column, _unit in COLUMNS.values()]
    fields += [
        pa.field("fetched_at", pa.timestamp("us")),
        pa.field("_file", pa.string()),
        pa.field("_row", pa.int64()),
    ]
    return pa.schema(fields)


def _bronze_files(lake: Lake) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """(basis, season, round, parts) of every stored response."""
    found: list[tuple[str, int, int, tuple[str, ...]]] = []
    for season in lake.ls("bronze", "openmeteo", "archive"):
        for name in lake.ls("bronze", "openmeteo", "archive", season):
            stem = name.removesuffix(".json")
            if season.isdigit() and stem.isdigit():
                found.append(
                    (
                        "observed",
                        int(season),
                        int(stem),
                        ("bronze", "openmeteo", "archive", season, name),
                    )
                )
    for season in lake.ls("bronze", "openmeteo", "forecast"):
        for round_ in lake.ls("bronze", "openmeteo", "forecast", season):
            folder = ("bronze", "openmeteo", "forecast", season, round_)
            for name in lake.ls(*folder):
                if season.isdigit() and round_.isdigit() and name != "manifest.json":
                    found.append(("forecast", int(season), int(round_), (*folder, name)))
    return found


def stage_bronze(con: duckdb.DuckDBPyConnection, lake: Lake, log: IssueLog) -> int:
    """Stage every stored Open-Meteo response as ``openmeteo.hourly`` (+ race starts)."""
    staging.attach_staging(con, STAGING)
    manifests: dict[tuple[str, ...], dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for basis, season, round_, parts in _bronze_files(lake):
        path = "/".join(parts)
        folder = parts[:-1]
        if folder not in manifests:
            manifest = (*folder, "manifest.json")
            manifests[folder] = lake.read_json(*manifest) if lake.exists(*manifest) else {}
        retrieved = manifests[folder].get(parts[-1], {}).get("retrieved_at")
        fetched_at = datetime.fromisoformat(retrieved).replace(tzinfo=None) if retrieved else None
        try:
            payload = json.loads(lake.read_bytes(*parts))
        except ValueError:
            log.add(path, "", "bronze file is not JSON; ignored", {})
            continue
        expected = ARCHIVE_VARIABLES if basis == "observed" else FORECAST_VARIABLES
        for index, row in enumerate(
            parse_hourly(payload, where=f"openmeteo ({path})", log=log, expected=expected)
        ):
            row.update(
                season=season,
                round=round_,
                basis=basis,
                fetched_at=fetched_at,
                _file=path,
                _row=index,
            )
            rows.append(row)
    schema = _hourly_schema()
    table = pa.table({f.name: [r.get(f.name) for r in rows] for f in schema}, schema=schema)
    staging.stage_table(con, STAGING, "hourly", table)
    sql = _transforms().read("race_starts")
    con.execute(f"create or replace table {STAGING}.races as {sql}")
    return len(rows)


def rebuild_weather_silver(
    settings: Settings, log: IssueLog | None = None
) -> tuple[dict[str, int], list[CheckResult], str]:
    """Recompute silver weather tables from bronze; return counts, warnings, report path."""
    return staging.rebuild_silver(
        settings,
        log or IssueLog(),
        source=STAGING,
        stage=stage_bronze,
        staged_as="staged_hours",
        transforms=_transforms(),
        tables=SILVER_TABLES,
        checks="weather",
        report="weather-latest.json",
    )
