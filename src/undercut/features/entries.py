"""Who lines up for a race, and from where: the rows features are computed for.

A finished race's entry list is its starters (grid as started, penalties and pit-lane
starts included). A race not run yet takes its qualifying classification when qualifying is
known (grid = qualifying place, ``basis = "qualifying"``); before qualifying it takes the
drivers of the latest race run, in the cars they drove there (``basis = "pre-qualifying"``,
grid unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd

from undercut.errors import InputError, NotFoundError
from undercut.features.inputs import FeatureInputs

QUALIFYING = "qualifying"
PRE_QUALIFYING = "pre-qualifying"

ENTRY_COLUMNS = ["season", "round", "driver_id", "constructor_id", "grid"]
OUTCOME_COLUMNS = ["position_order", "points", "is_classified", "fastest_lap_ms"]


@dataclass(frozen=True)
class Race:
    """A race to predict: where it stands in the calendar and what is known of it."""

    season: int
    round: int
    race_name: str
    circuit_id: str
    has_result: bool
    has_qualifying: bool


@overload
def race_index(season: int, rnd: int) -> int: ...
@overload
def race_index(season: pd.Series, rnd: pd.Series) -> pd.Series: ...
def race_index(season: pd.Series | int, rnd: pd.Series | int) -> pd.Series | int:
    """A sortable key of a race in calendar order (rounds never reach 100)."""
    return season * 100 + rnd


def parse_race(text: str, field: str = "race") -> tuple[int, int]:
    """``"2024:22"`` → ``(2024, 22)``; a bare season means its last round."""
    season, sep, rnd = text.partition(":")
    try:
        return int(season), int(rnd) if sep else 99
    except ValueError as exc:
        raise InputError(f"{field} {text!r}: expected SEASON:ROUND, e.g. 2024:22") from exc


def find_race(inputs: FeatureInputs, season: int, rnd: int) -> Race:
    """The scheduled race S:R, or a one-line error naming what does not exist."""
    races = inputs.races
    in_season = races[races["season"] == season]
    if in_season.empty:
        first, last = int(races["season"].min()), int(races["season"].max())
        raise NotFoundError(
            f"season {season} has no data in the warehouse (seasons {first}-{last} are "
            "loaded; run `undercut update` for newer ones)"
        )
    row = in_season[in_season["round"] == rnd]
    if row.empty:
        raise NotFoundError(
            f"race {season}:{rnd} does not exist: season {season} has rounds "
            f"1-{int(in_season['round'].max())}"
        )
    starts, quali = inputs.starts, inputs.qualifying
    return Race(
        season=season,
        round=rnd,
        race_name=str(row["race_name"].iloc[0]),
        circuit_id=str(row["circuit_id"].iloc[0]),
        has_result=bool(((starts["season"] == season) & (starts["round"] == rnd)).any()),
        has_qualifying=bool(((quali["season"] == season) & (quali["round"] == rnd)).any()),
    )


def result_before(inputs: FeatureInputs, season: int, rnd: int) -> int | None:
    """Race index of the last race with results before ``season:rnd`` (None if none)."""
    starts = inputs.starts
    key = race_index(starts["season"], starts["round"])
    before = key[key < race_index(season, rnd)]
    return None if before.empty else int(before.max())


def upcoming_entries(
    inputs: FeatureInputs, race: Race, use_grid: bool = False
) -> tuple[pd.DataFrame, str]:
    """Entry list and basis of a race that has no result yet; with ``use_grid``, the
    starting grid (penalties applied) when it is known, rather than qualifying places."""
    grids = inputs.starting_grids
    grid = grids[(grids["season"] == race.season) & (grids["round"] == race.round)]
    if use_grid and not grid.empty:
        entries = grid.assign(grid=grid["grid"].astype("float64"))
        return entries[ENTRY_COLUMNS].reset_index(drop=True), QUALIFYING
    if race.has_qualifying:
        quali = inputs.qualifying
        rows = quali[(quali["season"] == race.season) & (quali["round"] == race.round)]
        entries = rows.assign(grid=rows["quali_position"].astype("float64"))
        return entries[ENTRY_COLUMNS].reset_index(drop=True), QUALIFYING
    starts = inputs.starts
    previous = result_before(inputs, race.season, race.round)
    if previous is None:
        raise InputError(
            f"race {race.season}:{race.round}: no earlier race with results to take the "
            "entry list from"
        )
    last = starts[race_index(starts["season"], starts["round"]) == previous]
    entries = last[["driver_id", "constructor_id"]].assign(
        season=race.season, round=race.round, grid=np.nan
    )
    return entries[ENTRY_COLUMNS].reset_index(drop=True), PRE_QUALIFYING
