"""``/api/v1/ratings``: Elo ratings of drivers and constructors, now and over time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import Limit, run
from undercut.errors import NotFoundError
from undercut.serving.store import Reader

router = APIRouter(prefix="/ratings", tags=["ratings"])

Kind = Literal["drivers", "constructors"]
RefPath = Annotated[str, Path(max_length=64, description="Ergast ref.")]
Active = Annotated[
    bool, Query(description=("Only those rated in the newest rated season (the current field)."))
]


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


def _history(reader: Reader, kind: Kind, ref: str) -> list[RatingPoint]:
    rows = run(reader, f"elo_history_{kind}", id=ref)
    if not rows:
        raise NotFoundError(f"{kind[:-1]} {ref!r} has no rating")
    return [
        RatingPoint(
            season=r["season"],
            round=r["round"],
            date=r["race_date"],
            rating=r["rating"],
            change=r["rating_change"],
        )
        for r in rows
    ]


@router.get("/drivers", response_model=list[Rating])
def driver_ratings(reader: WarehouseDep, limit: Limit = 50, active: Active = True) -> list[Rating]:
    """Drivers by current Elo, highest first."""
    return _current(reader, "drivers", limit, active)


@router.get("/drivers/{driver_id}/history", response_model=DriverHistory)
def driver_history(driver_id: RefPath, reader: WarehouseDep) -> DriverHistory:
    """A driver's Elo after each race."""
    return DriverHistory(driverId=driver_id, history=_history(reader, "drivers", driver_id))


@router.get("/constructors", response_model=list[Rating])
def constructor_ratings(
    reader: WarehouseDep, limit: Limit = 50, active: Active = True
) -> list[Rating]:
    """Constructors by current Elo, highest first."""
    return _current(reader, "constructors", limit, active)


@router.get("/constructors/{constructor_id}/history", response_model=ConstructorHistory)
def constructor_history(constructor_id: RefPath, reader: WarehouseDep) -> ConstructorHistory:
    """A constructor's Elo after each race."""
    return ConstructorHistory(
        constructorId=constructor_id, history=_history(reader, "constructors", constructor_id)
    )
