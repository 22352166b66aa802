"""App-database tables of predictions and of their accuracy once the result is known.

``predictions`` keeps every prediction made (the exact JSON document served, the model
version, the basis, whether it is a forecast or a hindcast, and a hash of the inputs);
``prediction_accuracy`` one row per evaluated prediction. The API and the dashboard read
them through the helpers below.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, case, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from undercut.appdb.base import Base, session_factory
from undercut.config import Settings

# What a stored prediction is: made before its race's result was loaded (a forecast), or
# after it by a model trained only on the races before (a hindcast, never counted as a
# forecast). ``in_sample`` marks predictions stored before the two were told apart whose
# model had seen the race's result.
FORECAST = "forecast"
HINDCAST = "hindcast"
IN_SAMPLE = "in_sample"
KINDS = (FORECAST, HINDCAST, IN_SAMPLE)


def _now() -> datetime:
    return datetime.now(UTC)


class Prediction(Base):
    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    season: Mapped[int] = mapped_column(Integer, index=True)
    round: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    basis: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    # the weekend stage the prediction was made at (``features.stages``)
    stage: Mapped[str] = mapped_column(String(32), index=True, default="pre-weekend")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    input_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class PredictionAccuracy(Base):
    __tablename__ = "prediction_accuracy"

    prediction_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("predictions.id", ondelete="CASCADE"), primary_key=True
    )
    season: Mapped[int] = mapped_column(Integer, index=True)
    round: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    winner_log_loss: Mapped[float] = mapped_column(Float)
    win_brier: Mapped[float] = mapped_column(Float)
    top1_hit: Mapped[float] = mapped_column(Float)
    podium_brier: Mapped[float] = mapped_column(Float)
    points_brier: Mapped[float] = mapped_column(Float)
    spearman: Mapped[float] = mapped_column(Float)
    mae_position: Mapped[float] = mapped_column(Float)


# one accuracy column per metric of ``undercut.ml.metrics``, named as the metric
ACCURACY_COLUMNS = tuple(
    column.name
    for column in PredictionAccuracy.__table__.columns
    if column.name not in ("prediction_id", "season", "round", "model_version", "evaluated_at")
)


def store_prediction(settings: Settings, document: dict[str, Any], input_hash: str) -> int:
    """Insert a prediction document; returns its id (migrates the app database first)."""
    from undercut.appdb.migrate import upgrade

    upgrade(settings)
    with session_factory(settings)() as session:
        row = Prediction(
            season=document["season"],
            round=document["round"],
            model_version=document["model"]["version"],
            basis=document["basis"],
            kind=document["kind"],
            stage=document.get("stage", "pre-weekend"),
            input_hash=input_hash,
            payload=document,
        )
        session.add(row)
        session.commit()
        return int(row.id)


def latest_row(session: Session, season: int, round: int) -> Prediction | None:
    """The stored prediction that stands for a race: its newest forecast, else (a race
    predicted only after its result was loaded) its newest hindcast."""
    return session.scalars(
        select(Prediction)
        .where(Prediction.season == season, Prediction.round == round)
        .order_by(
            case((Prediction.kind == FORECAST, 0), else_=1),
            Prediction.created_at.desc(),
            Prediction.id.desc(),
        )
        .limit(1)
    ).first()


def latest_prediction(session: Session, season: int, round: int) -> dict[str, Any] | None:
    """The document of ``latest_row``, or None."""
    row = latest_row(session, season, round)
    return None if row is None else dict(row.payload)


def stage_rows(
    session: Session, season: int, round: int
) -> list[tuple[Prediction, PredictionAccuracy | None]]:
    """Per weekend stage, the prediction that stands for it (its newest forecast, else its
    newest hindcast) with its accuracy once scored; in no particular order."""
    rows = session.execute(
        select(Prediction, PredictionAccuracy)
        .outerjoin(PredictionAccuracy, PredictionAccuracy.prediction_id == Prediction.id)
        .where(Prediction.season == season, Prediction.round == round)
        .order_by(
            case((Prediction.kind == FORECAST, 0), else_=1),
            Prediction.created_at.desc(),
            Prediction.id.desc(),
        )
    ).all()
    chosen: dict[str, tuple[Prediction, PredictionAccuracy | None]] = {}
    for prediction, accuracy in rows:
        chosen.setdefault(prediction.stage, (prediction, accuracy))
    return list(chosen.values())


def unevaluated(session: Session) -> list[Prediction]:
    """Stored predictions that have no accuracy row yet."""
    done = select(PredictionAccuracy.prediction_id)
    return list(
        session.scalars(
            select(Prediction).where(Prediction.id.not_in(done)).order_by(Prediction.id)
        )
    )


def accuracy_rows(
    session: Session, model_version: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Accuracy per evaluated prediction (optionally of one model version, of one kind),
    by race; each row says whether it scored a forecast or a hindcast."""
    query = (
        select(PredictionAccuracy, Prediction.kind)
        .join(Prediction, Prediction.id == PredictionAccuracy.prediction_id)
        .order_by(
            PredictionAccuracy.season, PredictionAccuracy.round, PredictionAccuracy.prediction_id
        )
    )
    if model_version is not None:
        query = query.where(PredictionAccuracy.model_version == model_version)
    if kind is not None:
        query = query.where(Prediction.kind == kind)
    return [
        {
            "prediction_id": row.prediction_id,
            "season": row.season,
            "round": row.round,
            "model_version": row.model_version,
            "kind": row_kind,
            "evaluated_at": row.evaluated_at.isoformat() if row.evaluated_at else None,
            **{name: getattr(row, name) for name in ACCURACY_COLUMNS},
        }
        for row, row_kind in session.execute(query)
    ]


def prediction_counts(session: Session) -> list[tuple[str, str, str, int]]:
    """``(model_version, basis, kind, count)`` of the stored predictions."""
    rows = session.execute(
        select(Prediction.model_version, Prediction.basis, Prediction.kind, func.count())
        .group_by(Prediction.model_version, Prediction.basis, Prediction.kind)
        .order_by(Prediction.model_version, Prediction.basis, Prediction.kind)
    )
    return [(str(v), str(b), str(k), int(n)) for v, b, k, n in rows]


def recent_accuracy(session: Session, kind: str, races: int) -> list[dict[str, Any]]:
    """The accuracy of the last ``races`` scored races of one kind, one row per race: the
    newest scored prediction of that race (the one that stands for it)."""
    by_race: dict[tuple[int, int], dict[str, Any]] = {}
    for row in accuracy_rows(session, kind=kind):  # ordered by race, then prediction id
        by_race[(row["season"], row["round"])] = row
    return [by_race[race] for race in sorted(by_race)[-races:]]
