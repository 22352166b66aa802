"""``/api/v1/runs`` (the run ledger) and ``/api/v1/lineage`` (how a prediction came to be).

Read-only and public like every other read: what ran, when, on which inputs, producing
what. Triggering work is the admin job endpoints' business (``admin_jobs``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from undercut.api.deps import SettingsDep
from undercut.api.routes.v1.common import Offset
from undercut.jobs import ledger
from undercut.jobs.lineage import prediction_lineage

router = APIRouter(tags=["operations"])


class RunList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]] = Field(
        description="Runs, newest first: id, kind, trigger, status, created_at, started_at, "
        "finished_at, seconds, error, params, steps (name, status, attempts, started_at, "
        "finished_at, inputs_hash, inputs, outputs, error)."
    )


@router.get("/runs", response_model=RunList)
def runs(
    settings: SettingsDep,
    limit: int = Query(20, ge=1, le=100),
    offset: Offset = 0,
    status: str | None = Query(None, description="queued, running, succeeded, failed, interrupted"),
    kind: str | None = Query(None, description="pipeline, job or backtest"),
) -> RunList:
    """Pipeline runs, scheduled runs, admin jobs and backtests, newest first."""
    total, items = ledger.list_runs(settings, limit=limit, offset=offset, status=status, kind=kind)
    return RunList(total=total, limit=limit, offset=offset, items=items)


@router.get("/runs/{run_id}", responses={404: {}})
def run(run_id: str, settings: SettingsDep) -> dict[str, Any]:
    """One run (id or unique prefix) with each step's inputs, outputs and error."""
    return ledger.get_run(settings, run_id)


@router.get("/lineage/{prediction}", responses={404: {}})
def lineage(
    settings: SettingsDep,
    prediction: str = Path(
        pattern=r"^([1-9]\d{0,9}|\d{4}:\d{1,3})$",
        description="A prediction id, or `SEASON:ROUND` (e.g. `2025:18`).",
    ),
) -> dict[str, Any]:
    """Which data and which model produced a prediction: give its id, or `SEASON:ROUND`
    for the newest prediction of that race."""
    return prediction_lineage(settings, prediction)
