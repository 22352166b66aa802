"""The ``/api/v1/constructors`` documents: every constructor with a career summary; one in
detail."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from undercut.serving.documents import career_totals, constructor_identity, detail_parts
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

CONSTRUCTORS = Listing(
    query="constructor_careers",
    key="constructor_id",
    noun="constructor",
    sorts={
        "name": "constructor_name",
        "constructorId": "constructor_id",
        **CAREER_SORTS,
    },
)


class ConstructorCareer(CareerTotals):
    """As in gold.constructor_summary: starts and wins count races (one per race however
    many cars); podiums, fastest laps and DNFs count cars (DNFs exclude
    disqualifications); points are constructors' championship points (awarded from 1958,
    sprints included)."""

    championships: int = Field(description="Constructors' titles (completed seasons only).")


class ConstructorSummary(BaseModel):
    constructorId: str
    name: str
    nationality: str | None
    races_entered: int
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


class ConstructorSeason(BaseModel):
    season: int
    drivers: list[str]
    starts: int
    wins: int
    podiums: int
    poles: int
    points: float
    position: int | None = Field(description="Final (or latest) championship position.")


class ConstructorDetail(BaseModel):
    constructorId: str
    name: str
    nationality: str | None
    races_entered: int
    first_season: int | None
    last_season: int | None
    career: ConstructorCareer
    seasons: list[ConstructorSeason]
    elo: Elo


def _summary(row: dict[str, Any]) -> ConstructorSummary:
    return ConstructorSummary(**constructor_identity(row), **career_totals(row), elo=row["elo"])


def list_constructors(
    reader: Reader,
    *,
    limit: int,
    offset: int,
    sort: str | None,
    nationality: str | None,
    season: int | None = None,
    q: str | None,
) -> Page[ConstructorSummary]:
    """Every constructor with career totals, filtered, sorted and paged."""
    total, rows = CONSTRUCTORS.page(
        reader,
        [
            search_condition(q, ["constructor_id", "constructor_name"]),
            same_text("nationality", nationality),
            entered_in(season, "constructor_id"),
        ],
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page[ConstructorSummary](
        total=total, limit=limit, offset=offset, items=[_summary(r) for r in rows]
    )


def get_constructor(constructor_id: str, reader: Reader) -> ConstructorDetail:
    """One constructor: career totals, season by season, Elo now and at its peak."""
    row = CONSTRUCTORS.get(reader, constructor_id)
    seasons = run(reader, "constructor_seasons", constructor_id=constructor_id)
    return ConstructorDetail(**constructor_identity(row), **detail_parts(row, seasons, "drivers"))
