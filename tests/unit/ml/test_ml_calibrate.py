"""Scores to probabilities: per-race sums, bounds and ordering, whatever the field size."""

from __future__ import annotations

import numpy as np
import pytest

from undercut.ml.calibrate import (
    Temperatures,
    fit_temperatures,
    normalise_capped,
    race_probabilities,
)
from undercut.ml.metrics import race_metrics


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9, 10, 11, 20, 24])
def test_probabilities_sum_per_race(n: int) -> None:
    scores = np.random.default_rng(n).normal(size=n) * 2
    probs = race_probabilities(scores, Temperatures(0.7, 1.1, 1.5), samples=200, seed=n)
    assert probs.p_win.sum() == pytest.approx(1.0)
    assert probs.p_podium.sum() == pytest.approx(min(3, n))
    assert probs.p_points.sum() == pytest.approx(min(10, n))
    assert probs.expected_position.sum() == pytest.approx(n * (n + 1) / 2)
    for p in (probs.p_win, probs.p_podium, probs.p_points):
        assert ((p >= 0) & (p <= 1)).all()
    assert (probs.p_win <= probs.p_podium + 1e-12).all()
    assert (probs.p_podium <= probs.p_points + 1e-12).all()


def test_higher_score_means_better_odds() -> None:
    probs = race_probabilities(np.array([3.0, 2.0, 1.0, 0.0, -1.0]), Temperatures(), seed=1)
    assert list(np.argsort(-probs.p_win)) == [0, 1, 2, 3, 4]
    assert probs.expected_position[0] < probs.expected_position[-1]


def test_fitted_temperature_recovers_the_truth() -> None:
    """Races drawn from a known Plackett-Luce model give back about its temperature."""
    rng = np.random.default_rng(7)
    races = []
    for _ in range(600):
        scores = rng.normal(size=20)
        keys = scores / 0.5 + rng.gumbel(size=20)
        finish = np.argsort(np.argsort(-keys)) + 1.0
        races.append((scores, finish))
    fitted = fit_temperatures(races)
    for value in (fitted.win, fitted.podium, fitted.field):
        assert value == pytest.approx(0.5, rel=0.2)


@pytest.mark.parametrize(("total", "n"), [(1.0, 20), (3.0, 20), (10.0, 20), (10.0, 6)])
def test_normalise_capped(total: float, n: int) -> None:
    rates = np.linspace(0.95, 0.01, n)
    p = normalise_capped(rates, total)
    assert p.sum() == pytest.approx(min(total, n))
    assert ((p > 0) & (p <= 1)).all()


def test_metrics_of_a_perfect_and_a_wrong_call() -> None:
    actual = np.array([1.0, 2.0, 3.0, 4.0])
    sure = race_metrics([1, 0, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1], [1, 2, 3, 4], actual)
    assert sure["winner_log_loss"] == pytest.approx(0.0)
    assert sure["top1_hit"] == 1.0 and sure["spearman"] == pytest.approx(1.0)
    assert sure["win_brier"] == 0.0 and sure["podium_brier"] == 0.0
    wrong = race_metrics([0, 1, 0, 0], [0, 1, 1, 1], [1, 1, 1, 1], [4, 3, 2, 1], actual)
    assert wrong["top1_hit"] == 0.0 and wrong["spearman"] == pytest.approx(-1.0)
    assert wrong["win_brier"] == pytest.approx(2.0)
    assert wrong["mae_position"] == pytest.approx(2.0)
