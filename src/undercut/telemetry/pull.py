"""OpenF1 ``car_data`` and ``location`` → bronze (gzip, verbatim) → silver Parquet.

Per session of a round and per driver of that session, each stream is fetched in
``WINDOW`` pieces over the session's time span (through ``OpenF1Client``: rate limits,
HTTP cache, retries), each answer kept verbatim and compressed under
``bronze/openf1/<season>/telemetry/<session_key>/<car>/<stream>/<window>.json.gz``, then
typed, de-duplicated and sorted by one query (``sql/car_data.sql``, ``sql/location.sql``)
into that driver's silver partition. A partition already written is skipped, so an
interrupted pull resumes where it stopped. What the answers held that could not be kept
as sent (records without a date, duplicates, samples out of order, missing values), a
driver with no telemetry and the physical checks of every lap are warnings in
``reports/telemetry-latest.json``; none of them stops the pull.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from undercut.config import Settings
from undercut.errors import InputError
from undercut.lake import Lake
from undercut.sources import openf1
from undercut.sources.openf1 import OpenF1Client
from undercut.sql import duckdb_params
from undercut.telemetry import store
from undercut.telemetry.laps import SessionRef, find_sessions, session_drivers
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult

Progress = Callable[[str, int, int], None]

# One request covers this much of a session per driver and stream (~3,300 samples).
WINDOW = timedelta(minutes=15)
# Telemetry starts before a session (out-laps, the grid) and runs on after its end.
BEFORE = timedelta(minutes=15)
AFTER = timedelta(minutes=30)


@dataclass
class TelemetryResult:
    sessions: list[str] = field(default_factory=list)
    partitions_written: int = 0
    partitions_cached: int = 0
    requests: int = 0
    from_cache: int = 0
    bytes_per_session: dict[str, int] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    report_path: str | None = None
    seconds: float = 0.0
    fetch_seconds: float = 0.0  # asking OpenF1 and keeping the answers in bronze
    write_seconds: float = 0.0  # silver Parquet, gold aggregates and checks

    def as_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "partitions_written": self.partitions_written,
            "partitions_cached": self.partitions_cached,
            "requests": self.requests,
            "from_cache": self.from_cache,
            "bytes_per_session": self.bytes_per_session,
            "samples": self.samples,
            "warnings": [w.as_dict() for w in self.warnings],
            "report": self.report_path,
            "seconds": round(self.seconds, 3),
            "fetch_seconds": round(self.fetch_seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
        }


def warning(name: str, where: str, message: str, failures: int = 1) -> CheckResult:
    return CheckResult(
        name=name,
        severity="warning",
        where=where,
        column="",
        message=message,
        failures=failures,
        samples=[],
    )


def _windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    out = []
    at = start
    while at < end:
        out.append((at, min(at + WINDOW, end)))
        at += WINDOW
    return out


def _bronze_dir(ref: SessionRef, car: int, stream: str) -> tuple[str, ...]:
    return (
        "bronze",
        "openf1",
        str(ref.season),
        "telemetry",
        str(ref.session_key),
        str(car),
        stream,
    )


def _fetch_stream(
    client: OpenF1Client,
    lake: Lake,
    ref: SessionRef,
    car: int,
    stream: str,
    warnings: list[CheckResult],
) -> list[str] | None:
    """Every window of one stream into bronze; the files' URLs, or None when incomplete."""
    files = []
    where = f"openf1 {stream} session {ref.session_key} car {car}"
    for start, end in _windows(ref.started_at - BEFORE, ref.ended_at + AFTER):
        response = client.telemetry(stream, ref.session_key, car, start, end)
        if response.records is None:
            warnings.append(
                warning(
                    "telemetry_not_json",
                    f"{where} ({response.url})",
                    "answer is not JSON; not stored, asked again next pull",
                )
            )
            return None
        if not response.records:
            continue
        name = f"{start:%Y%m%dT%H%M%S}.json.gz"
        lake.write_bytes(gzip.compress(response.body, 6), *_bronze_dir(ref, car, stream), name)
        files.append(lake.url(*_bronze_dir(ref, car, stream), name))
    return files


def _stage_stream(
    con: Any, files: list[str], stream: str, where: str, warnings: list[CheckResult]
) -> None:
    """Type the stream's bronze answers into the temp table ``received`` and report
    what they held that silver cannot keep as sent."""
    text, values = duckdb_params(store.sql().text(stream), {"files": files})
    con.execute(f"create or replace temp table received as {text}", values)
    records, without_date, duplicates, out_of_order, incomplete = store.query(
        con, "stream_issues"
    ).fetchall()[0]
    for count, name, message in (
        (without_date, "telemetry_no_date", "records without a usable date were dropped"),
        (duplicates, "telemetry_duplicates", "samples received more than once kept once"),
        (out_of_order, "telemetry_out_of_order", "samples arrived out of time order; sorted"),
        (incomplete, "telemetry_missing_values", "samples with missing or mistyped values"),
    ):
        if count:
            warnings.append(warning(name, where, f"{message} ({count} of {records})", count))


def pull_telemetry(
    settings: Settings,
    season: int,
    round: int,
    session: str | None = None,
    driver: str | None = None,
    base_url: str | None = None,
    *,
    on_progress: Progress | None = None,
) -> TelemetryResult:
    """Fetch what the lake lacks of a round's car data and positions; write silver and gold.

    Args:
        settings: the home; its warehouse must hold the round's OpenF1 sessions (they are
            pulled first, all session types, when it does not).
        season: 2023 or later (OpenF1 has no telemetry before).
        round: the round.
        session: one session code (FP1, FP2, FP3, SQ, S, Q, R); default every session.
        driver: one driver, by three-letter code or driver id; default every driver.
        base_url: OpenF1 root; default ``settings.openf1_url``.
        on_progress: called with (description, done, total) per driver and session.

    Raises:
        InputError: a season before 2023, an unknown session code, a round with no
            OpenF1 session, a driver who did not take part.
        SourceError: OpenF1 unreachable or failing after retries.
    """
    started = time.perf_counter()
    if season < openf1.FIRST_SEASON:
        raise InputError(
            f"{season} round {round}: OpenF1 has car telemetry from {openf1.FIRST_SEASON} on; "
            "there is none for earlier seasons"
        )
    code = session.upper() if session else None
    if code is not None and code not in store.SESSION_CODES:
        raise InputError(
            f"--session {session}: not a session code (one of {', '.join(store.SESSION_CODES)})"
        )
    refs = _sessions_or_pull(settings, season, round, code, base_url)
    lake = Lake.from_settings(settings)
    result = TelemetryResult(sessions=[r.label for r in refs])
    progress = on_progress or (lambda _d, _n, _t: None)
    plan: list[tuple[SessionRef, tuple[int, str, str | None]]] = []
    for ref in refs:
        drivers = session_drivers(settings, ref, driver)
        plan.extend((ref, d) for d in drivers)
    if driver is not None and not plan:
        raise InputError(f"--driver {driver}: took part in no session of {season} round {round}")
    with OpenF1Client.from_settings(settings, base_url) as client, store.connect(lake) as con:
        for done, (ref, (car, driver_id, acronym)) in enumerate(plan):
            progress(f"OpenF1 telemetry {ref.label} {acronym or car}", done, len(plan))
            partition = store.Partition(season, round, ref.code, driver_id)
            if all(lake.exists(*partition.parts(s)) for s in store.STREAMS):
                result.partitions_cached += 1
                continue
            for stream in store.STREAMS:
                where = f"{ref.label} {acronym or car} {stream}"
                clock = time.perf_counter()
                files = _fetch_stream(client, lake, ref, car, stream, result.warnings)
                result.fetch_seconds += time.perf_counter() - clock
                if files is None:
                    continue
                if not files:
                    result.warnings.append(
                        warning(
                            "telemetry_absent",
                            where,
                            "OpenF1 has no samples for this driver in this session",
                        )
                    )
                    continue
                clock = time.perf_counter()
                _stage_stream(con, files, stream, where, result.warnings)
                store.write_parquet(lake, con, "stream_samples", None, partition.parts(stream))
                result.write_seconds += time.perf_counter() - clock
                result.partitions_written += 1
        progress("OpenF1 telemetry: done", len(plan), len(plan))
        result.requests = client.requests
        result.from_cache = client.stats.from_cache

    from undercut.telemetry.aggregates import build_session_aggregates

    clock = time.perf_counter()
    for ref in refs:
        sizes, samples, found = build_session_aggregates(settings, lake, ref)
        result.bytes_per_session[ref.label] = sizes
        result.samples[ref.label] = samples
        result.warnings.extend(found)
    result.write_seconds += time.perf_counter() - clock
    result.report_path = lake.write_json(
        {
            "source": "openf1 telemetry",
            "checked_at": datetime.now(UTC).isoformat(),
            **{k: v for k, v in result.as_dict().items() if k != "report"},
        },
        "reports",
        "telemetry-latest.json",
    )
    result.seconds = time.perf_counter() - started
    return result


def _sessions_or_pull(
    settings: Settings, season: int, round: int, code: str | None, base_url: str | None
) -> list[SessionRef]:
    refs = find_sessions(settings, season, round, code)
    if refs:
        return refs
    from undercut.ingest.sessions import pull_sessions

    pull_sessions(settings, season, round, base_url, all_sessions=True)
    refs = find_sessions(settings, season, round, code)
    if not refs:
        which = f"session {code} of " if code else ""
        raise InputError(f"OpenF1 lists no {which}{season} round {round}")
    return refs


def pull_missing_telemetry(
    settings: Settings, season: int | None = None, progress: Progress | None = None
) -> list[TelemetryResult]:
    """Telemetry of the races and sprints of ``season`` (default: the latest season with
    OpenF1 sessions) that is not yet on the lake: what ``undercut update --sessions
    --telemetry`` runs after the sessions pull. Practice and qualifying, and older
    seasons, are pulled on request (``undercut telemetry pull``): a season of every
    session is days of requests at OpenF1's free limits."""
    with db.attach_read_only(settings.warehouse_path) as con:
        rows = store.query(
            con,
            "telemetry_rounds",
            {
                "first_season": openf1.FIRST_SEASON,
                "season": season,
                "now": datetime.now(UTC).replace(tzinfo=None),
            },
        ).fetchall()
    return [
        pull_telemetry(settings, int(s), int(r), store.session_code(name), on_progress=progress)
        for s, r, name in rows
    ]
