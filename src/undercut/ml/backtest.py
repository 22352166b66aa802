"""Walk-forward backtest: every model and baseline, race by race, as if predicting live.

For each season of the range the model is retrained at the season start on all earlier
seasons (its calibration fitted on the two before), the baselines are refitted on earlier
seasons, and every race of the season is predicted from features known before its start.
Nothing about a season is seen before it is predicted, so the figures are honest
out-of-sample estimates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pandas as pd

from undercut.config import Settings
from undercut.errors import InputError
from undercut.features.build import build_features
from undercut.features.entries import PRE_QUALIFYING, QUALIFYING, find_race, race_index
from undercut.features.inputs import load_inputs
from undercut.features.stages import STAGES, basis_of, stage_as_of, weekend_state
from undercut.ml.baselines import EloBaseline, GridSlotBaseline, LogisticBaseline
from undercut.ml.calibrate import RaceProbabilities
from undercut.ml.metrics import METRICS, mean_metrics, race_metrics
from undercut.ml.model import ModelParams, fit_model

MODELS = {
    "lightgbm": "undercut: LightGBM ranker + pace logit (after qualifying)",
    "lightgbm_prequali": "undercut: LightGBM ranker + pace logit (before qualifying)",
    "grid_slot": "grid-slot baseline",
    "elo": "Elo baseline",
    "grid_logistic": "grid + form logistic baseline",
}
CALIBRATION_BINS = 10


def _calibration_curve(p: np.ndarray, hit: np.ndarray) -> list[dict[str, float]]:
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, CALIBRATION_BINS - 1)
    curve = []
    for b in range(CALIBRATION_BINS):
        mask = which == b
        if mask.any():
            curve.append(
                {
                    "predicted": float(p[mask].mean()),
                    "observed": float(hit[mask].mean()),
                    "count": int(mask.sum()),
                }
            )
    return curve


def stage_model(stage: str) -> str:
    """The backtest's name of the forecast made after a weekend stage."""
    return f"stage:{stage}"


# The stage goals are set on these two (lower is better).
STAGE_METRICS = {"winner_log_loss": "winner log loss", "podium_brier": "podium Brier"}
# a difference the note's figures cannot show is no shortfall
DECIMALS = 4


def stage_shortfalls(result: dict) -> list[str]:
    """Each scored weekend stage that is worse than the scored stage before it on a metric
    of ``STAGE_METRICS``, in words: a later forecast knows more, so one that scores worse
    is said so rather than left for the reader to spot in the table."""
    models = result["models"]
    scored = [stage for stage in STAGES if stage_model(stage) in models]
    notes = []
    for before, stage in pairwise(scored):
        was, now = models[stage_model(before)], models[stage_model(stage)]
        worse = [
            f"{label} {now[name]:.{DECIMALS}f} against {was[name]:.{DECIMALS}f}"
            for name, label in STAGE_METRICS.items()
            if round(now[name], DECIMALS) > round(was[name], DECIMALS)
        ]
        if worse:
            notes.append(f"{stage} does not beat {before}: {', '.join(worse)}")
    return notes


def run_backtest_frame(
    frame: pd.DataFrame,
    start: int,
    end: int,
    params: ModelParams | None = None,
    on_step: Callable[[str], None] | None = None,
    stages: tuple[str, ...] = (),
    weekends: dict[int, tuple[str, ...]] | None = None,
) -> dict:
    """Backtest on an already-built feature frame (see ``run_backtest``).

    ``stages``: also the forecast after each of these weekend stages (models
    ``stage:<name>``); ``weekends`` maps a race index to the stages its weekend ran (a
    stage a weekend lacks is scored as the latest stage run before it).
    """
    params = params or ModelParams()
    models = {
        **MODELS,
        **{stage_model(stage): f"undercut: forecast after {stage}" for stage in stages},
    }
    finished = frame[frame["position_order"].notna()]
    seasons = [s for s in range(start, end + 1) if (finished["season"] == s).any()]
    if not seasons:
        raise InputError(f"backtest {start}-{end}: no finished race in those seasons")
    began = time.perf_counter()
    per_race: list[dict] = []
    windows: list[dict] = []
    points: dict[str, dict[str, list[np.ndarray]]] = {
        name: {"win": [], "podium": [], "points": [], "won": [], "on_podium": [], "in_points": []}
        for name in models
    }
    for season in seasons:
        if on_step:
            on_step(f"season {season}: training on earlier seasons")
        cutoff = int(finished.loc[finished["season"] < season, "race_idx"].max())
        model = fit_model(frame, cutoff, params)
        windows.append(
            {
                "season": season,
                "train_from": model.train_from,
                "trained_until": "{}:{}".format(*model.trained_until),
                **model.mapping_meta(),
            }
        )
        grid = GridSlotBaseline.fit(frame, cutoff)
        elo = EloBaseline.fit(frame, cutoff)
        logistic = LogisticBaseline.fit(frame, cutoff)
        test = finished[finished["season"] == season]
        sample_seed = 1000 * params.seed
        for i, (race_idx, race) in enumerate(test.groupby("race_idx", sort=True)):
            if on_step:
                on_step(f"season {season}: race {race_idx % 100}")
            actual = race["position_order"].to_numpy(dtype=np.float64)
            predictions: dict[str, RaceProbabilities] = {
                "lightgbm": model.probabilities(race, QUALIFYING, seed=sample_seed + i),
                "lightgbm_prequali": model.probabilities(
                    race, PRE_QUALIFYING, seed=sample_seed + i
                ),
                "grid_slot": grid.predict(race),
                "elo": elo.predict(race, seed=sample_seed + i),
                "grid_logistic": logistic.predict(race),
            }
            completed = (weekends or {}).get(int(race_idx), STAGES)
            for stage in stages:
                ran = stage_as_of(completed, stage)
                predictions[stage_model(stage)] = model.probabilities(
                    race, basis_of(ran), seed=sample_seed + i, stage=ran
                )
            for name, probs in predictions.items():
                metrics = race_metrics(
                    probs.p_win, probs.p_podium, probs.p_points, probs.expected_position, actual
                )
                per_race.append(
                    {"season": season, "round": int(race_idx % 100), "model": name, **metrics}
                )
                store = points[name]
                store["win"].append(probs.p_win)
                store["podium"].append(probs.p_podium)
                store["points"].append(probs.p_points)
                store["won"].append(actual == actual.min())
                store["on_podium"].append(actual <= 3)
                store["in_points"].append(actual <= 10)
    rows = pd.DataFrame(per_race)
    overall = {
        name: mean_metrics(rows[rows["model"] == name].to_dict("records")) for name in models
    }
    by_season = [
        {
            "season": int(season),
            "model": name,
            "races": len(group),
            **mean_metrics(group.to_dict("records")),
        }
        for (season, name), group in rows.groupby(["season", "model"], sort=True)
    ]
    calibration = {
        name: {
            kind: _calibration_curve(np.concatenate(store[kind]), np.concatenate(store[hit]))
            for kind, hit in (("win", "won"), ("podium", "on_podium"), ("points", "in_points"))
        }
        for name, store in points.items()
    }
    return {
        "from": seasons[0],
        "to": seasons[-1],
        "races": int(rows[rows["model"] == "lightgbm"].shape[0]),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - began, 2),
        "params": params.to_dict(),
        "metrics": list(METRICS),
        "models": {name: {"label": models[name], **overall[name]} for name in models},
        "seasons": by_season,
        "windows": windows,
        "per_race": per_race,
        "calibration": calibration,
    }


def run_backtest(
    settings: Settings,
    start: int,
    end: int | None = None,
    params: ModelParams | None = None,
    on_step: Callable[[str], None] | None = None,
    store: bool = True,
    stages: tuple[str, ...] = (),
) -> dict:
    """Walk-forward backtest of seasons ``start``..``end`` (default: the latest season).

    ``stages`` adds the forecast after each of those weekend stages, scored on every race
    (see ``run_backtest_frame``). Stores the result in the registry
    (``models/backtests/latest.json``) unless ``store`` is false, which is what
    ``GET /api/v1/backtest`` serves.
    """
    if end is not None and end < start:
        raise InputError(f"backtest: --to {end} is before --from {start}")
    inputs = load_inputs(settings)
    if on_step:
        on_step("building features")
    frame, _ = build_features(inputs)
    last = int(frame.loc[frame["position_order"].notna(), "season"].max())
    end = end if end is not None else last
    weekends = {}
    if stages:
        finished = frame[frame["position_order"].notna() & frame["season"].between(start, end)]
        for season, rnd in finished[["season", "round"]].drop_duplicates().itertuples(index=False):
            state = weekend_state(inputs, find_race(inputs, int(season), int(rnd)))
            weekends[race_index(int(season), int(rnd))] = state.completed
    result = run_backtest_frame(frame, start, end, params, on_step, stages, weekends)
    if store:
        from undercut.ml.registry import Registry

        Registry.from_settings(settings).save_backtest(result)
    return result
