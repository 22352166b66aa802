"""The ``/api/v1/standings`` documents: championships after a round, and their
progression."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from undercut.errors import NotFoundError
from undercut.serving.documents import standing
from undercut.serving.store import Reader
from undercut.serving.v1.listing import run


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


def driver_standings(season: int, reader: Reader, round: int | None = None) -> DriverStandings:
    """The drivers' championship after a round (default: the newest)."""
    after, entries = _championship(reader, season, round, "drivers")
    return DriverStandings(
        season=season, after_round=after, drivers=[DriverStanding(**e) for e in entries]
    )


def constructor_standings(
    season: int, reader: Reader, round: int | None = None
) -> ConstructorStandings:
    """The constructors' championship after a round (there is none before 1958)."""
    after, entries = _championship(reader, season, round, "constructors")
    return ConstructorStandings(
        season=season,
        after_round=after,
        constructors=[ConstructorStanding(**e) for e in entries],
    )


def progression(season: int, reader: Reader) -> Progression:
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
