"""``/api/v1/telemetry``: one lap's car telemetry, and two laps compared."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from undercut.api.deps import SettingsDep
from undercut.serving.v1 import telemetry
from undercut.serving.v1.telemetry import MAX_POINTS, ComparisonDocument, LapTelemetryDocument

router = APIRouter(prefix="/telemetry", tags=["telemetry"])

SeasonPath = Annotated[int, Path(ge=2023, le=2100, description="Season (OpenF1: 2023 on).")]
RoundPath = Annotated[int, Path(ge=1, le=100, description="Round within the season.")]
SessionPath = Annotated[
    str,
    Path(pattern="^(FP1|FP2|FP3|SQ|S|Q|R)$", description="Session: FP1, FP2, FP3, SQ, S, Q, R."),
]
DriverPath = Annotated[
    str, Path(max_length=64, description="Three-letter code (`VER`) or Ergast ref.")
]
LapPath = Annotated[
    str, Path(pattern="^(fastest|[0-9]{1,3})$", description="A lap number, or `fastest`.")
]
Points = Annotated[
    int | None,
    Query(
        ge=2,
        le=MAX_POINTS,
        description="Down-sample to this many points evenly spread over the lap (ends kept).",
    ),
]


def _lap(lap: str) -> int | str:
    return lap if lap == "fastest" else int(lap)


@router.get("/{season}/{round}/{session}/{driver}/laps/{lap}", response_model=LapTelemetryDocument)
def lap_telemetry(
    season: SeasonPath,
    round: RoundPath,
    session: SessionPath,
    driver: DriverPath,
    lap: LapPath,
    settings: SettingsDep,
    points: Points = None,
) -> LapTelemetryDocument:
    """One lap's telemetry: speed, rpm, gear, throttle, brake, DRS and position against
    time and distance (404 when the lap or its telemetry is not on the lake; `undercut
    telemetry pull` brings it)."""
    return telemetry.lap_telemetry(settings, season, round, session, driver, _lap(lap), points)


@router.get(
    "/{season}/{round}/{session}/compare/{driver}/{other}", response_model=ComparisonDocument
)
def compare_laps(
    season: SeasonPath,
    round: RoundPath,
    session: SessionPath,
    driver: DriverPath,
    other: DriverPath,
    settings: SettingsDep,
    lap: Annotated[
        str, Query(pattern="^(fastest|[0-9]{1,3})$", description="Lap number or `fastest`.")
    ] = "fastest",
    points: Points = None,
) -> ComparisonDocument:
    """Two drivers' laps (each's fastest, or the same lap number) on the first's distance:
    both speed traces, throttle, brake, gear, and the delta time (second minus first)."""
    return telemetry.comparison(settings, season, round, session, driver, other, _lap(lap), points)
