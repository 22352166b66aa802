"""The ``/api/v1/telemetry`` documents: one lap's samples, two laps compared.

Read in place from the lake's silver telemetry (``undercut.telemetry.laps``); the same
documents are what ``undercut telemetry compare --format json`` prints. Every field is
undercut's own (snake_case) except ``driverId`` and ``code``, which are Ergast's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from pydantic import BaseModel, Field

from undercut.config import Settings
from undercut.telemetry import laps as lap_data
from undercut.telemetry.laps import Comparison, LapTelemetry

MAX_POINTS = 2000
MINI_SECTORS = 10


class TelemetryPoint(BaseModel):
    time_s: float = Field(description="Seconds since the lap started.")
    distance_m: float = Field(description="Metres since the lap started, integrated from speed.")
    relative_distance: float = Field(description="Share of the lap, 0 to 1.")
    speed_kph: float | None
    rpm: float | None
    gear: float | None
    throttle_pct: float | None
    brake_pct: float | None = Field(description="OpenF1 sends 0 (off) or 100 (on).")
    drs: float | None = Field(description="OpenF1 code: 0-3 off, 8 eligible, 10/12/14 open.")
    x: float | None = Field(description="Position on track, tenths of a metre.")
    y: float | None
    z: float | None


class LapSummary(BaseModel):
    driverId: str
    code: str | None
    lap: int
    lap_time_ms: int | None
    started_at: dt.datetime
    is_pit_in_lap: bool
    is_pit_out_lap: bool
    distance_m: float = Field(description="Integrated from speed over the lap.")
    top_speed_kph: float | None
    min_speed_kph: float | None
    full_throttle_pct: float | None = Field(description="Share of the lap at throttle >= 98 %.")
    speed_traps_kph: dict[str, int | None] = Field(
        description="OpenF1's intermediate 1, 2 and speed-trap speeds of the lap."
    )
    warnings: list[str] = Field(description="Gaps or missing streams the lap was read with.")


class LapTelemetryDocument(BaseModel):
    season: int
    round: int
    session: str = Field(description="Session code: FP1, FP2, FP3, SQ, S, Q or R.")
    lap: LapSummary
    points: list[TelemetryPoint] = Field(
        description="Samples (car data with positions interpolated onto them), or `points` "
        "of them evenly spread when asked."
    )


class ComparisonPoint(BaseModel):
    distance_m: float = Field(description="The reference lap's distance.")
    relative_distance: float
    speed_kph: float | None = Field(description="Reference driver.")
    other_speed_kph: float | None = Field(description="Second driver, at the same distance.")
    throttle_pct: float | None
    other_throttle_pct: float | None
    brake_pct: float | None
    other_brake_pct: float | None
    gear: float | None
    other_gear: float | None
    x: float | None
    y: float | None
    delta_s: float = Field(description="Second driver's time to here minus the reference's.")


class MiniSector(BaseModel):
    sector: int = Field(description="One of ten equal shares of the lap's distance.")
    delta_s: float = Field(description="Time the second driver lost (+) or gained there.")


class ComparisonDocument(BaseModel):
    season: int
    round: int
    session: str
    reference: LapSummary
    other: LapSummary
    delta_s: float = Field(description="Second driver's lap minus the reference's, seconds.")
    mini_sectors: list[MiniSector]
    points: list[ComparisonPoint]


def _value(array: np.ndarray, i: int) -> float | None:
    value = float(array[i])
    return None if np.isnan(value) else round(value, 3)


def lap_summary(lap: LapTelemetry) -> LapSummary:
    speed = lap.columns["speed_kph"]
    throttle = lap.columns["throttle_pct"]
    time = lap.columns["time_s"]
    full = (
        float(np.sum(np.diff(time)[(throttle[:-1] >= 98)]) / time[-1] * 100) if time[-1] else None
    )
    return LapSummary(
        driverId=lap.driver_id,
        code=lap.code,
        lap=lap.lap,
        lap_time_ms=lap.lap_time_ms,
        started_at=lap.started_at,
        is_pit_in_lap=lap.is_pit_in_lap,
        is_pit_out_lap=lap.is_pit_out_lap,
        distance_m=round(lap.length_m, 1),
        top_speed_kph=None if np.all(np.isnan(speed)) else float(np.nanmax(speed)),
        min_speed_kph=None if np.all(np.isnan(speed)) else float(np.nanmin(speed)),
        full_throttle_pct=None if full is None else round(full, 1),
        speed_traps_kph=lap.speed_traps,
        warnings=lap.warnings,
    )


def lap_telemetry(
    settings: Settings,
    season: int,
    round: int,
    session: str,
    driver: str,
    lap: int | str = "fastest",
    points: int | None = None,
) -> LapTelemetryDocument:
    """One driver's lap (a number or ``fastest``), optionally down-sampled to ``points``.

    Raises:
        NotFoundError: no such session, driver or lap, or no telemetry for it.
        InputError: a bad session code.
    """
    found = lap_data.lap_telemetry(settings, season, round, session, driver, lap)
    return LapTelemetryDocument(
        season=season,
        round=round,
        session=found.session,
        lap=lap_summary(found),
        points=[TelemetryPoint(**row) for row in found.points(points)],
    )


def spread(count: int, limit: int | None) -> np.ndarray:
    """Indexes of ``limit`` samples evenly spread over ``count`` (both ends kept)."""
    if limit is None or limit >= count or limit < 2:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))


def mini_sectors(found: Comparison) -> list[MiniSector]:
    rel = found.reference.columns["relative_distance"]
    edges = np.interp(np.linspace(0, 1, MINI_SECTORS + 1), rel, found.delta_s)
    return [
        MiniSector(sector=i + 1, delta_s=round(float(edges[i + 1] - edges[i]), 3))
        for i in range(MINI_SECTORS)
    ]


def comparison_document(found: Comparison, points: int | None = None) -> ComparisonDocument:
    """A comparison as the document the API and ``--format json`` answer."""
    ref, other = found.reference, found.other
    rel = ref.columns["relative_distance"]
    on_ref = {
        name: np.interp(rel, other.columns["relative_distance"], other.columns[name])
        for name in ("speed_kph", "throttle_pct", "brake_pct", "gear")
    }
    rows = []
    for i in spread(len(rel), points):
        rows.append(
            ComparisonPoint(
                distance_m=round(float(ref.columns["distance_m"][i]), 1),
                relative_distance=round(float(rel[i]), 5),
                speed_kph=_value(ref.columns["speed_kph"], i),
                other_speed_kph=_value(on_ref["speed_kph"], i),
                throttle_pct=_value(ref.columns["throttle_pct"], i),
                other_throttle_pct=_value(on_ref["throttle_pct"], i),
                brake_pct=_value(ref.columns["brake_pct"], i),
                other_brake_pct=_value(on_ref["brake_pct"], i),
                gear=_value(ref.columns["gear"], i),
                other_gear=_value(np.round(on_ref["gear"]), i),
                x=_value(ref.columns["x"], i),
                y=_value(ref.columns["y"], i),
                delta_s=round(float(found.delta_s[i]), 3),
            )
        )
    return ComparisonDocument(
        season=ref.season,
        round=ref.round,
        session=ref.session,
        reference=lap_summary(ref),
        other=lap_summary(other),
        delta_s=round(found.final_delta_s, 3),
        mini_sectors=mini_sectors(found),
        points=rows,
    )


def comparison(
    settings: Settings,
    season: int,
    round: int,
    session: str,
    driver: str,
    other: str,
    lap: int | str = "fastest",
    points: int | None = None,
) -> ComparisonDocument:
    """Two drivers' laps (each's fastest, or the same lap number) on one distance axis."""
    found = lap_data.compare(settings, season, round, session, driver, other, lap)
    return comparison_document(found, points)
