"""``undercut predict S R``: calibrated probabilities for one race, via ONNX Runtime.

The race's features are computed from everything known before it (its qualifying when
present, else the latest entry list and ``basis = "pre-qualifying"``), scored by the
registry's ONNX export of the chosen version, mapped to probabilities by the version's
fitted mapping (conditional logit, then temperatures), averaged with the version's pace
logit (``race_logit``; versions trained before it existed use the ranker alone), and
stored in the app database with the model version and a hash of the exact inputs (the
inputs themselves are kept on the lake under that hash).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import numpy as np
import onnxruntime as ort
import pandas as pd

from undercut.appdb.predictions import FORECAST, HINDCAST
from undercut.config import Settings
from undercut.errors import InputError, ModelError
from undercut.features.build import KEY, race_features
from undercut.features.entries import QUALIFYING, Race, find_race, result_before
from undercut.features.inputs import FeatureInputs, load_inputs
from undercut.features.stages import (
    AUTO,
    GRID,
    basis_of,
    resolve_stage,
    stage_columns,
    stage_rows,
    weekend_state,
)
from undercut.lake import Lake
from undercut.ml.model import ModelParams
from undercut.ml.race_logit import ScoreMapping
from undercut.ml.registry import Registry, trained_on
from undercut.sources.f1db import ATTRIBUTION as F1DB_ATTRIBUTION

DECIMALS = 4


@cache
def _session(model: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def onnx_scores(
    registry: Registry, version: str, basis: str, rows: pd.DataFrame, features: list[str]
) -> np.ndarray:
    """Ranker scores of ``rows`` from the version's ONNX model (higher = better)."""
    try:
        session = _session(registry.model_file(version, basis, "onnx"))
    except (OSError, FileNotFoundError) as exc:
        raise ModelError(f"model {version}: no ONNX file for basis {basis}: {exc}") from exc
    matrix = rows[features].to_numpy(dtype=np.float32)
    output = session.run(None, {session.get_inputs()[0].name: matrix})[0]
    return np.asarray(output, dtype=np.float64).reshape(-1)


def _rounded(values: np.ndarray, total: float) -> list[float]:
    """Round to ``DECIMALS`` and put the rounding residue on the largest value below 1."""
    out = np.round(values, DECIMALS)
    residue = round(total - float(out.sum()), DECIMALS)
    if residue:
        room = np.where(out + residue <= 1.0, out, -1.0)
        target = int(np.argmax(room))
        out[target] = round(out[target] + residue, DECIMALS)
    return [float(v) for v in out]


def input_hash(rows: pd.DataFrame, features: list[str], version: str, basis: str) -> str:
    snapshot = rows[[*KEY, *features]].to_json(orient="records", double_precision=10)
    return hashlib.sha256(f"{version}|{basis}|{snapshot}".encode()).hexdigest()


def _grid(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def model_for(
    settings: Settings,
    inputs: FeatureInputs,
    race: Race,
    requested: str | None,
    train_missing: ModelParams | None = None,
) -> str:
    """The version that predicts ``race``: the one asked for, else the newest; for a race
    whose result is loaded, only a version trained on the races before it (a hindcast).

    Training on a race's result and then "predicting" it would be scored as if it had been
    a forecast, so a version that saw the result is refused. When no version was trained
    before the race, one is trained with ``train_missing`` (hyper-parameters) if given;
    otherwise the error names the command: training takes a minute or more, and the
    version it registers becomes the newest one for every later forecast.
    """
    registry = Registry.from_settings(settings)
    if not race.has_result:
        return registry.resolve(requested)
    label = f"{race.season}:{race.round}"
    previous = result_before(inputs, race.season, race.round)
    train_first = (
        f"run `undercut train --until {previous // 100}:{previous % 100}`"
        if previous is not None
        else "no earlier race exists to train on"
    )
    if requested is not None:
        version = registry.resolve(requested)
        meta = registry.meta(version)
        if trained_on(meta, race.season, race.round):
            raise InputError(
                f"model {version} was trained on races up to {meta['trained_until']}, which "
                f"include {label}: only a model trained before it may predict it; pick an "
                f"older version or {train_first}"
            )
        return version
    before = registry.newest_before(race.season, race.round)
    if before is None and train_missing is not None and previous is not None:
        from undercut.ml.train import train

        return train(settings, (previous // 100, previous % 100), params=train_missing)
    if before is None:
        registry.latest()  # an empty registry says so first
        raise ModelError(
            f"no model trained before race {label} (its result is loaded and every registered "
            f"model has seen it): {train_first}, then predict it again"
        )
    return before


def build_prediction(
    settings: Settings,
    season: int,
    rnd: int,
    model_version: str | None = None,
    train_missing: ModelParams | None = None,
    stage: str = AUTO,
) -> tuple[dict[str, Any], str, dict]:
    """The prediction document, its input hash and the input snapshot (nothing stored but
    the model ``train_missing`` may train, see ``model_for``).

    ``stage`` is the weekend stage to predict as of (``features.stages``); ``auto`` is the
    latest one that has run. A stage that has not run yet is a one-line ``InputError``.
    """
    inputs = load_inputs(settings)
    state = weekend_state(inputs, find_race(inputs, season, rnd))
    stage = resolve_stage(state, stage)
    rows, _, race = race_features(inputs, season, rnd, use_grid=stage == GRID)
    if rows.empty:
        raise InputError(f"race {season}:{rnd} has no entry list to predict")
    basis = basis_of(stage)
    rows = stage_rows(rows, stage)
    if basis != QUALIFYING:
        rows = rows.assign(grid=np.nan)  # not known at this stage
    version = model_for(settings, inputs, race, model_version, train_missing)
    registry = Registry.from_settings(settings)
    meta = registry.meta(version)
    features = meta["features"][basis]
    scores = onnx_scores(registry, version, basis, rows, features)
    mapping = ScoreMapping.from_meta(meta, basis, stage)
    probs = mapping.probabilities(scores, rows, seed=season * 100 + rnd)
    n = len(rows)
    p_win = _rounded(probs.p_win, 1.0)
    p_podium = _rounded(probs.p_podium, min(3, n))
    p_points = _rounded(probs.p_points, min(10, n))
    drivers = [
        {
            "driverId": row.driver_id,
            "code": None if pd.isna(row.code) else row.code,
            "constructorId": row.constructor_id,
            "grid": _grid(row.grid),
            "p_win": p_win[i],
            "p_podium": p_podium[i],
            "p_points": p_points[i],
            "expected_position": round(float(probs.expected_position[i]), 2),
        }
        for i, row in enumerate(rows.itertuples(index=False))
    ]
    drivers.sort(key=lambda d: (-d["p_win"], d["expected_position"]))
    document = {
        "season": season,
        "round": rnd,
        "race": race.race_name,
        "kind": HINDCAST if race.has_result else FORECAST,
        "model": {"version": version, "trained_until": meta["trained_until"]},
        "basis": basis,
        "stage": stage,
        "drivers": drivers,
    }
    practice = stage_columns(stage)
    # after qualifying practice is read where loaded: without F1DB nothing of it is used
    if practice and rows[practice].notna().to_numpy().any():
        document["attribution"] = F1DB_ATTRIBUTION
    used = [*features, *(c for c in practice if c not in features)]
    snapshot = json.loads(rows[[*KEY, "constructor_id", *used]].to_json(orient="records"))
    return document, input_hash(rows, used, version, f"{basis}@{stage}"), {"rows": snapshot}


def predict_race(
    settings: Settings,
    season: int,
    rnd: int,
    model_version: str | None = None,
    *,
    store: bool = True,
    train_missing: ModelParams | None = None,
    stage: str = AUTO,
) -> dict[str, Any]:
    """Predict race ``season:rnd`` as of weekend ``stage`` (default: the latest run) and
    (by default) store it in the app database.

    Returns exactly the ``undercut predict --format json`` document.
    """
    document, digest, snapshot = build_prediction(
        settings, season, rnd, model_version, train_missing, stage
    )
    if store:
        from undercut.appdb.predictions import store_prediction

        Lake.from_settings(settings).write_json(snapshot, "predictions", "inputs", f"{digest}.json")
        store_prediction(settings, document, digest)
    return document
