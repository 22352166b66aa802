"""Lineage of a prediction: which data and which model produced it.

Walked backwards through the ledger: the predict step that stored the prediction (its
inputs name the model version, the gold fingerprint and the qualifying it saw), the train
step that produced that model version, the build step that produced that gold
fingerprint, and the newest ingest and update steps before that build (archive content
hash, API source).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from undercut.appdb.ledger import RunStep
from undercut.appdb.predictions import Prediction
from undercut.config import Settings
from undercut.errors import InputError, NotFoundError, ValidationError
from undercut.jobs import ledger, probes

MAX_ID = 2**31 - 1  # predictions.id is a 32-bit integer column


def _parse(ref: str) -> tuple[int | None, tuple[int, int] | None]:
    if ":" in ref:
        season, _, round_ = ref.partition(":")
        if season.isdigit() and round_.isdigit():
            return None, (int(season), int(round_))
    elif ref.isdigit():
        if int(ref) < 1:
            raise ValidationError(f"prediction {ref}: an id is between 1 and {MAX_ID}")
        if int(ref) > MAX_ID:  # well formed, but no stored prediction can have it
            raise NotFoundError(f"prediction {ref}: no such prediction (ids end at {MAX_ID})")
        return int(ref), None
    raise InputError(f"prediction {ref!r}: give a prediction id or SEASON:ROUND")


def _race_name(settings: Settings, race: tuple[int, int]) -> str:
    """The race's name; ``NotFoundError`` when the warehouse does not hold that race."""
    if not probes.warehouse_ready(settings):
        raise NotFoundError(
            f"race {race[0]}:{race[1]}: no warehouse in {settings.home} yet "
            "(`undercut run --archive SOURCE` loads one)"
        )
    with probes.connect_read_only(settings) as con:
        for weekend in probes.calendar(con):
            if (weekend.season, weekend.round) == race:
                return weekend.race_name
    raise NotFoundError(
        f"race {race[0]}:{race[1]}: not in the warehouse of {settings.home} "
        "(see `undercut stats` or /api/v1/races for the races it holds)"
    )


def _stored_prediction(
    settings: Settings, pid: int | None, race: tuple[int, int] | None
) -> dict[str, Any] | None:
    query = select(Prediction)
    if pid is not None:
        query = query.where(Prediction.id == pid)
    else:
        assert race is not None
        query = query.where(Prediction.season == race[0], Prediction.round == race[1])
    with ledger.session(settings) as db:
        row = db.scalars(query.order_by(Prediction.created_at.desc(), Prediction.id.desc())).first()
        if row is None:
            return None
        return {
            "id": row.id,
            "season": row.season,
            "round": row.round,
            "model_version": row.model_version,
            "basis": row.basis,
            "created_at": row.created_at.isoformat(),
            "input_hash": row.input_hash,
        }


def _steps(settings: Settings, name: str) -> list[RunStep]:
    with ledger.session(settings) as db:
        return list(
            db.scalars(
                select(RunStep)
                .where(RunStep.name == name, RunStep.status == "succeeded")
                .order_by(RunStep.finished_at.desc())
            )
        )


def _with_run(step: RunStep) -> dict[str, Any]:
    return {"run_id": step.run_id, **ledger.step_dict(step)}


def _no_lineage(race: tuple[int, int], reason: str) -> dict[str, Any]:
    return {
        "reason": reason,
        "prediction": None,
        "race": {"season": race[0], "round": race[1]},
        "model": None,
        "data": None,
        "steps": [],
    }


def prediction_lineage(settings: Settings, ref: str) -> dict[str, Any]:
    """Everything the ledger knows about how a prediction came to be.

    ``reason`` says, in one line, why the lineage is missing or partial (``None`` when the
    prediction was made by a pipeline run and its whole chain is recorded).

    Raises:
        InputError: ``ref`` is neither a prediction id nor SEASON:ROUND.
        NotFoundError: the race is not in the warehouse, or no prediction has this id.
    """
    pid, race = _parse(ref)
    race_name = _race_name(settings, race) if race is not None else None
    stored = _stored_prediction(settings, pid, race)
    if stored is not None:
        pid = stored["id"]
        race = (int(stored["season"]), int(stored["round"]))
    predict = None
    for step in _steps(settings, "predict"):
        outputs = step.outputs or {}
        ids = outputs.get("prediction_ids") or []
        if (pid is not None and pid in ids) or (
            pid is None
            and race is not None
            and (outputs.get("season"), outputs.get("round")) == race
        ):
            predict = step
            break
    if predict is None and stored is None:
        if race is None:
            raise NotFoundError(
                f"prediction {ref}: not found in the predictions table or the run ledger"
            )
        return _no_lineage(
            race,
            f"no prediction of {race[0]}:{race[1]} ({race_name}) is recorded; "
            f"`undercut run` predicts the next race with its lineage",
        )
    chain: list[RunStep] = [predict] if predict else []
    version = (stored or {}).get("model_version") or (
        predict.outputs.get("model_version") if predict else None
    )
    gold = predict.inputs.get("gold") if predict else None
    train = next(
        (
            s
            for s in _steps(settings, "train")
            if str(s.outputs.get("model_version")) == str(version)
        ),
        None,
    )
    if train is not None:
        chain.append(train)
        gold = gold or train.inputs.get("gold")
    build = (
        next((s for s in _steps(settings, "build") if s.outputs.get("fingerprint") == gold), None)
        if gold
        else None
    )
    if build is None and gold:
        # The updater can rebuild gold itself; then the update step produced it.
        build = next((s for s in _steps(settings, "update") if s.outputs.get("gold") == gold), None)
    if build is not None:
        chain.append(build)
    horizon = build.finished_at if build else (predict.started_at if predict else None)
    sources: dict[str, Any] = {}
    for name in ("update", "ingest"):
        source = next(
            (
                s
                for s in _steps(settings, name)
                if horizon is not None and s.finished_at and s.finished_at <= horizon
            ),
            None,
        )
        if source is not None:
            if all(source.id != step.id for step in chain):
                chain.append(source)
            sources[name] = {
                "run_id": source.run_id,
                "inputs": source.inputs,
                "outputs": {k: v for k, v in source.outputs.items() if k != "row_counts"},
            }
    reason = None
    if predict is None:
        reason = (
            f"prediction {pid} was not made by a pipeline run (`undercut run`), so the "
            "ledger does not record which data it saw"
            + ("; its model's training is recorded" if train else "")
        )
    elif build is None:
        reason = (
            f"the gold build prediction {pid} read ({(gold or 'unknown')[:12]}) was not made by a "
            "pipeline run (`undercut run`), so where its data came from is not recorded"
        )
    return {
        "reason": reason,
        "prediction": stored
        or {
            "id": pid,
            "season": race[0] if race else None,
            "round": race[1] if race else None,
            "model_version": version,
        },
        "model": {
            "version": version,
            "trained_until": train.outputs.get("trained_until") if train else None,
            "train_run_id": train.run_id if train else None,
        },
        "data": {
            "gold_fingerprint": gold,
            "qualifying": predict.inputs.get("qualifying") if predict else None,
            "basis": predict.inputs.get("basis") if predict else None,
            "sources": sources,
        },
        "steps": [_with_run(s) for s in chain],
    }
