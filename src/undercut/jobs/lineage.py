"""Lineage of a prediction: which data and which model produced it.

Walked backwards through the ledger: the predict step that stored the prediction (its
inputs name the model version, the gold fingerprint and the qualifying it saw), the train
step that produced that model version, the build step that produced that gold
fingerprint, and the newest ingest and update steps before that build (archive content
hash, API source).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select, text

from undercut.appdb.base import get_engine
from undercut.appdb.ledger import RunStep
from undercut.config import Settings
from undercut.errors import InputError, NotFoundError
from undercut.jobs import ledger


def _parse(ref: str) -> tuple[int | None, tuple[int, int] | None]:
    if ":" in ref:
        season, _, round_ = ref.partition(":")
        if season.isdigit() and round_.isdigit():
            return None, (int(season), int(round_))
    elif ref.isdigit():
        return int(ref), None
    raise InputError(f"prediction {ref!r}: give a prediction id or SEASON:ROUND")


def _stored_prediction(
    settings: Settings, pid: int | None, race: tuple[int, int] | None
) -> dict[str, Any] | None:
    engine = get_engine(settings)
    if not inspect(engine).has_table("predictions"):
        return None
    columns = {c["name"] for c in inspect(engine).get_columns("predictions")}
    wanted = [
        c
        for c in ("id", "season", "round", "model_version", "basis", "created_at", "input_hash")
        if c in columns
    ]
    select_list = ", ".join(wanted)
    with engine.connect() as con:
        if pid is not None:
            row = (
                con.execute(
                    text(f"select {select_list} from predictions where id = :id"), {"id": pid}
                )
                .mappings()
                .first()
            )
        else:
            assert race is not None
            row = (
                con.execute(
                    text(
                        f"select {select_list} from predictions where season = :s and "
                        "round = :r order by created_at desc, id desc limit 1"
                    ),
                    {"s": race[0], "r": race[1]},
                )
                .mappings()
                .first()
            )
    return (
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
        if row
        else None
    )


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
    return {"runId": step.run_id, **ledger.step_dict(step)}


def prediction_lineage(settings: Settings, ref: str) -> dict[str, Any]:
    """Everything the ledger knows about how a prediction came to be.

    Raises:
        NotFoundError: no stored prediction and no predict step match ``ref``.
    """
    pid, race = _parse(ref)
    stored = _stored_prediction(settings, pid, race)
    if stored is not None:
        pid = stored.get("id", pid)
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
        raise NotFoundError(
            f"prediction {ref}: not found in the predictions table or the run ledger"
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
                if horizon is None or (s.finished_at and s.finished_at <= horizon)
            ),
            None,
        )
        if source is not None:
            if all(source.id != step.id for step in chain):
                chain.append(source)
            sources[name] = {
                "runId": source.run_id,
                "inputs": source.inputs,
                "outputs": {k: v for k, v in source.outputs.items() if k != "row_counts"},
            }
    return {
        "prediction": stored
        or {
            "id": pid,
            "season": race[0] if race else None,
            "round": race[1] if race else None,
            "model_version": version,
        },
        "model": {
            "version": version,
            "trainedUntil": train.outputs.get("trained_until") if train else None,
            "trainRunId": train.run_id if train else None,
        },
        "data": {
            "goldFingerprint": gold,
            "qualifying": predict.inputs.get("qualifying") if predict else None,
            "basis": predict.inputs.get("basis") if predict else None,
            "sources": sources,
        },
        "steps": [_with_run(s) for s in chain],
    }
