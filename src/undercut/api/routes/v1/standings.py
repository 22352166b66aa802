"""``/api/v1/standings/{season}/...``: championships after a round, and their progression."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import run
from undercut.errors import NotFoundError
from undercut.serving.documents import standing
from undercut.serving.store import Reader

router = APIRouter(prefix="/standings", tags=["standings"])

SeasonPath = Annotated[int, Path(ge=1950, le=2100)]
RoundQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=100,
        description=("Standings after this round; default the newest round with standings."),
    ),
]


class DriverStanding(BaseModel):
    position: int | None
    driverId: str
    points: float
    wins: int


class DriverStandings(BaseModel):
    season: int
    after_round: int
    drivers: list[DriverStanding]


class ConstructorStanding(BaseModel):
    position: int | None
    constructorId: str
    points: float
    wins: int


class ConstructorStandings(BaseModel):
    season: int
    after_round: int
    constructors: list[ConstructorStanding]


class DriverProgression(BaseModel):
    driverId: str
    points_by_round: list[tuple[int, float]] = Field(
        description="`[round, points after that round]` pairs."
    )


class Progression(BaseModel):
    season: int
    drivers: list[DriverProgression]


Kind = Literal["drivers", "constructors"]


def _after_round(reader: Reader, season: int, round: int | None, kind: Kind) -> int:
    latest = run(reader, "standings_rounds", season=season)[0][f"{kind}_round"]
    if latest is None:
        raise NotFoundError(f"season {season} has no {kind}' standings")
    if round is not None and round > latest:
        raise NotFoundError(f"season {season} has {kind}' standings up to round {latest}")
    return int(round if round is not None else latest)


def _championship(
    reader: Reader, season: int, round: int | None, kind: Kind
) -> tuple[int, list[dict[str, Any]]]:
    """The round the championship stands after, and its entries: the two championships
    differ only in whose ref (``driverId`` or ``constructorId``) an entry carries."""
    after = _after_round(reader, season, round, kind)
    who = kind.removesuffix("s")
    rows = run(reader, f"{who}_standings", season=season, round=after)
    return after, [standing(r, who) for r in rows]


@router.get("/{season}/drivers", response_model=DriverStandings)
def driver_standings(
    season: SeasonPath, reader: WarehouseDep, round: RoundQuery = None
) -> DriverStandings:
    """The drivers' championship after a round (default: the newest)."""
    after, entries = _championship(reader, season, round, "drivers")
    return DriverStandings(
        season=season, after_round=after, drivers=[DriverStanding(**e) for e in entries]
    )


@router.get("/{season}/constructors", response_model=ConstructorStandings)
def constructor_standings(
    season: SeasonPath, reader: WarehouseDep, round: RoundQuery = None
) -> ConstructorStandings:
    """The constructors' championship after a round (there is none before 1958)."""
    after, entries = _championship(reader, season, round, "constructors")
    return ConstructorStandings(
        season=season,
        after_round=after,
        constructors=[ConstructorStanding(**e) for e in entries],
    )


@router.get("/{season}/progression", response_model=Progression)
def progression(season: SeasonPath, reader: WarehouseDep) -> Progression:
    """Each driver's points total after every round of the season."""
    rows = run(reader, "standings_progression", season=season)
    if not rows:
        raise NotFoundError(f"season {season} has no drivers' standings")
    by_driver: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        by_driver.setdefault(r["driver_id"], []).append((int(r["round"]), float(r["points"] or 0)))
    return Progression(
        season=season,
        drivers=[DriverProgression(driverId=d, points_by_round=p) for d, p in by_driver.items()],
    )
