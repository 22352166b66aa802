"""``/api/v1/constructors``: every constructor with a career summary; one in detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import (
    Limit,
    Nationality,
    Offset,
    ReadRouter,
    Search,
    SeasonFilter,
    sort_param,
)
from undercut.serving.v1 import constructors
from undercut.serving.v1.constructors import CONSTRUCTORS, ConstructorDetail, ConstructorSummary
from undercut.serving.v1.listing import Page

router = ReadRouter(prefix="/constructors", tags=["constructors"])

ConstructorId = Annotated[str, Path(max_length=64, description="Ergast ref, e.g. `ferrari`.")]


@router.get("", response_model=Page[ConstructorSummary])
def list_constructors(
    reader: WarehouseDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Annotated[str | None, sort_param(CONSTRUCTORS)] = None,
    nationality: Nationality = None,
    season: SeasonFilter = None,
    q: Search = None,
) -> Page[ConstructorSummary]:
    """Every constructor with career totals, filtered, sorted and paged."""
    return constructors.list_constructors(
        reader,
        limit=limit,
        offset=offset,
        sort=sort,
        nationality=nationality,
        season=season,
        q=q,
    )


@router.get("/{constructor_id}", response_model=ConstructorDetail)
def get_constructor(constructor_id: ConstructorId, reader: WarehouseDep) -> ConstructorDetail:
    """One constructor: career totals, season by season, Elo now and at its peak."""
    return constructors.get_constructor(constructor_id, reader)
