"""``/api/v1/drivers``: every driver with a career summary; one driver in detail."""

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
from undercut.serving.v1 import drivers
from undercut.serving.v1.drivers import DRIVERS, DriverDetail, DriverSummary
from undercut.serving.v1.listing import Page

router = ReadRouter(prefix="/drivers", tags=["drivers"])

DriverId = Annotated[str, Path(max_length=64, description="Ergast ref, e.g. `hamilton`.")]


@router.get("", response_model=Page[DriverSummary])
def list_drivers(
    reader: WarehouseDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Annotated[str | None, sort_param(DRIVERS)] = None,
    nationality: Nationality = None,
    season: SeasonFilter = None,
    q: Search = None,
) -> Page[DriverSummary]:
    """Every driver with career totals, filtered, sorted and paged."""
    return drivers.list_drivers(
        reader,
        limit=limit,
        offset=offset,
        sort=sort,
        nationality=nationality,
        season=season,
        q=q,
    )


@router.get("/{driver_id}", response_model=DriverDetail)
def get_driver(driver_id: DriverId, reader: WarehouseDep) -> DriverDetail:
    """One driver: identity, career totals, season by season, Elo now and at its peak."""
    return drivers.get_driver(driver_id, reader)
