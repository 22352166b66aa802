"""``/api/v1``: the project's JSON API, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from undercut.api.errors import ERROR_RESPONSES
from undercut.api.routes.v1 import (
    admin_jobs,
    circuits,
    constructors,
    drivers,
    models,
    next_race,
    predictions,
    races,
    ratings,
    runs,
    standings,
    teammates,
    telemetry,
)

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
for _module in (
    drivers,
    constructors,
    circuits,
    races,
    standings,
    ratings,
    teammates,
    next_race,
    predictions,
    models,
    runs,
    admin_jobs,
    telemetry,
):
    router.include_router(_module.router)
