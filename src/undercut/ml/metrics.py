"""Accuracy of one race's probabilities against its result, and averages over races.

Per race: winner log loss (-log p_win of the actual winner), multi-class win Brier (sum over
the field of (p_win - won)^2), top-1 hit (the favourite won), podium and points Brier (mean
over drivers), Spearman correlation of expected and actual finishing order, and the mean
absolute error of the expected position.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

METRICS = (
    "winner_log_loss",
    "win_brier",
    "top1_hit",
    "podium_brier",
    "points_brier",
    "spearman",
    "mae_position",
)
EPSILON = 1e-6


def race_metrics(
    p_win: npt.ArrayLike,
    p_podium: npt.ArrayLike,
    p_points: npt.ArrayLike,
    expected_position: npt.ArrayLike,
    actual_position: npt.ArrayLike,
) -> dict[str, float]:
    """Metrics of one race; ``actual_position`` is the finishing order (1 = winner)."""
    # Imported here: the app database and the API read ``METRICS`` from this module and
    # should not load scipy to do so.
    from scipy.stats import spearmanr

    win = np.asarray(p_win, dtype=float)
    actual = np.asarray(actual_position, dtype=float)
    won = (actual == actual.min()).astype(float)
    winner = int(np.argmin(actual))
    rho = spearmanr(np.asarray(expected_position, float), actual).statistic
    return {
        "winner_log_loss": float(-math.log(max(win[winner], EPSILON))),
        "win_brier": float(((win - won) ** 2).sum()),
        "top1_hit": float(int(np.argmax(win)) == winner),
        "podium_brier": float(((np.asarray(p_podium, float) - (actual <= 3)) ** 2).mean()),
        "points_brier": float(((np.asarray(p_points, float) - (actual <= 10)) ** 2).mean()),
        "spearman": float(rho) if np.isfinite(rho) else 0.0,
        "mae_position": float(np.abs(np.asarray(expected_position, float) - actual).mean()),
    }


def mean_metrics(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    """Average of per-race metrics (each race weighs the same)."""
    rows = list(rows)
    if not rows:
        return {name: float("nan") for name in METRICS}
    return {name: float(np.mean([row[name] for row in rows])) for name in METRICS}
