"""The baselines on the real history: yardsticks that know what a simple model can know."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from undercut.features.entries import race_index
from undercut.ml.baselines import EloBaseline, GridSlotBaseline

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
