"""Score stored predictions once their race's result has arrived.

Run after every ``undercut update`` (the pipeline does): each stored prediction without an
accuracy row whose race now has a result gets one, computed against the finishing order of
the drivers it predicted (drivers who did not start are left out; if the predicted field
and the starters share fewer than two drivers the prediction cannot be scored yet).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from undercut.appdb.base import session_factory
from undercut.appdb.migrate import upgrade
from undercut.appdb.predictions import PredictionAccuracy, unevaluated
from undercut.config import Settings
from undercut.features.inputs import load_inputs
from undercut.ml.metrics import race_metrics


def score_document(document: dict[str, Any], finish: dict[str, float]) -> dict[str, float] | None:
    """Metrics of one prediction document against ``driver_id -> finishing order``."""
    drivers = [d for d in document["drivers"] if d["driverId"] in finish]
    if len(drivers) < 2:
        return None
    actual = np.array([finish[d["driverId"]] for d in drivers], dtype=float)
    # re-rank among the drivers predicted, so a non-predicted starter does not shift places
    actual = actual.argsort().argsort() + 1.0
    return race_metrics(
        [d["p_win"] for d in drivers],
        [d["p_podium"] for d in drivers],
        [d["p_points"] for d in drivers],
        [d["expected_position"] for d in drivers],
        actual,
    )


def evaluate_finished(settings: Settings) -> list[dict[str, Any]]:
    """Compute and store the accuracy of every stored prediction whose result is known.

    Returns the new accuracy rows (empty when nothing new could be scored).
    """
    upgrade(settings)
    starts = load_inputs(settings).starts
    results = {
        (int(s), int(r)): dict(zip(g["driver_id"], g["position_order"].astype(float), strict=True))
        for (s, r), g in starts.groupby(["season", "round"])
    }
    new_rows: list[dict[str, Any]] = []
    with session_factory(settings)() as session:
        for prediction in unevaluated(session):
            finish = results.get((prediction.season, prediction.round))
            if not finish:
                continue
            metrics = score_document(prediction.payload, finish)
            if metrics is None:
                continue
            row = PredictionAccuracy(
                prediction_id=prediction.id,
                season=prediction.season,
                round=prediction.round,
                model_version=prediction.model_version,
                **metrics,
            )
            session.add(row)
            new_rows.append(
                {
                    "prediction_id": prediction.id,
                    "season": prediction.season,
                    "round": prediction.round,
                    "model_version": prediction.model_version,
                    **metrics,
                }
            )
        session.commit()
    return new_rows
