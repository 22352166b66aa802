"""The ``/api/v1/drivers`` documents: every driver with a career summary; one driver in detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from undercut.serving.documents import career_totals, detail_parts, driver_identity
from undercut.serving.store import Reader
from undercut.serving.v1.careers import CAREER_SORTS, CareerTotals, Elo
from undercut.serving.v1.listing import (
    Listing,
    Page,
    entered_in,
    run,
    same_text,
    search_condition,
)

DRIVERS = Listing(
    query="driver_careers",
    key="driver_id",
    noun="driver",
    sorts={
        "name": "family_name",
        "driverId": "driver_id",
        **CAREER_SORTS,
        "dateOfBirth": "date_of_birth",
    },
)


class Career(CareerTotals):
    """Official definitions, as in gold.driver_summary: a start is a race started; a pole
    is the pole as awarded; points are championship points (sprints included) after
    dropped scores and deductions, as the standings count them; a DNF is a start without
    a classification, disqualifications excluded."""

    fastest_laps: int = Field(
        description="Fastest race laps (recorded from 2004, and 1950-1959 from the "
        "fastest-lap point)."
    )
    championships: int = Field(description="Drivers' titles (completed seasons only).")


class DriverSummary(BaseModel):
    driverId: str = Field(description="Ergast ref.")
    code: str | None = Field(description="Three-letter code, e.g. `HAM` (not for early eras).")
    permanentNumber: int | None
    givenName: str
    familyName: str
    nationality: str | None
    dateOfBirth: dt.date | None
    races_entered: int = Field(description="Races entered, including non-starts.")
    first_season: int | None
    last_season: int | None
    starts: int
    wins: int
    podiums: int
    poles: int
    fastest_laps: int
    points: float
    championships: int
    dnfs: int
    elo: float | None = Field(description="Latest Elo rating.")


class DriverSeason(BaseModel):
    season: int
    constructors: list[str] = Field(description="Constructor refs driven for that season.")
    starts: int
    wins: int
    podiums: int
    poles: int
    points: float
    position: int | None = Field(description="Final (or latest) championship position.")


class DriverDetail(BaseModel):
    driverId: str
    code: str | None
    permanentNumber: int | None
    givenName: str
    familyName: str
    nationality: str | None
    dateOfBirth: dt.date | None
    races_entered: int
    first_season: int | None
    last_season: int | None
    career: Career
    seasons: list[DriverSeason]
    elo: Elo


def _summary(row: dict[str, Any]) -> DriverSummary:
    return DriverSummary(**driver_identity(row), **career_totals(row), elo=row["elo"])


def list_drivers(
    reader: Reader,
    *,
    limit: int,
    offset: int,
    sort: str | None,
    nationality: str | None,
    season: int | None = None,
    q: str | None,
) -> Page[DriverSummary]:
    """Every driver with career totals, filtered, sorted and paged."""
    total, rows = DRIVERS.page(
        reader,
        [
            search_condition(q, ["driver_id", "given_name", "family_name", "code"]),
            same_text("nationality", nationality),
            entered_in(season, "driver_id"),
        ],
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page[DriverSummary](
        total=total, limit=limit, offset=offset, items=[_summary(r) for r in rows]
    )


def get_driver(driver_id: str, reader: Reader) -> DriverDetail:
    """One driver: identity, career totals, season by season, Elo now and at its peak."""
    row = DRIVERS.get(reader, driver_id)
    seasons = run(reader, "driver_seasons", driver_id=driver_id)
    return DriverDetail(**driver_identity(row), **detail_parts(row, seasons, "constructors"))
