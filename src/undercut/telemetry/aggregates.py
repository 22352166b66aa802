"""Gold telemetry aggregates and the physical checks of a session's telemetry.

After a pull, each session gets three gold Parquet files beside silver
(``gold/telemetry_{laps,sessions,corners}/season=/round=/session=/data.parquet``), all
computed by SQL over ``read_parquet`` of the silver partitions:

- ``telemetry_laps`` (driver, lap): top speed, speed traps, full-throttle share, braking
  events, DRS activations and time open, gear shifts, distance integrated from speed;
- ``telemetry_sessions`` (driver): the same over the session;
- ``telemetry_corners`` (driver, lap, corner): minimum speed at each corner, the corners
  being the speed minima of the session's fastest lap (each at least ``PROMINENCE_KPH``
  below the faster running either side of it).

The physical checks need no reference data: a complete lap's integrated distance must be
within 3 % of the circuit length (F1DB's ``courseLength`` when a silver table has it,
else the length of the fastest lap's position trace), a complete lap's position trace
must close, and every channel must stay in its physical range. A failure is a warning in
the report, never a stop.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from undercut.config import Settings
from undercut.errors import NotFoundError
from undercut.lake import Lake
from undercut.sql import duckdb_params
from undercut.telemetry import store
from undercut.telemetry.laps import LapTelemetry, SessionRef, build_lap, reading, session_laps
from undercut.warehouse.checks import CheckResult

DISTANCE_TOLERANCE = 0.03
LOOP_GAP_M = 200.0
PROMINENCE_KPH = 15.0
MIN_CORNER_GAP = 0.015  # of a lap


def _warning(name: str, where: str, message: str, failures: int = 1) -> CheckResult:
    return CheckResult(name, "warning", where, "", message, failures, [])


def session_files(lake: Lake, ref: SessionRef, stream: str) -> list[str]:
    """URLs of every driver's silver file of one stream of one session."""
    base = (
        "silver",
        "telemetry",
        stream,
        f"season={ref.season}",
        f"round={ref.round}",
        f"session={ref.code}",
    )
    return [
        lake.url(*base, name, "data.parquet")
        for name in lake.ls(*base)
        if name.startswith("driver=") and lake.exists(*base, name, "data.parquet")
    ]


def find_corners(lap: LapTelemetry) -> list[dict[str, Any]]:
    """The speed minima of a lap, by relative distance: a corner is a local minimum of
    the (lightly smoothed) speed that is ``PROMINENCE_KPH`` below the fastest point
    before it and after it since the previous and up to the next corner."""
    speed = np.nan_to_num(lap.columns["speed_kph"])
    rel = lap.columns["relative_distance"]
    if len(speed) < 10:
        return []
    smooth = np.convolve(np.r_[speed[:1], speed, speed[-1:]], np.ones(3) / 3, "valid")
    minima = [
        i
        for i in range(1, len(smooth) - 1)
        if smooth[i] <= smooth[i - 1] and smooth[i] < smooth[i + 1]
    ]
    corners: list[int] = []
    for i in minima:
        if corners and rel[i] - rel[corners[-1]] < MIN_CORNER_GAP:
            if smooth[i] < smooth[corners[-1]]:
                corners[-1] = i
            continue
        corners.append(i)
    kept = []
    bounds = [0, *corners, len(smooth) - 1]
    for k, i in enumerate(corners):
        before = smooth[bounds[k] : i + 1].max()
        after = smooth[i : bounds[k + 2] + 1].max()
        if min(before, after) - smooth[i] >= PROMINENCE_KPH:
            kept.append(i)
    return [
        {
            "corner": n + 1,
            "relative_distance": float(rel[i]),
            "distance_m": round(float(lap.columns["distance_m"][i]), 1),
            "x": None if np.isnan(lap.columns["x"][i]) else float(lap.columns["x"][i]),
            "y": None if np.isnan(lap.columns["y"][i]) else float(lap.columns["y"][i]),
            "apex_speed_kph": round(float(speed[i]), 1),
        }
        for n, i in enumerate(kept)
    ]


def trace_length_m(lap: LapTelemetry) -> float | None:
    """Length of a lap's position trace (x, y in tenths of a metre), None without one."""
    x, y = lap.columns["x"], lap.columns["y"]
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 10:
        return None
    return float(np.hypot(np.diff(x[ok]), np.diff(y[ok])).sum() / 10)


def course_length_m(con: duckdb.DuckDBPyConnection, ref: SessionRef) -> float | None:
    """F1DB's course length of the race, when a silver table carries it."""
    for table, column in store.query(con, "circuit_length").fetchall():
        row = con.execute(
            f'select max("{column}") from silver."{table}" where season = ? and round = ?',
            [ref.season, ref.round],
        ).fetchall()[0]
        if row and row[0]:
            return float(row[0]) * (1000 if column.endswith("_km") else 1)
    return None


def build_session_aggregates(
    settings: Settings, lake: Lake, ref: SessionRef
) -> tuple[int, int, list[CheckResult]]:
    """Gold aggregates and physical checks of one session; returns the silver bytes of
    the session (both streams), its car-data samples and the warnings."""
    car = session_files(lake, ref, "car_data")
    pos = session_files(lake, ref, "location")
    size = sum(int(lake.fs.size(lake.path(*_parts(lake, url)))) for url in car + pos)
    warnings: list[CheckResult] = []
    if not car:
        warnings.append(_warning("telemetry_none", ref.label, "no car telemetry in this session"))
        return size, 0, warnings
    with reading(settings) as (con, _lake):
        laps = session_laps(con, ref)
        if not laps:
            warnings.append(_warning("telemetry_no_laps", ref.label, "no timed laps to slice by"))
            return size, 0, warnings
        con.register("laps_rows", pa.Table.from_pylist(laps))
        con.execute("create or replace temp table laps as select * from laps_rows")
        samples = con.execute(
            "select count(*) from read_parquet($files)", {"files": car}
        ).fetchall()[0]
        lap_stats = store.arrow(con, "lap_aggregates", {"files": car})
        con.register("lap_stats", lap_stats)
        store.copy_to_lake(
            lake, con, "select * from lap_stats", store.gold_parts("laps", *_keys(ref))
        )
        session_sql = store.sql().text("session_aggregates")
        store.copy_to_lake(lake, con, session_sql, store.gold_parts("sessions", *_keys(ref)))
        warnings += _check_ranges(con, car, ref)
        reference = _fastest(con, lake, ref, laps, lap_stats)
        if reference is not None:
            corners = find_corners(reference)
            con.register(
                "corners",
                pa.Table.from_pylist(corners or [{"corner": 0, "relative_distance": -1.0}]),
            )
            corner_sql, values = duckdb_params(store.sql().text("corner_speeds"), {"files": car})
            store.copy_to_lake(
                lake, con, corner_sql, store.gold_parts("corners", *_keys(ref)), values
            )
            warnings += _check_distance(con, ref, reference, lap_stats)
        if pos:
            for driver_id, lap, gap in store.query(
                con, "loop_checks", {"files": pos, "max_gap_m": LOOP_GAP_M}
            ).fetchall():
                warnings.append(
                    _warning(
                        "telemetry_open_loop",
                        f"{ref.label} {driver_id} lap {lap}",
                        f"position trace does not close: {gap} m between start and end",
                    )
                )
    return size, int(samples[0]) if samples else 0, warnings


def _keys(ref: SessionRef) -> tuple[int, int, str]:
    return ref.season, ref.round, ref.code


def _parts(lake: Lake, url: str) -> tuple[str, ...]:
    return tuple(url.removeprefix(lake.root + "/").split("/"))


def _fastest(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    ref: SessionRef,
    laps: list[dict[str, Any]],
    lap_stats: pa.Table,
) -> LapTelemetry | None:
    """The fastest complete lap with telemetry: the session's reference for corners."""
    with_data = {(r["driver_id"], r["lap"]) for r in lap_stats.to_pylist()}
    candidates = sorted(
        (r for r in laps if r["lap_time_ms"] and (r["driver_id"], r["lap"]) in with_data),
        key=lambda r: r["lap_time_ms"],
    )
    for row in candidates[:3]:
        try:
            return build_lap(con, lake, ref, row)
        except NotFoundError:
            continue
    return None


def _check_ranges(
    con: duckdb.DuckDBPyConnection, files: list[str], ref: SessionRef
) -> list[CheckResult]:
    return [
        _warning(
            "telemetry_out_of_range",
            f"{ref.label} {driver_id}",
            f"{channel} outside its physical range ({lowest} to {highest})",
            failures,
        )
        for driver_id, channel, failures, lowest, highest in store.query(
            con, "range_checks", {"files": files}
        ).fetchall()
    ]


def _check_distance(
    con: duckdb.DuckDBPyConnection,
    ref: SessionRef,
    reference: LapTelemetry,
    lap_stats: pa.Table,
) -> list[CheckResult]:
    """Every complete lap's integrated distance against the circuit length."""
    length = course_length_m(con, ref)
    basis = "F1DB course length"
    warnings = []
    if length is None:
        length = trace_length_m(reference)
        basis = "the fastest lap's position trace"
        if length is None:
            return [
                _warning(
                    "telemetry_no_circuit_length",
                    ref.label,
                    "no circuit length (no F1DB layout, no positions): distance not checked",
                )
            ]
    for row in lap_stats.to_pylist():
        if row["is_pit_in_lap"] or row["is_pit_out_lap"] or row["lap"] == 1:
            continue
        distance = row["distance_m"] or 0.0
        if abs(distance - length) > DISTANCE_TOLERANCE * length:
            warnings.append(
                _warning(
                    "telemetry_lap_distance",
                    f"{ref.label} {row['driver_id']} lap {row['lap']}",
                    f"integrated distance {distance:.0f} m is more than 3 % from {basis} "
                    f"({length:.0f} m)",
                )
            )
    return warnings
