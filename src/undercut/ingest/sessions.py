"""OpenF1 → bronze → silver session tables (sessions, laps, stints, pits, weather, ...).

A pull has two halves. *Fetch*: the season's meetings and sessions are re-read (small,
and they announce new sessions); every finished session in scope whose bronze copy is not
complete is fetched endpoint by endpoint into ``bronze/openf1/<season>/sessions/<key>/``
(verbatim bodies plus a manifest written last, so an interrupted pull resumes). *Rebuild*:
every session table in silver is recomputed from all of bronze, in one transaction, and
checked. Recomputing from bronze keeps the result a pure function of what was received,
makes a re-run idempotent, and restores the tables without the network after an archive
re-ingest has recreated them empty.

Payload problems (missing or null fields, wrong types, unknown car numbers, duplicated
laps, sessions or drivers that match nothing in the warehouse) are warnings in
``reports/sessions-latest.json`` and in the result; they never stop the load.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from undercut.config import Settings
from undercut.errors import InputError
from undercut.ingest import staging
from undercut.lake import Lake
from undercut.sources import openf1
from undercut.sources.openf1 import FIELDS, OpenF1Client
from undercut.sources.records import IssueLog, arrow_table, parse_records
from undercut.sql import SqlFolder
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult

Progress = Callable[[str, int, int], None]

STAGING = "openf1"
SILVER_TABLES = [
    "sessions",
    "session_drivers",
    "stints",
    "session_pits",
    "session_race_control",
    "session_laps",
    "session_weather",
    "session_positions",
    "session_intervals",
]
# Tables the F1DB load fills too: the pull replaces only its own rows (source 'openf1').
SHARED_TABLES = ["practice_results", "sprint_qualifying_results"]
RACE_SESSIONS = ("race", "sprint")
# The sessions before qualifying whose results and long runs feed the weekend forecasts.
WEEKEND_SESSIONS = (
    "practice 1",
    "practice 2",
    "practice 3",
    "sprint qualifying",
    "sprint shootout",
)
# A session's data settles a little after it ends; before that it is not fetched.
SETTLE = timedelta(hours=1)
# OpenF1 sometimes publishes a session's laps hours after it ends: an empty answer for
# these endpoints is not stored as final until the session is this old.
EMPTY_FINAL_AFTER = timedelta(days=3)
EXPECTED_ENDPOINTS = ("drivers", "laps")


@dataclass
class SessionsResult:
    seasons: list[int]
    sessions_fetched: int = 0
    sessions_cached: int = 0
    sessions_pending: int = 0
    requests: int = 0
    from_cache: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    report_path: str | None = None
    seconds: float = 0.0


def _transforms() -> SqlFolder:
    return db.sql_folder("sessions")


def _bronze(season: int, *parts: str) -> tuple[str, ...]:
    return ("bronze", "openf1", str(season), *parts)


def _seasons(con: duckdb.DuckDBPyConnection, season: int | None) -> list[int]:
    if season is not None:
        if season < openf1.FIRST_SEASON:
            raise InputError(
                f"--season {season}: OpenF1 has session data from {openf1.FIRST_SEASON} on; "
                "earlier lap times come from the Ergast sources (silver.lap_times)"
            )
        return [season]
    row = con.execute("select max(season) from silver.races").fetchone()
    last = int(row[0]) if row and row[0] is not None else openf1.FIRST_SEASON
    return list(range(openf1.FIRST_SEASON, max(last, openf1.FIRST_SEASON) + 1))


def _stage_endpoint(
    con: duckdb.DuckDBPyConnection, endpoint: str, files: list[tuple[str, Any]], log: IssueLog
) -> int:
    """Parse every bronze payload of one endpoint into ``openf1.<endpoint>``."""
    rows: list[dict[str, Any]] = []
    for path, payload in files:
        where = f"openf1 {endpoint} ({path})"
        rows.extend(
            parse_records(payload, FIELDS[endpoint], where=where, log=log, extra={"_file": path})
        )
    table = arrow_table(rows, FIELDS[endpoint], {"_file": pa.string()})
    staging.stage_table(con, STAGING, endpoint, table)
    return len(rows)


def _read_json(lake: Lake, parts: tuple[str, ...], log: IssueLog) -> Any:
    import json

    try:
        return json.loads(lake.read_bytes(*parts))
    except ValueError:
        log.add("/".join(parts), "", "bronze file is not JSON; ignored", {})
        return None


def stage_bronze(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    log: IssueLog,
    endpoints: tuple[str, ...] = tuple(FIELDS),
) -> dict[str, int]:
    """Stage every OpenF1 payload in bronze (all seasons) as typed ``openf1.*`` tables."""
    staging.attach_staging(con, STAGING)
    found: dict[str, list[tuple[str, Any]]] = {name: [] for name in endpoints}
    for season in lake.ls("bronze", "openf1"):
        if not season.isdigit():
            continue
        for listing in ("meetings", "sessions"):
            parts = _bronze(int(season), f"{listing}.json")
            if listing in found and lake.exists(*parts):
                found[listing].append(("/".join(parts), _read_json(lake, parts, log)))
        for key in lake.ls(*_bronze(int(season), "sessions")):
            for endpoint in found.keys() - {"meetings", "sessions"}:
                parts = _bronze(int(season), "sessions", key, f"{endpoint}.json")
                if lake.exists(*parts):
                    found[endpoint].append(("/".join(parts), _read_json(lake, parts, log)))
    return {
        endpoint: _stage_endpoint(con, endpoint, files, log) for endpoint, files in found.items()
    }


def _session_plan(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The staged sessions mapped onto races (the silver.sessions transform, not stored)."""
    sql = _transforms().read("sessions")
    cursor = con.execute(
        f"select session_key, season, round, session_name, started_at, ended_at from ({sql}) "
        "order by started_at"
    )
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _endpoints_for(session_name: str | None, endpoints: tuple[str, ...]) -> tuple[str, ...]:
    """A practice or sprint qualifying session also has its classification fetched."""
    if (session_name or "").lower() in WEEKEND_SESSIONS:
        return endpoints + openf1.RESULT_ENDPOINTS
    return endpoints


def _manifest_complete(lake: Lake, season: int, key: int, endpoints: tuple[str, ...]) -> bool:
    parts = _bronze(season, "sessions", str(key), "manifest.json")
    if not lake.exists(*parts):
        return False
    manifest = lake.read_json(*parts)
    return all(name in manifest.get("endpoints", {}) for name in endpoints)


def _fetch_session(
    client: OpenF1Client,
    lake: Lake,
    season: int,
    key: int,
    endpoints: tuple[str, ...],
    log: IssueLog,
    refresh: bool = False,
    recent: bool = False,
) -> bool:
    """Fetch one session's endpoints into bronze; the manifest lists what is stored.

    For a ``recent`` session an empty drivers or laps answer is stored but left out of
    the manifest, so that the next pull asks again (the data may not be published yet).
    """
    manifest_parts = _bronze(season, "sessions", str(key), "manifest.json")
    manifest: dict[str, Any] = {"session_key": key, "season": season, "endpoints": {}}
    if lake.exists(*manifest_parts) and not refresh:
        manifest = lake.read_json(*manifest_parts)
    complete = True
    for endpoint in endpoints:
        if endpoint in manifest["endpoints"]:
            continue
        response = client.session_endpoint(endpoint, key, fresh=refresh)
        if response.records is None:
            log.add(
                f"openf1 {endpoint} ({response.url})",
                "",
                "response is not JSON; not stored, asked again next pull",
                {"value": response.body[:80]},
            )
            complete = False
            continue
        lake.write_bytes(response.body, *_bronze(season, "sessions", str(key), f"{endpoint}.json"))
        if recent and endpoint in EXPECTED_ENDPOINTS and response.records == []:
            log.add(
                f"openf1 {endpoint} ({response.url})",
                "",
                "no data published yet; asked again next pull",
                {"session_key": key, "value": None},
            )
            complete = False
            continue
        manifest["endpoints"][endpoint] = {
            "url": response.url,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "bytes": len(response.body),
            "records": len(response.records) if isinstance(response.records, list) else None,
            "retrieved_at": datetime.now(UTC).isoformat(),
        }
    lake.write_json(manifest, *manifest_parts)
    return complete


def pull_sessions(
    settings: Settings,
    season: int | None = None,
    round: int | None = None,
    base_url: str | None = None,
    *,
    session_key: int | None = None,
    all_sessions: bool = False,
    practice: bool = False,
    with_timing: bool = False,
    refresh: bool = False,
    on_progress: Progress | None = None,
    now: datetime | None = None,
) -> SessionsResult:
    """Fetch what is missing from OpenF1 and rebuild the silver session tables.

    Args:
        settings: the home to load into (its warehouse must exist: races and drivers are
            what sessions are mapped onto).
        season: one season (2023 or later); default every season from 2023 to the last
            one in the warehouse.
        round: only the sessions of this round (needs ``season``).
        base_url: OpenF1 root; default ``settings.openf1_url``.
        session_key: only this OpenF1 session (any kind: practice, qualifying, ...).
        all_sessions: also practice and qualifying (default: races and sprints).
        practice: also practice and sprint qualifying, with their classification
            (``session_result``) for the weekend forecasts.
        with_timing: also the large position and intervals endpoints.
        refresh: fetch sessions again even when bronze has them.
        on_progress: called with (description, done, total) as sessions are fetched.
        now: the current time (tests); sessions that have not yet ended are skipped.

    Raises:
        InputError: a season before 2023, ``round`` without ``season``, or a
            ``session_key`` OpenF1 does not list in the seasons in scope.
        WarehouseError: no warehouse yet.
        SourceError: OpenF1 unreachable or failing after retries.
    """
    started = time.perf_counter()
    if round is not None and season is None:
        raise InputError("--round needs --season")
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    lake = Lake.from_settings(settings)
    log = IssueLog()
    with db.open_warehouse(settings) as con:
        seasons = _seasons(con, season)
    result = SessionsResult(seasons)
    endpoints = openf1.SESSION_ENDPOINTS + (openf1.TIMING_ENDPOINTS if with_timing else ())
    progress = on_progress or (lambda _d, _n, _t: None)

    with OpenF1Client.from_settings(settings, base_url) as client:
        for year in seasons:
            progress(f"OpenF1 {year}: schedule", 0, 0)
            for listing, response in (
                ("meetings", client.meetings(year)),
                ("sessions", client.sessions(year=year)),
            ):
                if response.records is None:
                    log.add(
                        f"openf1 {listing} ({response.url})",
                        "",
                        "response is not JSON; the previous copy was kept",
                        {"value": response.body[:80]},
                    )
                    continue
                lake.write_bytes(response.body, *_bronze(year, f"{listing}.json"))
        with db.open_warehouse(settings) as con:
            # The real warnings come from the rebuild below.
            stage_bronze(con, lake, IssueLog(), ("meetings", "sessions"))
            plan = [s for s in _session_plan(con) if s["season"] in seasons]
        if session_key is not None:
            plan = [s for s in plan if s["session_key"] == session_key]
            if not plan:
                which = ", ".join(str(year) for year in seasons)
                raise InputError(
                    f"--session {session_key}: OpenF1 lists no such session in {which}"
                )
        wanted = []
        for item in plan:
            if round is not None and item["round"] != round:
                continue
            name = (item["session_name"] or "").lower()
            if (
                session_key is None
                and not all_sessions
                and name not in RACE_SESSIONS
                and not (practice and name in WEEKEND_SESSIONS)
            ):
                continue
            ends = item["ended_at"] or item["started_at"] + timedelta(hours=3)
            if ends + SETTLE > now:
                result.sessions_pending += 1
                continue
            if not refresh and _manifest_complete(
                lake,
                item["season"],
                item["session_key"],
                _endpoints_for(item["session_name"], endpoints),
            ):
                result.sessions_cached += 1
                continue
            wanted.append(item)
        for done, item in enumerate(wanted):
            label = f"OpenF1 {item['season']} R{item['round'] or '?'} {item['session_name']}"
            progress(label, done, len(wanted))
            ends = item["ended_at"] or item["started_at"] + timedelta(hours=3)
            _fetch_session(
                client,
                lake,
                item["season"],
                item["session_key"],
                _endpoints_for(item["session_name"], endpoints),
                log,
                refresh,
                recent=ends + EMPTY_FINAL_AFTER > now,
            )
            result.sessions_fetched += 1
        progress("OpenF1: done", len(wanted), len(wanted))
        result.requests = client.requests
        result.from_cache = client.stats.from_cache

    counts, warnings, report = rebuild_session_silver(settings, log)
    result.row_counts = counts
    result.warnings = warnings
    result.report_path = report
    result.seconds = time.perf_counter() - started
    return result


def rebuild_session_silver(
    settings: Settings, log: IssueLog | None = None
) -> tuple[dict[str, int], list[CheckResult], str]:
    """Recompute every silver session table from bronze; return counts, warnings, report.

    Needs no network: it is what a pull ends with, and what restores the tables after an
    archive re-ingest.
    """
    return staging.rebuild_silver(
        settings,
        log or IssueLog(),
        source=STAGING,
        stage=stage_bronze,
        staged_as="staged_records",
        transforms=_transforms(),
        tables=SILVER_TABLES,
        checks="sessions",
        report="sessions-latest.json",
        shared=SHARED_TABLES,
    )


def pull_missing_sessions(
    settings: Settings, season: int | None = None, progress: Progress | None = None
) -> SessionsResult:
    """Bring session timing up to date: what ``undercut update --sessions`` runs.

    Fetches from OpenF1 the races, sprints, practice sessions and sprint qualifying that
    have finished and are not yet (completely) in bronze, for ``season`` or for every
    season from 2023 to the last in the warehouse, then rebuilds the silver session
    tables. A season before 2023 has no OpenF1 data: nothing is fetched and the result has
    no seasons (no error, so that an update of an old season can still ask for sessions).

    Args:
        settings: the home (its warehouse must exist).
        season: one season, or ``None`` for all of them.
        progress: called with (description, done, total) while sessions are fetched.

    Returns:
        What was fetched, found already stored, or left for later (unfinished sessions),
        the silver row counts, the warnings and the report's path.

    Raises:
        WarehouseError: no warehouse yet.
        SourceError: OpenF1 unreachable or failing after retries.
    """
    if season is not None and season < openf1.FIRST_SEASON:
        return SessionsResult(seasons=[])
    return pull_sessions(settings, season, practice=True, on_progress=progress)
