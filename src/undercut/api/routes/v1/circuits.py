"""``/api/v1/circuits``: every circuit; one circuit with its lap record and winners."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import Limit, Offset, ReadRouter, Search, sort_param
from undercut.serving.v1 import circuits
from undercut.serving.v1.circuits import CIRCUITS, CircuitDetail, CircuitSummary
from undercut.serving.v1.listing import Page

router = ReadRouter(prefix="/circuits", tags=["circuits"])

CircuitId = Annotated[str, Path(max_length=64, description="Ergast ref, e.g. `monza`.")]


@router.get("", response_model=Page[CircuitSummary])
def list_circuits(
    reader: WarehouseDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Annotated[str | None, sort_param(CIRCUITS)] = None,
    country: Annotated[str | None, Query(max_length=60)] = None,
    q: Search = None,
) -> Page[CircuitSummary]:
    """Every circuit, filtered by country or name, sorted and paged."""
    return circuits.list_circuits(
        reader, limit=limit, offset=offset, sort=sort, country=country, q=q
    )


@router.get("/{circuit_id}", response_model=CircuitDetail)
def get_circuit(circuit_id: CircuitId, reader: WarehouseDep) -> CircuitDetail:
    """One circuit: where, how often, its race lap record and every winner."""
    return circuits.get_circuit(circuit_id, reader)
