"""The Elo update on hand-made races: direction, symmetry, conservation, history chaining."""

from __future__ import annotations

import numpy as np
import pytest

from undercut.ratings import elo


def test_equal_field_winner_gains_and_loser_loses_k_over_two() -> None:
    after = elo.update(np.array([1500.0, 1500.0]), np.array([1.0, 2.0]), elo.EloConfig())
    assert after[0] == pytest.approx(1500 + elo.K / 2)
    assert after[1] == pytest.approx(1500 - elo.K / 2)


def test_update_conserves_the_field_total() -> None:
    rng = np.random.default_rng(7)
    ratings = rng.normal(1500, 150, size=20)
    after = elo.update(ratings, rng.permutation(20).astype(float) + 1, elo.EloConfig())
    assert after.sum() == pytest.approx(ratings.sum())
    assert not np.allclose(after, ratings)


def test_favourite_winning_gains_less_than_underdog_winning() -> None:
    cfg = elo.EloConfig()
    favourite_wins = elo.update(np.array([1700.0, 1500.0]), np.array([1.0, 2.0]), cfg)
    underdog_wins = elo.update(np.array([1700.0, 1500.0]), np.array([2.0, 1.0]), cfg)
    assert 0 < favourite_wins[0] - 1700 < underdog_wins[1] - 1500


def test_tie_between_equals_changes_nothing() -> None:
    after = elo.update(np.array([1500.0, 1500.0]), np.array([1.0, 1.0]), elo.EloConfig())
    assert after.tolist() == [1500.0, 1500.0]


def test_history_chains_ratings_and_counts_races() -> None:
    races = [
        elo.Race((1,), ["a", "b", "c"], [1, 2, 3]),
        elo.Race((2,), ["b", "c"], [1, 2]),
        elo.Race((3,), ["a", "c", "a"], [3, 1, 2]),  # "a" twice: its best place counts
    ]
    rows = list(elo.history(races))
    by = {(r.key[0], r.competitor): r for r in rows}
    assert by[(1, "a")].rating_before == elo.START
    assert by[(3, "a")].rating_before == by[(1, "a")].rating_after
    assert by[(3, "c")].rating_before == by[(2, "c")].rating_after
    assert by[(3, "a")].races_before == 1 and by[(3, "c")].races_before == 2
    assert by[(3, "a")].finish == 2 and by[(3, "a")].field_size == 2
    assert by[(3, "c")].rating_after > by[(3, "c")].rating_before
    last = {r.competitor: r.rating_after for r in rows}
    assert sum(last.values()) / len(last) == pytest.approx(elo.START)
