"""``/api/v1/seasons/{season}/races`` and ``/api/v1/races/{season}/{round}/results``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import ReadRouter
from undercut.serving.v1 import races
from undercut.serving.v1.races import RaceResults, SeasonRaces

router = ReadRouter(tags=["races"])

SeasonPath = Annotated[int, Path(ge=1950, le=2100, description="Championship year.")]
RoundPath = Annotated[int, Path(ge=1, le=100, description="Round within the season.")]


@router.get("/seasons/{season}/races", response_model=SeasonRaces)
def season_races(season: SeasonPath, reader: WarehouseDep) -> SeasonRaces:
    """A season's calendar: each race, its winner, and whether results/qualifying exist."""
    return races.season_races(season, reader)


@router.get("/races/{season}/{round}/results", response_model=RaceResults)
def race_results(season: SeasonPath, round: RoundPath, reader: WarehouseDep) -> RaceResults:
    """The classification of one race (404 for an unknown race or one not yet run)."""
    return races.race_results(season, round, reader)
