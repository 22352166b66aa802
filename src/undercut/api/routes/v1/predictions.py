"""``/api/v1/predictions``, ``/api/v1/accuracy``: stored race predictions and how they did.

Predictions are written by ``undercut predict`` (and the scheduled pipeline) into the app
database; these routes only read them. The stored payload is exactly the CLI's JSON.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from undercut.api.deps import SessionDep, WarehouseDep
from undercut.api.routes.v1.common import run
from undercut.errors import NotFoundError

router = APIRouter(tags=["predictions"])

SeasonPath = Annotated[int, Path(ge=1950, le=2100)]
RoundPath = Annotated[int, Path(ge=1, le=100)]


class PredictedDriver(BaseModel):
    driverId: str
    code: str | None = None
    constructorId: str | None = None
    grid: int | None = Field(default=None, description="Known grid slot (basis qualifying).")
    p_win: float
    p_podium: float
    p_points: float
    expected_position: float

    model_config = {"extra": "allow"}


class ModelRef(BaseModel):
    version: str
    trained_until: str | None = Field(description="`season:round` of the newest race seen.")

    model_config = {"extra": "allow"}


class Prediction(BaseModel):
    """Exactly what `undercut predict S R --format json` prints."""

    season: int
    round: int
    race: str | None
    model: ModelRef
    basis: str = Field(description="`qualifying` or `pre-qualifying`.")
    drivers: list[PredictedDriver]

    model_config = {"extra": "allow"}


class ActualPosition(BaseModel):
    driverId: str
    position: int | None = Field(description="Classified position; null when not classified.")
    positionOrder: int


class Comparison(Prediction):
    actual: list[ActualPosition]


class AccuracyRow(BaseModel):
    prediction_id: int | None
    season: int
    round: int
    model_version: str
    evaluated_at: datetime | None
    winner_log_loss: float | None
    win_brier: float | None
    top1_hit: bool | None
    podium_brier: float | None
    points_brier: float | None
    spearman: float | None
    mae_position: float | None


def _table(session: Session, name: str) -> sa.Table | None:
    bind = session.get_bind()
    if not sa.inspect(bind).has_table(name):
        return None
    return sa.Table(name, sa.MetaData(), autoload_with=bind)


def latest_prediction(session: Session, season: int, round: int) -> dict[str, Any] | None:
    """The newest stored prediction of a race (the predictions helpers when installed)."""
    try:
        from undercut.appdb import predictions as store  # type: ignore[attr-defined]
    except ImportError:
        store = None
    if store is not None and hasattr(store, "latest_prediction"):
        return store.latest_prediction(session, season, round)  # type: ignore[no-any-return]
    table = _table(session, "predictions")
    if table is None:
        return None
    row = session.execute(
        sa.select(table.c.payload)
        .where(table.c.season == season, table.c.round == round)
        .order_by(table.c.created_at.desc(), table.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    payload = row[0]
    return json.loads(payload) if isinstance(payload, str | bytes) else dict(payload)


def accuracy_rows(session: Session, model_version: str | None) -> list[dict[str, Any]]:
    try:
        from undercut.appdb import predictions as store  # type: ignore[attr-defined]
    except ImportError:
        store = None
    if store is not None and hasattr(store, "accuracy_rows"):
        return store.accuracy_rows(session, model_version)  # type: ignore[no-any-return]
    table = _table(session, "prediction_accuracy")
    if table is None:
        return []
    query = sa.select(table).order_by(table.c.season, table.c.round, table.c.model_version)
    if model_version is not None:
        query = query.where(table.c.model_version == model_version)
    return [dict(r) for r in session.execute(query).mappings()]


def _prediction(session: Session, season: int, round: int) -> dict[str, Any]:
    payload = latest_prediction(session, season, round)
    if payload is None:
        raise NotFoundError(f"no prediction stored for race {season}:{round}; run "
                            f"`undercut predict {season} {round}`")
    return payload


@router.get("/predictions/{season}/{round}", response_model=Prediction, responses={404: {}})
def get_prediction(season: SeasonPath, round: RoundPath, session: SessionDep) -> Prediction:
    """The newest stored prediction of a race, in the CLI's JSON shape."""
    return Prediction.model_validate(_prediction(session, season, round))


@router.get("/predictions/{season}/{round}/comparison", response_model=Comparison,
            responses={404: {}})
def compare_prediction(season: SeasonPath, round: RoundPath, session: SessionDep,
                       reader: WarehouseDep) -> Comparison:
    """The stored prediction beside the actual classification (404 until results exist)."""
    payload = _prediction(session, season, round)
    rows = run(reader, "race_results", season=season, round=round)
    if not rows:
        raise NotFoundError(f"race {season}:{round} has no results yet")
    actual = [ActualPosition(driverId=r["driver_id"], position=r["position"],
                             positionOrder=r["position_order"]) for r in rows]
    return Comparison.model_validate({**payload, "actual": actual})


@router.get("/accuracy", response_model=list[AccuracyRow])
def accuracy(
    session: SessionDep,
    model_version: Annotated[str | None, Query(max_length=100)] = None,
) -> list[AccuracyRow]:
    """How stored predictions scored once their race was run, per race and model version."""
    return [AccuracyRow.model_validate({k: r.get(k) for k in AccuracyRow.model_fields})
            for r in accuracy_rows(session, model_version)]
