"""``/api/v1/predictions``, ``/api/v1/accuracy``: stored race predictions and how they did.

Predictions are written by ``undercut predict`` (and the scheduled pipeline) into the app
database; these routes only read them. The stored payload is exactly the CLI's JSON.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from undercut.api.deps import SessionDep, WarehouseDep
from undercut.serving.v1 import predictions
from undercut.serving.v1.predictions import (
    KIND_HELP,
    AccuracyRow,
    AccuracySummary,
    Comparison,
    Kind,
    Prediction,
    Timeline,
)

router = APIRouter(tags=["predictions"])

SeasonPath = Annotated[int, Path(ge=1950, le=2100)]
RoundPath = Annotated[int, Path(ge=1, le=100)]


@router.get("/predictions/{season}/{round}", response_model=Prediction)
def get_prediction(season: SeasonPath, round: RoundPath, session: SessionDep) -> Prediction:
    """The stored prediction of a race, in the CLI's JSON shape: its newest forecast, or
    when it was only predicted after its result was loaded, its newest hindcast."""
    return predictions.get_prediction(season, round, session)


@router.get("/predictions/{season}/{round}/comparison", response_model=Comparison)
def compare_prediction(
    season: SeasonPath, round: RoundPath, session: SessionDep, reader: WarehouseDep
) -> Comparison:
    """The stored prediction beside the actual classification (404 until results exist)."""
    return predictions.compare_prediction(season, round, session, reader)


@router.get("/predictions/{season}/{round}/timeline", response_model=Timeline)
def prediction_timeline(season: SeasonPath, round: RoundPath, session: SessionDep) -> Timeline:
    """The weekend timeline: the stored forecast after each session (pre-weekend, each
    practice, sprint qualifying, sprint, qualifying, grid), every driver's p_win and
    p_podium, and after the race how each stage scored."""
    return predictions.timeline(season, round, session)


@router.get("/accuracy/models", response_model=list[AccuracySummary])
def accuracy_by_model(session: SessionDep) -> list[AccuracySummary]:
    """How each model version's stored predictions scored, averaged over its races: its
    forecasts, and apart from them its hindcasts."""
    return predictions.accuracy_by_model(session)


@router.get("/accuracy", response_model=list[AccuracyRow])
def accuracy(
    session: SessionDep,
    model_version: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[Kind | None, Query(description=KIND_HELP)] = None,
) -> list[AccuracyRow]:
    """How stored predictions scored once their race was run, per race and model version;
    each row says whether it scored a forecast or a hindcast."""
    return predictions.accuracy(session, model_version, kind)
