"""``/api/v1/circuits``: every circuit; one circuit with its lap record and winners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import (
    Limit,
    Listing,
    Offset,
    Page,
    Search,
    run,
    same_text,
    search_condition,
)

router = APIRouter(prefix="/circuits", tags=["circuits"])

CircuitId = Annotated[str, Path(max_length=64, description="Ergast ref, e.g. `monza`.")]
CIRCUITS = Listing(
    query="circuit_summaries",
    key="circuit_id",
    noun="circuit",
    sorts={
        "name": "circuit_name",
        "circuitId": "circuit_id",
        "country": "country",
        "racesHeld": "races_held",
        "firstSeason": "first_season",
        "lastSeason": "last_season",
    },
)


class CircuitSummary(BaseModel):
    circuitId: str
    name: str
    locality: str | None
    country: str | None
    lat: float | None
    lng: float | None
    racesHeld: int = Field(description="Grands Prix held there (with results).")
    firstSeason: int | None
    lastSeason: int | None


class LapRecord(BaseModel):
    time: str | None = Field(description="As Ergast writes it, e.g. `1:20.901`.")
    ms: int
    driverId: str
    season: int


class Winner(BaseModel):
    season: int
    round: int
    driverId: str
    constructorId: str


class CircuitDetail(CircuitSummary):
    lapRecord: LapRecord | None = Field(description="Fastest race lap (data from 2004).")
    winners: list[Winner]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "circuitId": row["circuit_id"],
        "name": row["circuit_name"],
        "locality": row["locality"],
        "country": row["country"],
        "lat": row["lat"],
        "lng": row["lng"],
        "racesHeld": row["races_held"],
        "firstSeason": row["first_season"],
        "lastSeason": row["last_season"],
    }


@router.get("", response_model=Page[CircuitSummary])
def list_circuits(
    reader: WarehouseDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Annotated[str | None, CIRCUITS.sort_param()] = None,
    country: Annotated[str | None, Query(max_length=60)] = None,
    q: Search = None,
) -> Page[CircuitSummary]:
    """Every circuit, filtered by country or name, sorted and paged."""
    total, rows = CIRCUITS.page(
        reader,
        [
            search_condition(q, ["circuit_id", "circuit_name", "locality"]),
            same_text("country", country),
        ],
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page[CircuitSummary](
        total=total, limit=limit, offset=offset, items=[CircuitSummary(**_summary(r)) for r in rows]
    )


@router.get("/{circuit_id}", response_model=CircuitDetail)
def get_circuit(circuit_id: CircuitId, reader: WarehouseDep) -> CircuitDetail:
    """One circuit: where, how often, its race lap record and every winner."""
    row = CIRCUITS.get(reader, circuit_id)
    record = run(reader, "circuit_lap_record", circuit_id=circuit_id)
    winners = run(reader, "circuit_winners", circuit_id=circuit_id)
    return CircuitDetail(
        **_summary(row),
        lapRecord=LapRecord(
            time=record[0]["time_text"],
            ms=record[0]["ms"],
            driverId=record[0]["driver_id"],
            season=record[0]["season"],
        )
        if record
        else None,
        winners=[
            Winner(
                season=w["season"],
                round=w["round"],
                driverId=w["driver_id"],
                constructorId=w["constructor_id"],
            )
            for w in winners
        ],
    )
