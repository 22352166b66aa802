"""The ``/api/v1/teammates`` document: a driver's head-to-heads against every team-mate."""

from __future__ import annotations

from pydantic import BaseModel, Field

from undercut.errors import NotFoundError
from undercut.serving.store import Reader
from undercut.serving.v1.listing import run


class HeadToHead(BaseModel):
    season: int
    constructorId: str
    teammate_id: str
    races: int = Field(description="Races both started for the team.")
    quali_ahead: int
    quali_behind: int
    race_ahead: int = Field(description="Finished (classification order) ahead.")
    race_behind: int


def teammates(driver_id: str, reader: Reader) -> list[HeadToHead]:
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
