"""The ``/api/v1/predictions`` and ``/api/v1/accuracy`` documents: stored race predictions
and how they did.

Predictions are written by ``undercut predict`` (and the scheduled pipeline) into the app
database; these documents only read them. The stored payload is exactly the CLI's JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from undercut.appdb import predictions as store
from undercut.errors import NotFoundError
from undercut.serving.store import Reader
from undercut.serving.v1.listing import run


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


Kind = Literal["forecast", "hindcast", "in_sample"]
KIND_HELP = (
    "`forecast`: made before the race's result was loaded; `hindcast`: made after it, by a "
    "model trained only on the races before (never counted as a forecast); `in_sample`: "
    "stored before the two were told apart, by a model that had seen the result."
)


class Prediction(BaseModel):
    """Exactly what `undercut predict S R --format json` prints."""

    season: int
    round: int
    race: str | None
    kind: Kind = Field(description=KIND_HELP)
    model: ModelRef
    basis: str = Field(description="`qualifying` or `pre-qualifying`.")
    stage: str | None = Field(
        default=None,
        description="The weekend stage predicted as of (pre-weekend, fp1 .. grid).",
    )
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
    kind: Kind = Field(description=KIND_HELP)
    evaluated_at: datetime | None
    winner_log_loss: float | None
    win_brier: float | None
    top1_hit: bool | None
    podium_brier: float | None
    points_brier: float | None
    spearman: float | None
    mae_position: float | None


class StageDriver(BaseModel):
    driverId: str
    code: str | None = None
    p_win: float
    p_podium: float


class StageAccuracy(BaseModel):
    winner_log_loss: float | None
    top1_hit: bool | None
    podium_brier: float | None
    spearman: float | None


class StageForecast(BaseModel):
    """The forecast that stands for one weekend stage."""

    stage: str = Field(description="Weekend stage: pre-weekend, fp1 .. grid.")
    kind: Kind = Field(description=KIND_HELP)
    basis: str
    model_version: str
    created_at: datetime | None
    drivers: list[StageDriver]
    accuracy: StageAccuracy | None = Field(
        description="How it scored once the race was run (null before)."
    )


class Timeline(BaseModel):
    """How each driver's chances moved after each session of a race weekend."""

    season: int
    round: int
    race: str | None
    stages: list[StageForecast] = Field(description="In weekend order.")
    attribution: str | None = Field(
        default=None, description="Credit for F1DB's data, when a stage used it."
    )


def timeline(season: int, round: int, session: Session) -> Timeline:
    """The stored forecast of every weekend stage of a race, in weekend order, each with
    its accuracy once the race has run."""
    from undercut.features.stages import STAGES

    rows = store.stage_rows(session, season, round)
    if not rows:
        raise NotFoundError(
            f"no prediction stored for race {season}:{round}; run "
            f"`undercut predict {season} {round} --stage auto` after each session"
        )
    rows.sort(key=lambda pair: STAGES.index(pair[0].stage) if pair[0].stage in STAGES else 99)
    stages = []
    attribution = None
    for prediction, scored in rows:
        payload = prediction.payload
        attribution = attribution or payload.get("attribution")
        stages.append(
            StageForecast(
                stage=prediction.stage,
                kind=prediction.kind,  # type: ignore[arg-type]
                basis=prediction.basis,
                model_version=prediction.model_version,
                created_at=prediction.created_at,
                drivers=[
                    StageDriver.model_validate({k: d.get(k) for k in StageDriver.model_fields})
                    for d in payload.get("drivers", [])
                ],
                accuracy=None
                if scored is None
                else StageAccuracy(
                    winner_log_loss=scored.winner_log_loss,
                    top1_hit=None if scored.top1_hit is None else bool(scored.top1_hit),
                    podium_brier=scored.podium_brier,
                    spearman=scored.spearman,
                ),
            )
        )
    race = rows[0][0].payload.get("race")
    return Timeline(season=season, round=round, race=race, stages=stages, attribution=attribution)


def _prediction(session: Session, season: int, round: int) -> dict[str, Any]:
    payload = store.latest_prediction(session, season, round)
    if payload is None:
        raise NotFoundError(
            f"no prediction stored for race {season}:{round}; run "
            f"`undercut predict {season} {round}`"
        )
    return payload


def get_prediction(season: int, round: int, session: Session) -> Prediction:
    """The stored prediction of a race, in the CLI's JSON shape: its newest forecast, or
    when it was only predicted after its result was loaded, its newest hindcast."""
    return Prediction.model_validate(_prediction(session, season, round))


def compare_prediction(season: int, round: int, session: Session, reader: Reader) -> Comparison:
    """The stored prediction beside the actual classification (404 until results exist)."""
    payload = _prediction(session, season, round)
    rows = run(reader, "race_results", season=season, round=round)
    if not rows:
        raise NotFoundError(f"race {season}:{round} has no results yet")
    actual = [
        ActualPosition(
            driverId=r["driver_id"], position=r["position"], positionOrder=r["position_order"]
        )
        for r in rows
    ]
    return Comparison.model_validate({**payload, "actual": actual})


class AccuracySummary(BaseModel):
    """Means over every scored race of one model version and kind (forecasts and hindcasts
    are never averaged together)."""

    model_version: str
    kind: Kind = Field(description=KIND_HELP)
    races: int = Field(description="Scored predictions.")
    first_race: str = Field(description="`season:round` of the earliest scored race.")
    last_race: str
    winner_log_loss: float | None
    win_brier: float | None
    top1_hit: float | None = Field(description="Share of races whose favourite won.")
    podium_brier: float | None
    points_brier: float | None
    spearman: float | None
    mae_position: float | None


def _mean(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if v is not None and float(v) == float(v)]
    return sum(numbers) / len(numbers) if numbers else None


def accuracy_by_model(session: Session) -> list[AccuracySummary]:
    """How each model version's stored predictions scored, averaged over its races: its
    forecasts, and apart from them its hindcasts."""
    by_version: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in store.accuracy_rows(session, None):
        by_version.setdefault((row["model_version"], row["kind"]), []).append(row)
    summaries = []
    for (version, kind), rows in sorted(by_version.items()):
        races = sorted((r["season"], r["round"]) for r in rows)
        summaries.append(
            AccuracySummary.model_validate(
                {
                    "model_version": version,
                    "kind": kind,
                    "races": len(rows),
                    "first_race": f"{races[0][0]}:{races[0][1]}",
                    "last_race": f"{races[-1][0]}:{races[-1][1]}",
                    **{n: _mean([r.get(n) for r in rows]) for n in store.ACCURACY_COLUMNS},
                }
            )
        )
    return summaries


def accuracy(session: Session, model_version: str | None, kind: Kind | None) -> list[AccuracyRow]:
    """How stored predictions scored once their race was run, per race and model version;
    each row says whether it scored a forecast or a hindcast."""
    return [
        AccuracyRow.model_validate({k: r.get(k) for k in AccuracyRow.model_fields})
        for r in store.accuracy_rows(session, model_version, kind)
    ]
