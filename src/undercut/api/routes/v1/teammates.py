"""``/api/v1/teammates/{driverId}``: head-to-heads against every team-mate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import run
from undercut.errors import NotFoundError

router = APIRouter(prefix="/teammates", tags=["drivers"])


class HeadToHead(BaseModel):
    season: int
    constructorId: str
    teammate_id: str
    races: int = Field(description="Races both started for the team.")
    quali_ahead: int
    quali_behind: int
    race_ahead: int = Field(description="Finished (classification order) ahead.")
    race_behind: int


@router.get("/{driver_id}", response_model=list[HeadToHead])
def teammates(
    driver_id: Annotated[str, Path(max_length=64)], reader: WarehouseDep
) -> list[HeadToHead]:
    """Qualifying and race head-to-heads per season and team."""
    rows = run(reader, "teammates", driver_id=driver_id)
    if not rows:
        known = reader.fetch(
            "select 1 as x from silver.drivers where driver_id = :driver_id",
            {"driver_id": driver_id},
        )
        if not known:
            raise NotFoundError(f"driver {driver_id!r} not found")
    return [
        HeadToHead(
            season=r["season"],
            constructorId=r["constructor_id"],
            teammate_id=r["teammate_id"],
            races=r["races"],
            quali_ahead=r["quali_ahead"],
            quali_behind=r["quali_behind"],
            race_ahead=r["race_ahead"],
            race_behind=r["race_behind"],
        )
        for r in rows
    ]
