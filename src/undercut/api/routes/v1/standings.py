"""``/api/v1/standings/{season}/...``: championships after a round, and their progression."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import ReadRouter
from undercut.serving.v1 import standings
from undercut.serving.v1.standings import ConstructorStandings, DriverStandings, Progression

router = ReadRouter(prefix="/standings", tags=["standings"])

SeasonPath = Annotated[int, Path(ge=1950, le=2100)]
RoundQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=100,
        description=("Standings after this round; default the newest round with standings."),
    ),
]


@router.get("/{season}/drivers", response_model=DriverStandings)
def driver_standings(
    season: SeasonPath, reader: WarehouseDep, round: RoundQuery = None
) -> DriverStandings:
    """The drivers' championship after a round (default: the newest)."""
    return standings.driver_standings(season, reader, round)


@router.get("/{season}/constructors", response_model=ConstructorStandings)
def constructor_standings(
    season: SeasonPath, reader: WarehouseDep, round: RoundQuery = None
) -> ConstructorStandings:
    """The constructors' championship after a round (there is none before 1958)."""
    return standings.constructor_standings(season, reader, round)


@router.get("/{season}/progression", response_model=Progression)
def progression(season: SeasonPath, reader: WarehouseDep) -> Progression:
    """Each driver's points total after every round of the season."""
    return standings.progression(season, reader)
