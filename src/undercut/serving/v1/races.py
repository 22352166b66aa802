"""The ``/api/v1`` race documents: a season's calendar and a race's classification."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from undercut.errors import NotFoundError
from undercut.serving.store import Reader
from undercut.serving.v1.listing import one, run


class RaceItem(BaseModel):
    round: int
    raceName: str
    date: dt.date | None
    circuitId: str
    winner: str | None = Field(description="Winning driver's ref, once there are results.")
    has_result: bool
    has_qualifying: bool


class SeasonRaces(BaseModel):
    season: int
    races: list[RaceItem]


class ResultItem(BaseModel):
    position: int | None = Field(description="Classified position (null when not classified).")
    positionText: str | None = Field(description="`1`…, `R` retired, `D` disqualified, …")
    driverId: str
    constructorId: str
    grid: int | None
    points: float | None
    laps: int | None
    status: str | None
    time: str | None


class RaceResults(BaseModel):
    season: int
    round: int
    raceName: str
    date: dt.date | None
    circuitId: str
    results: list[ResultItem]


def season_races(season: int, reader: Reader) -> SeasonRaces:
    """A season's calendar: each race, its winner, and whether results/qualifying exist."""
    rows = run(reader, "season_races", season=season)
    if not rows:
        raise NotFoundError(f"season {season} not found")
    return SeasonRaces(
        season=season,
        races=[
            RaceItem(
                round=r["round"],
                raceName=r["race_name"],
                date=r["race_date"],
                circuitId=r["circuit_id"],
                winner=r["winner"],
                has_result=bool(r["has_result"]),
                has_qualifying=bool(r["has_qualifying"]),
            )
            for r in rows
        ],
    )


def race_results(season: int, round: int, reader: Reader) -> RaceResults:
    """The classification of one race (404 for an unknown race or one not yet run)."""
    race = one(reader, "race", f"race {season}:{round}", season=season, round=round)
    rows = run(reader, "race_results", season=season, round=round)
    if not rows:
        raise NotFoundError(f"race {season}:{round} has no results yet")
    return RaceResults(
        season=season,
        round=round,
        raceName=race["race_name"],
        date=race["race_date"],
        circuitId=race["circuit_id"],
        results=[
            ResultItem(
                position=r["position"],
                positionText=r["position_text"],
                driverId=r["driver_id"],
                constructorId=r["constructor_id"],
                grid=r["grid"],
                points=r["points"],
                laps=r["laps"],
                status=r["status"],
                time=r["time_text"],
            )
            for r in rows
        ],
    )
