"""The ``/api/v1/circuits`` documents: every circuit; one circuit with its lap record and
winners."""

from __future__ import annotations

from pydantic import BaseModel, Field

from undercut.serving.documents import circuit_history, circuit_summary, winner
from undercut.serving.store import Reader
from undercut.serving.v1.listing import Listing, Page, run, same_text, search_condition

CIRCUITS = Listing(
    query="circuit_summaries",
    key="circuit_id",
    noun="circuit",
    sorts={
        "name": "circuit_name",
        "circuitId": "circuit_id",
        "country": "country",
        "races_held": "races_held",
        "first_season": "first_season",
        "last_season": "last_season",
    },
)


class CircuitSummary(BaseModel):
    circuitId: str
    name: str
    locality: str | None
    country: str | None
    lat: float | None
    lng: float | None
    races_held: int = Field(description="Grands Prix held there (with results).")
    first_season: int | None
    last_season: int | None


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


class TopDriver(BaseModel):
    driverId: str
    wins: int


class TopConstructor(BaseModel):
    constructorId: str
    wins: int


class CircuitDetail(CircuitSummary):
    lap_record: LapRecord | None = Field(description="Fastest race lap (data from 2004).")
    top_driver: TopDriver | None = Field(
        description="Most wins there (ties: who got there first; shared cars credit both)."
    )
    top_constructor: TopConstructor | None = Field(description="Most wins there.")
    pole_to_win_rate: float | None = Field(description="Share of its races won from pole.")
    winners: list[Winner]


def list_circuits(
    reader: Reader,
    *,
    limit: int,
    offset: int,
    sort: str | None,
    country: str | None,
    q: str | None,
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
        total=total,
        limit=limit,
        offset=offset,
        items=[CircuitSummary(**circuit_summary(r)) for r in rows],
    )


def get_circuit(circuit_id: str, reader: Reader) -> CircuitDetail:
    """One circuit: where, how often, its race lap record and every winner."""
    row = CIRCUITS.get(reader, circuit_id)
    winners = run(reader, "circuit_winners", circuit_id=circuit_id)
    return CircuitDetail(
        **circuit_summary(row),
        **circuit_history(row),
        winners=[Winner(**winner(w)) for w in winners],
    )
