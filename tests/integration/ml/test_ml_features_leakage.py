"""Features of race S:R use only what was known before its start.

Rebuilding them with every later race deleted and the race's own outcome scrambled (its
finishing order, points, classification, fastest laps, the standings and ratings after it)
must change nothing; and the history features of a race not run yet equal those of the
same race once run.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from undercut.features.build import FEATURES_BY_BASIS, HISTORY_FEATURES, KEY, build_features
from undercut.features.entries import OUTCOME_COLUMNS, PRE_QUALIFYING, QUALIFYING, race_index
from undercut.features.inputs import FeatureInputs

# one worker trains the session's model once for every module of this folder
pytestmark = pytest.mark.xdist_group("ml")

FEATURES = FEATURES_BY_BASIS[QUALIFYING]


def _before(table: pd.DataFrame, key: int, inclusive: bool = True) -> pd.DataFrame:
    idx = race_index(table["season"].astype("int64"), table["round"].astype("int64"))
    return table[idx <= key if inclusive else idx < key].reset_index(drop=True)


def _scramble(
    table: pd.DataFrame, key: int, columns: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    """Shuffle ``columns`` among the rows of race ``key`` (other rows untouched)."""
    table = table.copy()
    idx = race_index(table["season"].astype("int64"), table["round"].astype("int64"))
    rows = np.flatnonzero((idx == key).to_numpy())
    assert len(rows) > 1
    for column in columns:
        values = table[column].to_numpy().copy()
        values[rows] = values[rng.permutation(rows)]
        table[column] = values
    return table


def truncated_inputs(inputs: FeatureInputs, season: int, rnd: int, seed: int) -> FeatureInputs:
    """Everything up to race S:R only, with the race's own outcome scrambled."""
    key = race_index(season, rnd)
    rng = np.random.default_rng(seed)
    starts = _scramble(_before(inputs.starts, key), key, OUTCOME_COLUMNS, rng)
    return replace(
        inputs,
        races=_before(inputs.races, key),
        starts=starts,
        qualifying=_before(inputs.qualifying, key),
        sprints=_before(inputs.sprints, key),
        driver_standings=_scramble(
            _before(inputs.driver_standings, key), key, ["position", "points", "wins"], rng
        ),
        constructor_standings=_scramble(
            _before(inputs.constructor_standings, key), key, ["position", "points", "wins"], rng
        ),
        driver_elo=_scramble(_before(inputs.driver_elo, key), key, ["rating_after"], rng),
        constructor_elo=_scramble(_before(inputs.constructor_elo, key), key, ["rating_after"], rng),
    )


def _race(frame: pd.DataFrame, season: int, rnd: int, columns: list[str]) -> pd.DataFrame:
    rows = frame[(frame["season"] == season) & (frame["round"] == rnd)]
    return rows[[*KEY, *columns]].sort_values("driver_id").reset_index(drop=True)


# 2025:18 the latest race; 2024:21 a sprint weekend (sprint before the race);
# 2023:14 a race after the summer break; 2021:22 a title decider with a pit-lane starter.
@pytest.mark.parametrize(("season", "rnd"), [(2025, 18), (2024, 21), (2023, 14), (2021, 22)])
def test_features_ignore_later_races_and_own_outcome(
    ml_inputs: FeatureInputs, ml_frame: pd.DataFrame, season: int, rnd: int
) -> None:
    full = _race(ml_frame, season, rnd, FEATURES)
    assert len(full) >= 18
    changed = truncated_inputs(ml_inputs, season, rnd, seed=season + rnd)
    rebuilt = _race(build_features(changed)[0], season, rnd, FEATURES)
    # the scramble really changed the race's outcome
    original = _race(ml_frame, season, rnd, ["position_order"])
    scrambled = _race(build_features(changed)[0], season, rnd, ["position_order"])
    assert not original.equals(scrambled)
    pd.testing.assert_frame_equal(full, rebuilt, check_exact=True)


def test_upcoming_race_history_features_match_the_run_race(
    ml_inputs: FeatureInputs, ml_frame: pd.DataFrame
) -> None:
    """2025:18 as if before qualifying: same history features, basis pre-qualifying."""
    key = race_index(2025, 18)
    upcoming = replace(
        ml_inputs,
        starts=_before(ml_inputs.starts, key, inclusive=False),
        qualifying=_before(ml_inputs.qualifying, key, inclusive=False),
        sprints=_before(ml_inputs.sprints, key, inclusive=False),
    )
    from undercut.features.build import race_features

    rows, basis, race = race_features(upcoming, 2025, 18)
    assert basis == PRE_QUALIFYING and race.race_name == "Singapore Grand Prix"
    assert rows["grid"].isna().all()
    run = _race(ml_frame, 2025, 18, HISTORY_FEATURES)
    # the entry list is the previous race's starters: compare the drivers both have
    ahead = rows[[*KEY, *HISTORY_FEATURES]].sort_values("driver_id").reset_index(drop=True)
    common = sorted(set(run["driver_id"]) & set(ahead["driver_id"]))
    assert len(common) >= 18
    # field-relative features depend on who is in the field; compare absolute ones
    absolute = [
        f for f in HISTORY_FEATURES if not f.endswith(("_rel", "_rank")) and f != "field_size"
    ]
    left = run.set_index("driver_id").loc[common, absolute]
    right = ahead.set_index("driver_id").loc[common, absolute]
    pd.testing.assert_frame_equal(left, right, check_exact=True)
