"""The pace logit: fitted from races, missing inputs at the back, and the ensemble's mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from undercut.features.entries import PRE_QUALIFYING, QUALIFYING
from undercut.ml import conditional_logit
from undercut.ml.calibrate import Temperatures, race_probabilities
from undercut.ml.race_logit import INPUTS, RaceLogit, ScoreMapping, blend, fit_race_logit

TRUTH = {"team_qgap_5_rel": -1.5, "driver_form_elo_rel": 0.5}


def _season_of_races(
    rng: np.random.Generator, season: int, races: int = 20, truth: dict[str, float] = TRUTH
) -> pd.DataFrame:
    """Fields of 20 whose finishing order is drawn from a known utility of a few inputs."""
    frames = []
    for rnd in range(1, races + 1):
        n = 20
        rows = pd.DataFrame(
            {
                "season": season,
                "round": rnd,
                "race_idx": season * 100 + rnd,
                "grid_slot": rng.permutation(n) + 1.0,
                "is_pit_lane": 0.0,
                "field_size": float(n),
                "quali_gap_pct": rng.uniform(0, 2, n),
                "driver_form_elo_rel": -rng.uniform(0, 4, n),
                "team_form_elo_rel": -rng.uniform(0, 4, n),
                "team_qgap_5_rel": rng.uniform(0, 2, n),
                "driver_qgap_5_rel": rng.uniform(0, 2, n),
                "fp3_gap_pct": rng.uniform(0, 3, n),
            }
        )
        utility = sum(w * rows[name] for name, w in truth.items()) + rng.gumbel(size=n)
        rows["position_order"] = (-utility).rank(method="first")
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.concat([_season_of_races(rng, s) for s in range(2000, 2015)], ignore_index=True)


def test_fit_recovers_the_utility_from_the_last_seasons(history: pd.DataFrame) -> None:
    logit = fit_race_logit(history, PRE_QUALIFYING)
    assert set(logit.weights) == set(INPUTS[PRE_QUALIFYING])
    # 10 seasons x 20 races x 3 podium stages: the two real weights come back, the rest ~0
    assert logit.weights["team_qgap_5_rel"] == pytest.approx(-1.5, abs=0.3)
    assert logit.weights["driver_form_elo_rel"] == pytest.approx(0.5, abs=0.15)
    assert abs(logit.weights["driver_qgap_5_rel"]) < 0.3
    assert 0.3 < logit.temperatures.win < 3.0


def test_after_qualifying_the_best_practice_gap_counts_beside_the_grid() -> None:
    rng = np.random.default_rng(11)
    truth = {"fp3_gap_pct": -1.0, "team_qgap_5_rel": -1.0}
    history = pd.concat(
        [_season_of_races(rng, s, truth=truth) for s in range(2010, 2020)], ignore_index=True
    )
    logit = fit_race_logit(history, QUALIFYING)
    assert "fp3_gap_pct" in INPUTS[QUALIFYING]
    assert logit.weights["fp3_gap_pct"] == pytest.approx(-1.0, abs=0.25)
    assert abs(logit.weights["quali_gap_pct"]) < 0.3


def test_round_trip_gives_the_same_probabilities(history: pd.DataFrame) -> None:
    logit = fit_race_logit(history, QUALIFYING)
    race = history[history["race_idx"] == 201405]
    again = RaceLogit.from_dict(logit.to_dict())
    assert again.probabilities(race, seed=3).p_win == pytest.approx(
        logit.probabilities(race, seed=3).p_win
    )


def test_missing_inputs_take_the_field_s_worst() -> None:
    rows = pd.DataFrame(
        {
            "race_idx": [1, 1, 1, 2, 2],
            "team_qgap_5_rel": [0.0, 1.2, np.nan, np.nan, np.nan],
            "driver_form_elo_rel": [0.0, -3.0, np.nan, 0.0, -1.0],
        }
    )
    assert conditional_logit.column(rows, "team_qgap_5_rel") == pytest.approx(
        [0.0, 1.2, 1.2, 0.0, 0.0]
    )
    assert conditional_logit.column(rows, "driver_form_elo_rel") == pytest.approx(
        [0.0, -3.0, -3.0, 0.0, -1.0]
    )


def test_blend_keeps_totals_and_order() -> None:
    rng = np.random.default_rng(1)
    a = race_probabilities(rng.normal(size=12), Temperatures(0.8, 1.0, 2.0), seed=1)
    b = race_probabilities(rng.normal(size=12), Temperatures(1.2, 1.0, 2.0), seed=2)
    mixed = blend(a, b, 0.25)
    assert mixed.p_win == pytest.approx(0.25 * a.p_win + 0.75 * b.p_win)
    assert mixed.p_win.sum() == pytest.approx(1.0)
    assert mixed.p_podium.sum() == pytest.approx(3.0)
    assert mixed.p_points.sum() == pytest.approx(10.0)
    assert (mixed.p_win <= mixed.p_podium + 1e-12).all()
    assert (mixed.p_podium <= mixed.p_points + 1e-12).all()
    assert blend(a, b, 1.0).expected_position == pytest.approx(a.expected_position)


def _meta(mapping: dict[str, dict[str, float]]) -> dict:
    flat = {"win": 1.0, "podium": 1.0, "field": 1.0}
    return {"mapping": mapping, "temperatures": dict.fromkeys(mapping, flat), "logit": {}}


def test_a_stage_maps_the_score_with_its_own_practice_gap() -> None:
    field = pd.DataFrame(
        {"race_idx": 1, "fp2_gap_pct": [1.5, 0.0, 0.8], "field_size": 3.0, "grid_slot": np.nan}
    )
    scores = np.array([1.0, 1.0, 1.0])
    meta = _meta(
        {
            PRE_QUALIFYING: {"score": 1.0},
            "fp2": conditional_logit.SCORE_ONLY | {"fp2_gap_pct": -2.0},
        }
    )
    after_fp2 = ScoreMapping.from_meta(meta, PRE_QUALIFYING, "fp2").probabilities(scores, field)
    # the fastest in FP2 leads on equal scores; before practice the field is level
    assert int(np.argmax(after_fp2.p_win)) == 1
    assert after_fp2.p_win.sum() == pytest.approx(1.0)
    before = ScoreMapping.from_meta(meta, PRE_QUALIFYING, "pre-weekend").probabilities(
        scores, field
    )
    assert before.p_win == pytest.approx([1 / 3] * 3)
    # a version stored before stages had mappings of their own maps every stage by its basis
    old = _meta({PRE_QUALIFYING: {"score": 1.0}})
    assert ScoreMapping.from_meta(old, PRE_QUALIFYING, "fp2").weights == {"score": 1.0}
