"""``/api/v1/ratings``: Elo ratings of drivers and constructors, now and over time."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import Limit, ReadRouter
from undercut.serving.v1 import ratings
from undercut.serving.v1.ratings import ConstructorHistory, DriverHistory, Rating

router = ReadRouter(prefix="/ratings", tags=["ratings"])

RefPath = Annotated[str, Path(max_length=64, description="Ergast ref.")]
Active = Annotated[
    bool, Query(description=("Only those rated in the newest rated season (the current field)."))
]


@router.get("/drivers", response_model=list[Rating])
def driver_ratings(reader: WarehouseDep, limit: Limit = 50, active: Active = True) -> list[Rating]:
    """Drivers by current Elo, highest first."""
    return ratings.driver_ratings(reader, limit, active)


@router.get("/drivers/{driver_id}/history", response_model=DriverHistory)
def driver_history(driver_id: RefPath, reader: WarehouseDep) -> DriverHistory:
    """A driver's Elo after each race."""
    return ratings.driver_history(driver_id, reader)


@router.get("/constructors", response_model=list[Rating])
def constructor_ratings(
    reader: WarehouseDep, limit: Limit = 50, active: Active = True
) -> list[Rating]:
    """Constructors by current Elo, highest first."""
    return ratings.constructor_ratings(reader, limit, active)


@router.get("/constructors/{constructor_id}/history", response_model=ConstructorHistory)
def constructor_history(constructor_id: RefPath, reader: WarehouseDep) -> ConstructorHistory:
    """A constructor's Elo after each race."""
    return ratings.constructor_history(constructor_id, reader)
