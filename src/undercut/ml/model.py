"""The undercut model: a LightGBM ranker per basis, plus its calibration, in an ensemble
with a conditional logit over pace inputs (``race_logit``).

Why a ranker: a race is an ordering, and what is predicted is who beats whom. The
objective is XE-NDCG (``rank_xendcg``): a softmax cross-entropy over each race's field
against a top-ten relevance (winner 10, tenth 1, the rest 0), close to the Plackett-Luce
likelihood the scores are later calibrated with, and it puts the weight where the
probabilities that matter live. It beat lambdarank on every headline metric of a
walk-forward over the validation seasons 2016-2021 (winner log loss 1.333 against 1.389),
chosen before looking at the seasons the backtest reports.

Two boosters share one version: one for races whose qualifying is known, one using only
what is known before qualifying (history, standings, ratings). The mapping from scores to
probabilities (a conditional logit over score and starting slot when the grid is known, see
``conditional_logit``, then temperatures) is fitted on the last two seasons of the training
window, scored by a booster trained on the seasons before them.

The weekend stages between the first practice and qualifying (``features.stages``) share
the pre-qualifying booster; each has a mapping of its own (the score plus the stage's best
practice gap, ``conditional_logit.stage_inputs``) and a pace logit of its own, fitted on
the same races as known at that stage (its practice pace, sprint qualifying, sprint).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from undercut.features.build import FEATURES_BY_BASIS
from undercut.features.entries import PRE_QUALIFYING
from undercut.features.stages import stage_key, stage_rows
from undercut.ml import conditional_logit
from undercut.ml.calibrate import (
    RaceProbabilities,
    Temperatures,
    fit_temperatures,
    per_race,
    race_probabilities,
)
from undercut.ml.metrics import mean_metrics, race_metrics
from undercut.ml.race_logit import (
    BLEND,
    STAGE_INPUTS,
    RaceLogit,
    ScoreMapping,
    fit_race_logit,
)

# Three seasons lowered the validation (2016-2021) winner log loss by about 0.01 over two
# seeds but not top-1 accuracy nor the podium Brier score, so two it stays.
CALIBRATION_SEASONS = 2
# Priors the trees must respect, all else equal: starting or qualifying further back, or
# further off pole, never helps; a higher rating never hurts. On the validation seasons
# 2016-2021 this lifted top-1 accuracy from 0.49 to 0.55 and the win Brier score.
MONOTONE = {
    "grid_slot": -1,
    "quali_position": -1,
    "grid_rank_rel": -1,
    "quali_gap_pct": -1,
    "combined_elo_rank": -1,
    "driver_elo_rel": 1,
    "constructor_elo_rel": 1,
}
RELEVANT_PLACES = 10


@dataclass(frozen=True)
class ModelParams:
    """Hyper-parameters; the defaults are what ``undercut train`` uses."""

    # from 1994 (refuelling era on): on the validation seasons 2016-2021 this beat
    # starting in 2006 (winner log loss 1.389 against 1.449)
    min_season: int = 1994
    objective: str = "rank_xendcg"
    n_estimators: int = 300
    learning_rate: float = 0.03
    num_leaves: int = 15
    min_child_samples: int = 40
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    seed: int = 0

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass
class FittedModel:
    """Boosters, feature lists and temperatures per basis, and the training window."""

    boosters: dict[str, lgb.Booster]
    features: dict[str, list[str]]
    temperatures: dict[str, Temperatures]
    train_from: int
    trained_until: tuple[int, int]
    params: ModelParams
    calibration: dict[str, dict[str, float]] = field(default_factory=dict)
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    logits: dict[str, RaceLogit] = field(default_factory=dict)
    blend: float = BLEND

    def probabilities(
        self, race: pd.DataFrame, basis: str, seed: int = 0, stage: str | None = None
    ) -> RaceProbabilities:
        """The ensemble's probabilities for one race's field (see ``race_logit``); with a
        weekend ``stage``, as known at its end (its own pace logit where it has one)."""
        if stage is not None:
            race = stage_rows(race, stage)
        mapping = self.mapping(basis, stage)
        return mapping.probabilities(self.scores(race, basis), race, seed=seed)

    def mapping(self, basis: str, stage: str | None = None) -> ScoreMapping:
        """A weekend stage's own mapping and pace logit where it has them, else its basis's."""
        key = stage_key(stage or basis)
        return ScoreMapping(
            weights=self.weights.get(key, self.weights.get(basis, conditional_logit.SCORE_ONLY)),
            temperatures=self.temperatures.get(key, self.temperatures[basis]),
            logit=self.logits.get(key, self.logits.get(basis)),
            blend=self.blend,
        )

    def mapping_meta(self) -> dict[str, Any]:
        """The mappings of every basis as ``meta.json`` (and each backtest window) keeps
        them; ``ScoreMapping.from_meta`` reads them back."""
        return {
            "temperatures": {basis: t.to_dict() for basis, t in self.temperatures.items()},
            "mapping": self.weights,
            "logit": {basis: logit.to_dict() for basis, logit in self.logits.items()},
            "blend": self.blend,
        }

    def scores(self, frame: pd.DataFrame, basis: str) -> np.ndarray:
        """Raw ranker scores (higher = better) with the in-process booster."""
        matrix = frame[self.features[basis]].to_numpy(dtype=np.float32)
        return np.asarray(self.boosters[basis].predict(matrix), dtype=np.float64)


def relevance(position_order: pd.Series) -> np.ndarray:
    return np.clip(RELEVANT_PLACES + 1 - position_order.to_numpy(), 0, None).astype(int)


def training_rows(frame: pd.DataFrame, cutoff: int, min_season: int) -> pd.DataFrame:
    """Finished races from ``min_season`` up to race index ``cutoff`` (inclusive)."""
    rows = frame[
        (frame["race_idx"] <= cutoff)
        & (frame["season"] >= min_season)
        & frame["position_order"].notna()
    ]
    sizes = rows.groupby("race_idx")["driver_id"].transform("count")
    return rows[sizes > 1].sort_values(["race_idx", "driver_id"], kind="stable")


def fit_booster(rows: pd.DataFrame, features: list[str], params: ModelParams) -> lgb.Booster:
    groups = rows.groupby("race_idx", sort=True)["driver_id"].count().to_numpy()
    ranker = lgb.LGBMRanker(
        objective=params.objective,
        n_estimators=params.n_estimators,
        learning_rate=params.learning_rate,
        num_leaves=params.num_leaves,
        min_child_samples=params.min_child_samples,
        subsample=params.subsample,
        subsample_freq=1,
        colsample_bytree=params.colsample_bytree,
        random_state=params.seed,
        monotone_constraints=[MONOTONE.get(name, 0) for name in features],
        n_jobs=1,
        verbose=-1,
    )
    ranker.fit(
        rows[features].to_numpy(dtype=np.float32),
        relevance(rows["position_order"]),
        group=groups,
        feature_name=features,
    )
    return ranker.booster_


def evaluate_scores(
    races: list[tuple[np.ndarray, np.ndarray]], temperatures: Temperatures
) -> dict[str, float]:
    rows = []
    for i, (scores, finish) in enumerate(races):
        probs = race_probabilities(scores, temperatures, seed=i)
        rows.append(
            race_metrics(
                probs.p_win, probs.p_podium, probs.p_points, probs.expected_position, finish
            )
        )
    return mean_metrics(rows)


def _fit_mapping(
    rows: pd.DataFrame, scores: np.ndarray, names: tuple[str, ...]
) -> tuple[dict[str, float], Temperatures, list[tuple[np.ndarray, np.ndarray]]]:
    """A mapping's weights over ``names`` (the score alone keeps weight 1) and the
    temperatures of its utility, fitted on held-out ``rows`` scored by an earlier booster;
    also the per-race utilities, to score the calibration."""
    weights = dict(conditional_logit.SCORE_ONLY)
    if tuple(names) != tuple(conditional_logit.SCORE_ONLY):
        weights = conditional_logit.fit_weights(
            per_race(rows, conditional_logit.inputs(rows, scores, names)), names
        )
    races = per_race(rows, conditional_logit.utility(weights, rows, scores))
    return weights, fit_temperatures(races), races


def fit_model(
    frame: pd.DataFrame,
    cutoff: int,
    params: ModelParams | None = None,
    bases: tuple[str, ...] = tuple(FEATURES_BY_BASIS),
) -> FittedModel:
    """Train on finished races up to ``cutoff`` and calibrate on its last seasons."""
    params = params or ModelParams()
    rows = training_rows(frame, cutoff, params.min_season)
    seasons = sorted(rows["season"].unique())
    if len(seasons) <= CALIBRATION_SEASONS:
        from undercut.errors import ModelError

        raise ModelError(
            f"training window {params.min_season}-{cutoff // 100} holds {len(seasons)} "
            f"season(s); need more than {CALIBRATION_SEASONS} (calibration uses the last two)"
        )
    held_out = rows["season"].isin(seasons[-CALIBRATION_SEASONS:])
    boosters, temperatures, calibration, weights, logits = {}, {}, {}, {}, {}
    for basis in bases:
        features = FEATURES_BY_BASIS[basis]
        early = fit_booster(rows[~held_out], features, params)
        cal_rows = rows[held_out]
        cal_scores = np.asarray(early.predict(cal_rows[features].to_numpy(dtype=np.float32)))
        names = (
            conditional_logit.INPUTS
            if {"grid_slot", "is_pit_lane"} <= set(features)
            else tuple(conditional_logit.SCORE_ONLY)
        )
        weights[basis], temperatures[basis], races = _fit_mapping(cal_rows, cal_scores, names)
        calibration[basis] = evaluate_scores(races, temperatures[basis])
        if basis == PRE_QUALIFYING:
            for stage in STAGE_INPUTS:
                stage_cal = stage_rows(cal_rows, stage)
                stage_scores = early.predict(stage_cal[features].to_numpy(dtype=np.float32))
                key = stage_key(stage)
                weights[key], temperatures[key], _ = _fit_mapping(
                    stage_cal, np.asarray(stage_scores), conditional_logit.stage_inputs(stage)
                )
        boosters[basis] = fit_booster(rows, features, params)
        logits[basis] = fit_race_logit(rows, basis)
    if PRE_QUALIFYING in bases:
        for stage in STAGE_INPUTS:
            logits[stage_key(stage)] = fit_race_logit(stage_rows(rows, stage), stage)
    last = int(rows["race_idx"].max())
    return FittedModel(
        boosters=boosters,
        features={basis: FEATURES_BY_BASIS[basis] for basis in bases},
        temperatures=temperatures,
        train_from=int(seasons[0]),
        trained_until=(last // 100, last % 100),
        params=params,
        calibration=calibration,
        weights=weights,
        logits=logits,
    )
