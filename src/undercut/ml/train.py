"""``undercut train``: fit, calibrate, export to ONNX and register a model version."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import onnxmltools
import pandas as pd
from onnxmltools.convert.common.data_types import FloatTensorType

from undercut.config import Settings
from undercut.errors import NotFoundError
from undercut.features.build import KEY, build_features
from undercut.features.entries import parse_race, race_index
from undercut.features.inputs import load_inputs
from undercut.ml.model import FittedModel, ModelParams, fit_model, training_rows
from undercut.ml.registry import FILE_STEMS, Registry

ONNX_OPSET = 15
ONNX_INPUT = "features"


def resolve_cutoff(frame: pd.DataFrame, until: str | tuple[int, int] | None) -> int:
    """Race index of the last finished race to train on (inclusive)."""
    finished = frame.loc[frame["position_order"].notna(), "race_idx"]
    if finished.empty:
        raise NotFoundError("no finished race in the warehouse; run `undercut ingest` first")
    if until is None:
        return int(finished.max())
    season, rnd = parse_race(until, "--until") if isinstance(until, str) else until
    eligible = finished[finished <= race_index(season, rnd)]
    if eligible.empty:
        raise NotFoundError(f"--until {season}:{rnd}: no finished race up to then")
    return int(eligible.max())


def snapshot_hash(rows: pd.DataFrame, columns: list[str]) -> str:
    """Content hash of the training data (keys, features, outcomes)."""
    digest = hashlib.sha256()
    hashed = pd.util.hash_pandas_object(rows[columns], index=False)
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def to_onnx(booster: lgb.Booster, n_features: int) -> bytes:
    model = onnxmltools.convert_lightgbm(
        booster,
        initial_types=[(ONNX_INPUT, FloatTensorType([None, n_features]))],
        target_opset=ONNX_OPSET,
    )
    return bytes(model.SerializeToString())


def model_files(model: FittedModel) -> dict[str, bytes]:
    files = {}
    for basis, booster in model.boosters.items():
        stem = FILE_STEMS[basis]
        files[f"{stem}.txt"] = booster.model_to_string().encode()
        files[f"{stem}.onnx"] = to_onnx(booster, len(model.features[basis]))
    return files


def model_meta(model: FittedModel, version: str, snapshot: str, rows: int) -> dict[str, Any]:
    season, rnd = model.trained_until
    return {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": f"lightgbm-{model.params.objective}+race-logit",
        "train_from": model.train_from,
        "trained_until": f"{season}:{rnd}",
        "training_rows": rows,
        "data_snapshot": snapshot,
        "features": model.features,
        **model.mapping_meta(),
        "calibration_metrics": model.calibration,
        "params": model.params.to_dict(),
        "onnx": {"opset": ONNX_OPSET, "input": ONNX_INPUT},
        "lightgbm_version": lgb.__version__,
    }


def train(
    settings: Settings,
    until: str | tuple[int, int] | None = None,
    params: ModelParams | None = None,
    on_step: Callable[[str], None] | None = None,
) -> str:
    """Train on finished races up to ``until`` (default: all) and register the version.

    Returns the new version string.
    """
    params = params or ModelParams()
    step = on_step or (lambda _message: None)
    step("reading the warehouse")
    frame, _ = build_features(load_inputs(settings))
    cutoff = resolve_cutoff(frame, until)
    step(f"training on {params.min_season}-{cutoff // 100}:{cutoff % 100}")
    model = fit_model(frame, cutoff, params)
    rows = training_rows(frame, cutoff, params.min_season)
    columns = sorted({*KEY, "position_order", *[f for fs in model.features.values() for f in fs]})
    snapshot = snapshot_hash(rows, columns)
    version = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{snapshot[:8]}"
    registry = Registry.from_settings(settings)
    if version in registry.versions():
        version = f"{version}-{len(registry.versions())}"
    step("exporting to ONNX")
    registry.save(version, model_files(model), model_meta(model, version, snapshot, len(rows)))
    return version
