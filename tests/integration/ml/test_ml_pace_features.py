"""Pace features on the real history: the fastest car of an era is the fastest in them."""

from __future__ import annotations

import pandas as pd

from undercut.features.build import HISTORY_FEATURES


def _race(frame: pd.DataFrame, season: int, rnd: int) -> pd.DataFrame:
    return frame[(frame["season"] == season) & (frame["round"] == rnd)]


def test_red_bull_2023_and_mclaren_2025_lead_the_pace_features(ml_frame: pd.DataFrame) -> None:
    assert {"team_qgap_5", "driver_flgap_3", "team_form_elo_rel"} <= set(HISTORY_FEATURES)
    for season, rnd, team, driver in (
        (2023, 8, "red_bull", "max_verstappen"),
        (2025, 10, "mclaren", "piastri"),
    ):
        race = _race(ml_frame, season, rnd)
        best_team = race.loc[race["team_qgap_5_rel"] == 0, "constructor_id"]
        assert set(best_team) == {team}
        assert set(race.loc[race["team_form_elo_rel"] == 0, "constructor_id"]) == {team}
        assert set(race.loc[race["driver_qgap_5_rel"] == 0, "driver_id"]) == {driver}
    # over the whole of 2023, Red Bull's mean gap to pole over its last five races is the
    # smallest of the field, a tenth of a percent
    means = ml_frame[ml_frame["season"] == 2023].groupby("constructor_id")["team_qgap_5"].mean()
    assert means.idxmin() == "red_bull"
    assert means.min() < 0.2


def test_a_rookie_has_no_pace_history_and_the_start_rating(ml_frame: pd.DataFrame) -> None:
    rookie = ml_frame[(ml_frame["driver_id"] == "antonelli") & (ml_frame["season"] == 2025)]
    first, second = rookie.sort_values("round").iloc[0], rookie.sort_values("round").iloc[1]
    assert pd.isna(first["driver_qgap_5"]) and pd.isna(first["driver_flgap_3"])
    assert first["driver_form_elo_rel"] < 0
    assert pd.notna(second["driver_qgap_5"])  # one race later the history has begun
    # his first race rated him: the rating read by the second differs from the start value
    assert second["driver_form_elo_rel"] != first["driver_form_elo_rel"]
