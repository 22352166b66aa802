"""Cheap questions asked before deciding what to run, or whether the service can run.

The warehouse probes answer the pipeline: each answer becomes part of a step's recorded
inputs, so "nothing changed" is a comparison of hashes rather than a guess, and the ledger
can later say exactly what a step saw. The dependency probes (lake, disk, app database,
Redis) are the one definition behind both ``/health`` and ``undercut doctor``.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time as clock
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb

from undercut.config import Settings
from undercut.lake import Lake, redact
from undercut.serving.sql import query
from undercut.sql import SqlFolder
from undercut.warehouse import db

_CALENDAR_SQL = SqlFolder(Path(__file__).parent / "sql").text("calendar")


@dataclass(frozen=True)
class RaceWeekend:
    """One Grand Prix as the scheduler and the predict step see it (times in UTC)."""

    season: int
    round: int
    race_name: str
    race_start: datetime
    qualifying_start: datetime | None
    sprint_start: datetime | None
    first_session: datetime
    has_qualifying: bool
    has_result: bool
    # practice and sprint qualifying starts (F1DB's weekend schedule), when known
    session_starts: tuple[tuple[str, datetime], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.season}:{self.round}"


def warehouse_ready(settings: Settings) -> bool:
    return settings.warehouse_path.exists()


def connect_read_only(settings: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.warehouse_path), read_only=True)


def _at(day: date | None, clock: Any, default: time) -> datetime | None:
    if day is None:
        return None
    when = clock if isinstance(clock, time) else default
    return datetime.combine(day, when).replace(tzinfo=None)


def calendar(con: duckdb.DuckDBPyConnection) -> list[RaceWeekend]:
    """Every race in silver with its session times; races without a start time at 14:00,
    qualifying without a date the day before the race."""
    if not db.table_exists(con, "silver.races"):
        return []
    rows = con.execute(_CALENDAR_SQL).fetchall()
    columns = [d[0] for d in con.description or []]
    starts = _weekend_session_starts(con)
    weekends = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        race = _at(row["race_date"], row["race_time"], time(14))
        if race is None:
            continue
        # Archives without session times: qualifying is the day before the race, at
        # about the race's clock time (close enough to know when to start polling).
        quali = _at(row["quali_date"], row["quali_time"], time(14)) or race - timedelta(days=1)
        sprint = _at(row["sprint_date"], row["sprint_time"], time(14))
        fp1 = _at(row["fp1_date"], row["fp1_time"], time(11))
        first = min(t for t in (fp1, quali, sprint, race - timedelta(days=2)) if t is not None)
        weekends.append(
            RaceWeekend(
                season=int(row["season"]),
                round=int(row["round"]),
                race_name=str(row["race_name"]),
                race_start=race,
                qualifying_start=quali,
                sprint_start=sprint,
                first_session=first,
                has_qualifying=bool(row["has_qualifying"]),
                has_result=bool(row["has_result"]),
                session_starts=starts.get((int(row["season"]), int(row["round"])), ()),
            )
        )
    return weekends


# Sessions before qualifying after which a new forecast is made (``features.stages``).
FORECAST_SESSIONS = ("fp1", "fp2", "fp3", "sprint-qualifying")


def _weekend_session_starts(
    con: duckdb.DuckDBPyConnection,
) -> dict[tuple[int, int], tuple[tuple[str, datetime], ...]]:
    """Per race, the start of each practice and sprint qualifying F1DB dates and times."""
    if not db.table_exists(con, "silver.weekend_sessions"):
        return {}
    rows = con.execute(
        "select season, round, session, starts_at from silver.weekend_sessions "
        "where starts_at is not null and list_contains(?, session) order by starts_at",
        [list(FORECAST_SESSIONS)],
    ).fetchall()
    found: dict[tuple[int, int], list[tuple[str, datetime]]] = {}
    for season, round_, session, starts_at in rows:
        found.setdefault((int(season), int(round_)), []).append((str(session), starts_at))
    return {key: tuple(value) for key, value in found.items()}


def weekend_digest(con: duckdb.DuckDBPyConnection, season: int, round_: int) -> str | None:
    """Hash of what the weekend's sessions before qualifying have published (practice
    and sprint qualifying results, either source), ``None`` before any; a new session's
    data changes it, and with it the forecast's stage."""
    parts = []
    for table in ("silver.practice_results", "silver.sprint_qualifying_results"):
        if db.table_exists(con, table):
            parts += con.execute(
                f"select source, count(*), min(driver_id) from {table} "
                "where season = ? and round = ? group by all order by all",
                [season, round_],
            ).fetchall()
    if not parts:
        return None
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def latest_result(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The newest (season, round) that has a race result (serving query ``last_race``)."""
    if not _has_results(con):
        return None
    row = con.execute(query("last_race")).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def next_race(con: duckdb.DuckDBPyConnection) -> RaceWeekend | None:
    """The race worth predicting (serving query ``next_race``: the first after the newest
    result), with its session times."""
    if not _has_results(con):
        return None
    row = con.execute(query("next_race")).fetchone()
    if row is None:
        return None
    return next((w for w in calendar(con) if (w.season, w.round) == (row[0], row[1])), None)


def _has_results(con: duckdb.DuckDBPyConnection) -> bool:
    return db.table_exists(con, "silver.races") and db.table_exists(con, "silver.race_results")


def qualifying_digest(con: duckdb.DuckDBPyConnection, season: int, round_: int) -> str | None:
    """Hash of a race's qualifying classification (``None`` before qualifying)."""
    if not db.table_exists(con, "silver.qualifying"):
        return None
    rows = con.execute(
        "select driver_id, position, q1_ms, q2_ms, q3_ms from silver.qualifying "
        "where season = ? and round = ? order by position, driver_id",
        [season, round_],
    ).fetchall()
    if not rows:
        return None
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def gold_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Fingerprint of the last gold build (silver content + model code), if any."""
    from undercut.warehouse.build import last_build_fingerprint

    return last_build_fingerprint(con)


def count_rows(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    """Row counts of every table in a schema (a step's output summary)."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name",
            [schema],
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    for name in names:
        row = con.execute(f'select count(*) from {schema}."{name}"').fetchone()
        counts[name] = int(row[0]) if row else 0
    return counts


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- the service's dependencies -------------------------------------------------------------
# Below this much free space a build (a second warehouse file beside the first) may not fit.
LOW_DISK_BYTES = 1024**3


def timed(
    fn: Callable[[], dict[str, Any]], deadline: float | None = None, what: str = "it"
) -> dict[str, Any]:
    """Run one dependency probe: its answer, or ``down`` with the first line of its error
    (secrets removed), and how long it took. With a ``deadline`` (seconds), a probe still
    waiting then (an SDK retrying an unreachable store) is ``down`` at once, naming ``what``
    it waited for."""
    started = clock.perf_counter()

    def run() -> dict[str, Any]:
        try:
            return fn()
        except Exception as exc:
            return {"status": "down", "error": redact(db.first_line(exc))}

    if deadline is None:
        result = run()
    else:
        answers: list[dict[str, Any]] = []
        worker = threading.Thread(target=lambda: answers.append(run()), daemon=True)
        worker.start()
        worker.join(deadline)
        late = {"status": "down", "error": f"{what}: no answer within {deadline:g}s"}
        result = answers[0] if answers else late
    result["ms"] = round((clock.perf_counter() - started) * 1000, 2)
    return result


def app_database_state(sessions: Callable[[], Any]) -> dict[str, Any]:
    """``select 1`` on the app database (SQLite or PostgreSQL)."""
    import sqlalchemy as sa

    with sessions() as session:
        session.execute(sa.text("select 1"))
        dialect = session.get_bind().dialect.name
    return {"status": "ok", "dialect": dialect, "detail": f"{dialect} answers"}


def redis_state(client: Any) -> dict[str, Any]:
    client.ping()
    return {"status": "ok", "detail": "answers PING"}


def lake_state(lake: Lake) -> dict[str, Any]:
    """Which provider holds the lake, where, and whether it can be reached."""
    lake.check_reachable()
    provider = lake.provider
    space = "; free space not reported by object stores" if lake.is_remote else ""
    return {
        "status": "ok",
        "provider": provider.name,
        "location": lake.root,
        "detail": f"{provider.name}: {lake.root} reachable{space}",
    }


def lake_write_state(lake: Lake) -> dict[str, Any]:
    """Write, read back and delete a probe object at the lake's root."""
    name = f".undercut-probe-{uuid.uuid4().hex}"
    payload = uuid.uuid4().hex.encode()
    lake.write_bytes(payload, name)
    try:
        if lake.read_bytes(name) != payload:
            return {"status": "down", "error": f"lake {lake.url(name)} read back other bytes"}
    finally:
        lake.remove(name)
    return {"status": "ok", "detail": "a probe object written, read back and deleted"}


def disk_state(path: Path) -> dict[str, Any]:
    """Free space where the warehouse and caches live (a local disk: always knowable)."""
    where = path
    while not where.exists():
        where = where.parent
    free = shutil.disk_usage(where).free
    status = "degraded" if free < LOW_DISK_BYTES else "ok"
    return {
        "status": status,
        "free_bytes": free,
        "detail": f"{free / 1024**3:.1f} GiB free at {path}",
    }


def dependency_checks(
    settings: Settings, deadline: float | None = None
) -> dict[str, dict[str, Any]]:
    """Every dependency this configuration needs, in order; each ``ok``, ``degraded`` or
    ``down`` (after ``deadline`` seconds without an answer). The lake's provider must be
    installed (``InputError`` naming the extra)."""
    from undercut.appdb.base import session_factory

    lake = Lake.from_settings(settings)
    checks = {"lake": timed(lambda: lake_state(lake), deadline, f"lake {lake.root}")}
    if checks["lake"]["status"] == "down":
        checks["lake_write"] = {"status": "down", "error": "not tried: the lake is unreachable"}
    else:
        checks["lake_write"] = timed(lambda: lake_write_state(lake), deadline, f"lake {lake.root}")
    checks["disk"] = timed(lambda: disk_state(settings.local_dir), deadline)
    sessions = session_factory(settings)
    shown = sessions.kw["bind"].url.render_as_string(hide_password=True)
    checks["app_database"] = timed(lambda: app_database_state(sessions), deadline, shown)
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2)
        try:
            checks["redis"] = timed(lambda: redis_state(client), deadline, "redis")
        finally:
            client.close()
    return checks
