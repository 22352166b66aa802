"""The baselines on the real history: yardsticks that know what a simple model can know."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from undercut.features.entries import race_index
from undercut.ml.baselines import EloBaseline, GridSlotBaseline, LogisticBaseline

pytestmark = pytest.mark.xdist_group("ml")


def _season(frame: pd.DataFrame, season: int, rounds: int) -> list[pd.DataFrame]:
    return [
        frame[(frame["season"] == season) & (frame["round"] == rnd)] for rnd in range(1, rounds + 1)
    ]


def test_elo_baseline_follows_mclaren_in_2025(ml_frame: pd.DataFrame) -> None:
    """Fitted before 2025, the Elo baseline's favourite drives a McLaren in most of 2025's
    first 18 races: its ratings follow the new pecking order (McLaren won 12 of them).
    The warehouse's slow Elo still favoured a Red Bull in all 18."""
    baseline = EloBaseline.fit(ml_frame, race_index(2024, 24))
    favourites = []
    for race in _season(ml_frame, 2025, 18):
        probs = baseline.predict(race)
        assert probs.p_win.sum() == pytest.approx(1.0)
        assert probs.p_podium.sum() == pytest.approx(3.0)
        assert (probs.p_win <= probs.p_podium + 1e-12).all()
        favourites.append(race["constructor_id"].iloc[int(np.argmax(probs.p_win))])
    assert favourites.count("mclaren") >= 12


def test_grid_slot_baseline_favours_pole(ml_frame: pd.DataFrame) -> None:
    baseline = GridSlotBaseline.fit(ml_frame, race_index(2022, 22))
    for race in _season(ml_frame, 2023, 22):
        probs = baseline.predict(race)
        assert probs.p_win.sum() == pytest.approx(1.0)
        assert (
            race["grid"].iloc[int(np.argmax(probs.p_win))] == race["grid"][race["grid"] > 0].min()
        )


def test_logistic_baseline_sums_and_follows_red_bull_in_2023(ml_frame: pd.DataFrame) -> None:
    """Fitted before 2023, the grid + form logistic makes a Red Bull the favourite in at
    least 18 of 2023's 22 races (Red Bull won 21), and its chances add up per race: win 1,
    podium 3, points 10, expected places 1 + 2 + ... + n."""
    baseline = LogisticBaseline.fit(ml_frame, race_index(2022, 22))
    favourites = []
    for race in _season(ml_frame, 2023, 22):
        probs = baseline.predict(race)
        n = len(race)
        assert probs.p_win.sum() == pytest.approx(1.0)
        assert probs.p_podium.sum() == pytest.approx(3.0)
        assert probs.p_points.sum() == pytest.approx(10.0)
        assert probs.expected_position.sum() == pytest.approx(n * (n + 1) / 2)
        assert ((probs.p_podium >= 0) & (probs.p_points <= 1)).all()
        favourites.append(race["constructor_id"].iloc[int(np.argmax(probs.p_win))])
    assert favourites.count("red_bull") >= 18


def test_logistic_baseline_prefers_the_front_of_the_grid(ml_frame: pd.DataFrame) -> None:
    """All else equal, starting further back lowers every chance; a pit-lane start is the
    back of the grid."""
    baseline = LogisticBaseline.fit(ml_frame, race_index(2024, 24))
    race = ml_frame[(ml_frame["season"] == 2025) & (ml_frame["round"] == 1)].copy()
    race[["driver_form_elo_rel", "team_form_elo_rel"]] = 0.0
    race["is_pit_lane"] = 0.0
    race["grid_slot"] = np.arange(1, len(race) + 1, dtype=float)
    race.loc[race.index[-1], "is_pit_lane"] = 1.0
    probs = baseline.predict(race)
    assert (np.diff(probs.p_win) < 0).all()
    assert (np.diff(probs.p_podium) < 0).all()
    assert (np.diff(probs.expected_position) > 0).all()


def test_logistic_baseline_alone_in_a_race() -> None:
    """A field of one wins, finishes on the podium and in the points for certain."""
    rows = pd.DataFrame(
        {
            "race_idx": np.repeat([202201, 202202], [3, 2]),
            "season": 2022,
            "driver_id": ["a", "b", "c", "a", "b"],
            "position_order": [1.0, 2.0, 3.0, 1.0, 2.0],
            "grid_slot": [1.0, 2.0, 3.0, 2.0, 1.0],
            "is_pit_lane": 0.0,
            "field_size": [3.0, 3.0, 3.0, 2.0, 2.0],
            "driver_form_elo_rel": [0.0, -1.0, -2.0, 0.0, -1.0],
            "team_form_elo_rel": [0.0, -1.0, -2.0, 0.0, -1.0],
        }
    )
    baseline = LogisticBaseline.fit(rows, 202202)
    assert len(baseline.top_k) == 2
    probs = baseline.predict(rows.iloc[:1])
    assert probs.p_win.tolist() == probs.p_points.tolist() == [1.0]
    three = baseline.predict(rows.iloc[:3])
    assert three.p_podium.tolist() == [1.0, 1.0, 1.0]
    assert three.p_win.argmax() == 0
