"""A lap's telemetry (FastF1's ``Lap.get_telemetry()``) and two laps compared.

A lap is the window from its start (``silver.session_laps.lap_started_at``) to its start
plus its lap time. Its car-data samples are read in place from the driver's silver
Parquet partition, positions are interpolated onto the car-data timestamps, a sample is
added at each end of the lap (interpolated) so that the lap is covered edge to edge,
distance is integrated from speed (trapezoids), and relative distance is distance over
the lap's total. ``compare`` puts a second lap on the first's distances: the delta time
at each point is how far behind (positive) or ahead the second driver was there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np

from undercut.config import Settings
from undercut.errors import InputError, NotFoundError, WarehouseError
from undercut.lake import Lake
from undercut.sources.openf1 import FIRST_SEASON
from undercut.telemetry import store
from undercut.warehouse import db

CHANNELS = ("speed_kph", "rpm", "gear", "throttle_pct", "brake_pct", "drs")
POSITIONS = ("x", "y", "z")
MARGIN = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class SessionRef:
    """One OpenF1 session of a round, as telemetry names it (``2023 R1 R``)."""

    session_key: int
    season: int
    round: int
    name: str
    started_at: dt.datetime
    ended_at: dt.datetime

    @property
    def code(self) -> str:
        return store.session_code(self.name) or self.name.replace(" ", "")

    @property
    def label(self) -> str:
        return f"{self.season} R{self.round} {self.code}"


@dataclass
class LapTelemetry:
    """One lap's merged samples as columns (``time_s`` from the lap's start)."""

    season: int
    round: int
    session: str
    driver_id: str
    code: str | None
    lap: int
    lap_time_ms: int | None
    started_at: dt.datetime
    is_pit_in_lap: bool
    is_pit_out_lap: bool
    speed_traps: dict[str, int | None]
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def length_m(self) -> float:
        distance = self.columns.get("distance_m")
        return float(distance[-1]) if distance is not None and len(distance) else 0.0

    def points(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Rows for JSON, every sample or ``limit`` of them evenly spread (ends kept)."""
        count = len(self.columns.get("time_s", ()))
        index = np.arange(count)
        if limit is not None and 1 < limit < count:
            index = np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))
        names = list(self.columns)
        rows = []
        for i in index:
            row: dict[str, Any] = {}
            for name in names:
                value = self.columns[name][i]
                row[name] = None if np.isnan(value) else round(float(value), 3)
            rows.append(row)
        return rows


@contextmanager
def reading(settings: Settings) -> Iterator[tuple[duckdb.DuckDBPyConnection, Lake]]:
    """The warehouse attached read-only, beside the lake's telemetry files."""
    lake = Lake.from_settings(settings)
    if not settings.warehouse_path.exists():
        raise WarehouseError(
            f"{settings.warehouse_path}: no warehouse yet; run `undercut ingest archive` first"
        )
    with db.attach_read_only(settings.warehouse_path, macros=False) as con:
        con.execute("set timezone = 'UTC'")
        if lake.is_remote:
            con.register_filesystem(lake.fs)
        yield con, lake


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def find_sessions(
    settings: Settings, season: int, round: int, code: str | None = None
) -> list[SessionRef]:
    """The round's OpenF1 sessions in the warehouse (one, with a session code)."""
    with reading(settings) as (con, _lake):
        return _sessions(con, season, round, code)


def _sessions(
    con: duckdb.DuckDBPyConnection, season: int, round: int, code: str | None
) -> list[SessionRef]:
    rows = _rows(store.query(con, "sessions", {"season": season, "round": round}))
    refs = [
        SessionRef(
            r["session_key"], season, round, r["session_name"], r["started_at"], r["ended_at"]
        )
        for r in rows
    ]
    return [r for r in refs if code is None or r.code == code.upper()]


def session_drivers(
    settings: Settings, ref: SessionRef, driver: str | None = None
) -> list[tuple[int, str, str | None]]:
    """(car number, driver id, code) of the session's drivers, or of ``driver`` only."""
    with reading(settings) as (con, _lake):
        rows = store.query(
            con, "session_drivers", {"session_key": ref.session_key, "driver": driver}
        ).fetchall()
    return [(int(n), str(d), c) for n, d, c in rows]


def session_laps(con: duckdb.DuckDBPyConnection, ref: SessionRef) -> list[dict[str, Any]]:
    return _rows(store.query(con, "session_laps", {"session_key": ref.session_key}))


def _pick_lap(
    laps: list[dict[str, Any]], driver: str, lap: int | str, where: str
) -> dict[str, Any]:
    mine = [
        r
        for r in laps
        if r["driver_id"] == driver.lower() or (r.get("code") or "").upper() == driver.upper()
    ]
    if not mine:
        raise NotFoundError(f"{where}: no car telemetry for driver {driver}")
    if lap == "fastest":
        timed = [r for r in mine if r["lap_time_ms"]]
        if not timed:
            raise NotFoundError(f"{where}: driver {driver} set no lap time")
        return min(timed, key=lambda r: (r["lap_time_ms"], r["lap"]))
    for row in mine:
        if row["lap"] == int(lap):
            return row
    raise NotFoundError(f"{where}: driver {driver} has no lap {lap}")


def _read(
    con: duckdb.DuckDBPyConnection, lake: Lake, parts: tuple[str, ...], since: Any, until: Any
) -> dict[str, np.ndarray]:
    if not lake.exists(*parts):
        return {}
    found = store.query(
        con, "lap_samples", {"path": lake.url(*parts), "since": since, "until": until}
    ).fetchnumpy()
    out = {}
    for name, values in found.items():
        if name == "date":
            out["t"] = np.asarray(values).astype("datetime64[ms]").astype("int64") / 1000.0
        else:
            out[name] = np.ma.filled(np.ma.asarray(values).astype(float), np.nan)
    return out


def _interp(t: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(values)
    if ok.sum() < 2:
        return np.full(len(t), np.nan)
    return np.interp(t, times[ok], values[ok])


def build_lap(
    con: duckdb.DuckDBPyConnection, lake: Lake, ref: SessionRef, row: dict[str, Any]
) -> LapTelemetry:
    """One lap's telemetry from a ``session_laps.sql`` row (see the module docstring)."""
    start, end = row["lap_started_at"], row["lap_ended_at"]
    partition = store.Partition(ref.season, ref.round, ref.code, row["driver_id"])
    lap = LapTelemetry(
        ref.season,
        ref.round,
        ref.code,
        row["driver_id"],
        row.get("code"),
        row["lap"],
        row["lap_time_ms"],
        start,
        row["is_pit_in_lap"],
        row["is_pit_out_lap"],
        {
            "i1_speed_kph": row["i1_speed_kph"],
            "i2_speed_kph": row["i2_speed_kph"],
            "st_speed_kph": row["st_speed_kph"],
        },
    )
    car = _read(con, lake, partition.parts("car_data"), start - MARGIN, end + MARGIN)
    if len(car.get("t", ())) < 2:
        raise NotFoundError(
            f"no car telemetry for {row['driver_id']} lap {row['lap']} of {ref.label}; "
            f"run `undercut telemetry pull {ref.season} {ref.round} --session {ref.code}`"
        )
    pos = _read(con, lake, partition.parts("location"), start - MARGIN, end + MARGIN)
    t0, t1 = start.replace(tzinfo=dt.UTC).timestamp(), end.replace(tzinfo=dt.UTC).timestamp()
    inside = (car["t"] > t0) & (car["t"] < t1)
    t = np.concatenate([[t0], car["t"][inside], [t1]])
    columns: dict[str, np.ndarray] = {"time_s": t - t0}
    for name in CHANNELS:
        columns[name] = _interp(t, car["t"], car[name])
    columns["gear"] = np.round(columns["gear"])
    for name in POSITIONS:
        columns[name] = (
            _interp(t, pos["t"], pos[name]) if len(pos.get("t", ())) else np.full(len(t), np.nan)
        )
    speed = np.nan_to_num(columns["speed_kph"]) / 3.6
    distance = np.concatenate([[0.0], np.cumsum(np.diff(t) * (speed[1:] + speed[:-1]) / 2)])
    columns["distance_m"] = distance
    total = distance[-1] if distance[-1] > 0 else 1.0
    columns["relative_distance"] = distance / total
    lap.columns = columns
    gaps = np.diff(car["t"][(car["t"] >= t0 - 1) & (car["t"] <= t1 + 1)])
    if len(gaps) and gaps.max() > 2.0:
        lap.warnings.append(f"gap of {gaps.max():.1f} s between car samples: values interpolated")
    if not len(pos.get("t", ())):
        lap.warnings.append("no position samples: x, y, z are null")
    return lap


def lake_session(season: int, round: int, session: str) -> SessionRef:
    """The session as the lake names it (no warehouse needed: telemetry is keyed by
    season, round and session code).

    Raises:
        InputError: not a session code.
        NotFoundError: a season before OpenF1's first.
    """
    code = session.upper()
    if code not in store.SESSION_CODES:
        raise InputError(
            f"session {session}: not a session code (one of {', '.join(store.SESSION_CODES)})"
        )
    if season < FIRST_SEASON:
        raise NotFoundError(
            f"{season} round {round}: no car telemetry before {FIRST_SEASON} "
            "(OpenF1's first season)"
        )
    epoch = dt.datetime(season, 1, 1)
    return SessionRef(0, season, round, store.SESSION_CODES[code][0], epoch, epoch)


def lake_laps(
    con: duckdb.DuckDBPyConnection, lake: Lake, ref: SessionRef, driver: str | None = None
) -> list[dict[str, Any]]:
    """The session's laps with telemetry (all, or one driver's) from gold on the lake."""
    parts = store.gold_parts("laps", ref.season, ref.round, ref.code)
    if not lake.exists(*parts):
        raise NotFoundError(
            f"no car telemetry for {ref.label}: "
            f"`undercut telemetry pull {ref.season} {ref.round} --session {ref.code}` fetches it"
        )
    return _rows(store.query(con, "lake_laps", {"path": lake.url(*parts), "driver": driver}))


def lap_telemetry(
    settings: Settings,
    season: int,
    round: int,
    session: str,
    driver: str,
    lap: int | str = "fastest",
) -> LapTelemetry:
    """One driver's lap (a number, or ``fastest``) with distance and positions, read from
    the lake alone.

    Raises:
        InputError: a bad session code.
        NotFoundError: no such session, driver, lap, or no telemetry for it.
    """
    ref = lake_session(season, round, session)
    lake = Lake.from_settings(settings)
    with store.connect(lake) as con:
        row = _pick_lap(lake_laps(con, lake, ref, driver), driver, lap, ref.label)
        return build_lap(con, lake, ref, row)


@dataclass
class Comparison:
    reference: LapTelemetry
    other: LapTelemetry
    delta_s: np.ndarray  # other's time minus reference's, at the reference's distances

    @property
    def final_delta_s(self) -> float:
        return float(self.delta_s[-1]) if len(self.delta_s) else 0.0


def delta_time(reference: LapTelemetry, other: LapTelemetry) -> np.ndarray:
    """Time ``other`` needed to reach each of ``reference``'s distances, minus reference's
    (positive: ``other`` behind), comparing on relative distance so two laps of slightly
    different integrated length still line up at the finish line."""
    ref_rel = reference.columns["relative_distance"]
    other_time = np.interp(ref_rel, other.columns["relative_distance"], other.columns["time_s"])
    return np.asarray(other_time - reference.columns["time_s"])


def compare(
    settings: Settings,
    season: int,
    round: int,
    session: str,
    first: str,
    second: str,
    lap: int | str = "fastest",
) -> Comparison:
    """Two drivers' laps (each's fastest, or the same lap number) and the delta time."""
    ref = lake_session(season, round, session)
    lake = Lake.from_settings(settings)
    with store.connect(lake) as con:
        laps = lake_laps(con, lake, ref)
        a = build_lap(con, lake, ref, _pick_lap(laps, first, lap, ref.label))
        b = build_lap(con, lake, ref, _pick_lap(laps, second, lap, ref.label))
    return Comparison(a, b, delta_time(a, b))


def sessions_with_telemetry(settings: Settings, season: int, round: int) -> list[str]:
    """The codes of the round's sessions (in ``SESSION_CODES`` order) whose telemetry is
    on the lake: one listing of the round's folder of per-session gold, no file read."""
    if season < FIRST_SEASON:
        return []
    lake = Lake.from_settings(settings)
    folder = store.gold_parts("sessions", season, round, "R")[:-2]
    found = {name.removeprefix("session=") for name in lake.ls(*folder)}
    return [code for code in store.SESSION_CODES if code in found]


def drivers_with_telemetry(
    settings: Settings, season: int, round: int, session: str
) -> list[dict[str, Any]]:
    """The session's drivers with telemetry on the lake, fastest lap first:
    ``driver_id``, ``code``, ``fastest_lap_ms``."""
    ref = lake_session(season, round, session)
    lake = Lake.from_settings(settings)
    parts = store.gold_parts("sessions", ref.season, ref.round, ref.code)
    if not lake.exists(*parts):
        return []
    with store.connect(lake) as con:
        return _rows(store.query(con, "lake_drivers", {"path": lake.url(*parts)}))
