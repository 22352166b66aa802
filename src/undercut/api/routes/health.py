"""``/health`` (liveness and each dependency's state) and ``/metrics`` (Prometheus).

Other areas add checks by putting a callable in ``app.state.health_checks[name]``: it
takes the app and returns ``{"status": "ok"|"degraded"|"down", ...}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field

from undercut import __version__
from undercut.api.service_metrics import last_race
from undercut.jobs.probes import app_database_state, redis_state, timed

router = APIRouter(tags=["service"])

Status = Literal["ok", "degraded", "down"]
HealthCheck = Callable[[FastAPI], dict[str, Any]]
# Without these nothing can be answered; anything else failing (Redis: limits and caches
# fall back to each process) only degrades the service.
REQUIRED = frozenset({"app_database", "warehouse"})


class Check(BaseModel):
    status: Status
    model_config = {"extra": "allow"}


class Health(BaseModel):
    status: Status = Field(
        description="`down` (HTTP 503) when the app database or the "
        "warehouse fails; `degraded` when another dependency does."
    )
    version: str
    checked_at: datetime
    checks: dict[str, Check] = Field(
        description="app_database, warehouse (the served data's version, when its gold "
        "was built, whether a newer warehouse waits for `undercut build`, the last race "
        "and its age), redis when configured, rate_limits (`shared (redis)`, "
        "`per-process`, or `degraded: per-process` while Redis fails), pipeline, and any "
        "check other parts of the service register."
    )


def _warehouse(app: FastAPI) -> dict[str, Any]:
    served = app.state.store.status()
    # Serving silver without gold (a home ingested but never built) answers only part of
    # the API.
    result: dict[str, Any] = {
        "status": "ok" if served.get("built", True) else "degraded",
        **served,
    }
    race = last_race(app)
    if race is None:
        return {**result, "status": "degraded", "last_race": None}
    raced = race["race_date"]
    if isinstance(raced, datetime):
        raced = raced.date()
    age = (datetime.now(UTC).date() - raced).days if isinstance(raced, date) else None
    result["last_race"] = {
        "season": race["season"],
        "round": race["round"],
        "name": race["race_name"],
        "date": str(raced),
    }
    result["age_days"] = age
    return result


def _pipeline(app: FastAPI) -> dict[str, Any]:
    from undercut.jobs.observe import pipeline_health

    return pipeline_health(app.state.settings)


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request, response: Response) -> Health:
    """Liveness plus the state of each dependency; 503 when a required one is down
    (the app database or the served warehouse)."""
    app = request.app
    checks: dict[str, dict[str, Any]] = {
        "app_database": timed(lambda: app_database_state(app.state.sessions)),
        "warehouse": timed(lambda: _warehouse(app)),
    }
    if app.state.redis is not None:
        checks["redis"] = timed(lambda: redis_state(app.state.redis))
    checks["rate_limits"] = timed(lambda: app.state.limiter.status())
    extra: dict[str, HealthCheck] = {"pipeline": _pipeline, **app.state.health_checks}
    for name, check in extra.items():
        checks[name] = timed(lambda check=check: check(app))  # type: ignore[misc]
    required = {c["status"] for name, c in checks.items() if name in REQUIRED}
    optional = {c["status"] for name, c in checks.items() if name not in REQUIRED}
    overall: Status = (
        "down" if "down" in required else "degraded" if required | optional != {"ok"} else "ok"
    )
    if overall == "down":
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return Health(
        status=overall,
        version=__version__,
        checked_at=datetime.now(UTC),
        checks={k: Check(**v) for k, v in checks.items()},
    )


@router.get("/health/live", include_in_schema=True)
def live() -> dict[str, str]:
    """Liveness only: the process answers (no dependency is touched)."""
    return {"status": "ok"}


@router.get("/metrics", response_class=Response, include_in_schema=True)
def metrics(request: Request) -> Response:
    """Prometheus text format: requests by route and status, latency histograms, cache
    operations and rate-limit counters (added up over every worker process), then figures
    read at scrape time: predictions generated, live accuracy, data freshness per source,
    pipeline steps, the Celery queue and workers."""
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
