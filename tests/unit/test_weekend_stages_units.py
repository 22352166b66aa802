"""Weekend stages without a warehouse: wet and cancelled sessions, stage resolution."""

from __future__ import annotations

import pandas as pd
import pytest

from undercut.errors import InputError
from undercut.features.entries import Race
from undercut.features.inputs import FeatureInputs
from undercut.features.stages import (
    WeekendState,
    practice_features,
    resolve_stage,
    stage_as_of,
)


def _inputs(practice: list[tuple[str, str, str, int]]) -> FeatureInputs:
    empty = pd.DataFrame()
    rows = pd.DataFrame(
        [(2024, 7, session, driver, team, ms, 20, None) for session, driver, team, ms in practice],
        columns=[
            "season",
            "round",
            "session",
            "driver_id",
            "constructor_id",
            "best_lap_ms",
            "laps",
            "long_run_ms",
        ],
    )
    sq = pd.DataFrame(columns=["season", "round", "driver_id", "sq_position", "sq_best_ms"])
    return FeatureInputs(
        races=empty,
        starts=empty,
        qualifying=empty,
        sprints=empty,
        driver_standings=empty,
        constructor_standings=empty,
        driver_elo=empty,
        constructor_elo=empty,
        drivers=empty,
        weather=empty,
        practice=rows,
        sprint_qualifying=sq,
        starting_grids=empty,
    )


ENTRIES = pd.DataFrame(
    {
        "season": [2024] * 3,
        "round": [7] * 3,
        "driver_id": ["a", "b", "c"],
        "constructor_id": ["red", "red", "blue"],
    }
)


def test_a_wet_session_counts_relative_to_its_own_fastest() -> None:
    # FP1 dry, FP2 wet (every lap some 15 s slower): gaps are taken per session.
    inputs = _inputs(
        [
            ("fp1", "a", "red", 90_000),
            ("fp1", "b", "red", 90_450),
            ("fp2", "a", "red", 106_000),
            ("fp2", "b", "red", 105_000),
            ("fp2", "c", "blue", 105_500),  # c ran only in the wet
        ]
    )
    frame = practice_features(ENTRIES.copy(), inputs).set_index("driver_id")
    assert frame.loc["a", "fp2_gap_pct"] == 0.0  # his dry FP1 was the fastest
    assert frame.loc["b", "fp2_gap_pct"] == 0.0  # fastest in the wet
    assert frame.loc["c", "fp2_gap_pct"] == pytest.approx(100 * 500 / 105_000)
    assert pd.isna(frame.loc["c", "fp1_gap_pct"])  # nothing before FP2
    assert frame.loc["b", "fp1_gap_pct"] == pytest.approx(0.5)


def test_a_cancelled_session_is_a_stage_not_run() -> None:
    race = Race(2024, 7, "Emilia Romagna Grand Prix", "imola", True, True)
    state = WeekendState(race, ("pre-weekend", "fp1", "fp3", "qualifying", "grid"))
    assert stage_as_of(state.completed, "fp2") == "fp1"
    assert stage_as_of(state.completed, "sprint") == "fp3"
    assert resolve_stage(state, "auto") == "grid"
    with pytest.raises(InputError, match="race 2024:7 has no fp2 data; stages run: pre-weekend"):
        resolve_stage(state, "fp2")
