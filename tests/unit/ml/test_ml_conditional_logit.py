"""The conditional-logit mapping: score-only weights change nothing, fitted weights are sane."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from undercut.ml import conditional_logit


def _field(n: int, rng: np.random.Generator) -> pd.DataFrame:
    grid = rng.permutation(n).astype(float) + 1
    pit = np.zeros(n)
    pit[0] = 1.0
    grid[0] = n  # a pit-lane start sits at the back
    return pd.DataFrame({"grid_slot": grid, "is_pit_lane": pit, "field_size": float(n)})


def test_score_only_weights_give_the_score_back() -> None:
    rows = _field(6, np.random.default_rng(0))
    scores = np.linspace(-1, 1, 6)
    assert conditional_logit.utility(conditional_logit.SCORE_ONLY, rows, scores) == (
        pytest.approx(scores)
    )


def test_missing_grid_counts_as_the_back() -> None:
    rows = pd.DataFrame(
        {"grid_slot": [1.0, np.nan], "is_pit_lane": [0.0, np.nan], "field_size": [2.0, 2.0]}
    )
    matrix = conditional_logit.inputs(rows, np.zeros(2))
    assert matrix[:, 1] == pytest.approx([0.0, np.log(2.0)])
    assert matrix[:, 2] == pytest.approx([0.0, 0.0])


def test_fitted_weights_recover_a_known_utility() -> None:
    """Podiums drawn from a known utility over score and log grid give its weights back."""
    rng = np.random.default_rng(11)
    truth = np.array([1.5, -0.8, 0.0])
    races = []
    for _ in range(400):
        rows = _field(20, rng)
        matrix = conditional_logit.inputs(rows, rng.normal(size=20))
        keys = matrix @ truth + rng.gumbel(size=20)
        finish = np.empty(20)
        finish[np.argsort(-keys)] = np.arange(1, 21)
        races.append((matrix, finish))
    weights = conditional_logit.fit_weights(races)
    assert weights["score"] == pytest.approx(1.5, abs=0.2)
    assert weights["log_grid"] == pytest.approx(-0.8, abs=0.2)


def test_no_usable_race_keeps_the_score() -> None:
    assert conditional_logit.fit_weights([]) == conditional_logit.SCORE_ONLY
