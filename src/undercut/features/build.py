"""Leakage-free pre-race features for every driver of every race.

Every feature of race S:R is a function of what was known before its start: its grid and
qualifying (and the sprint, which runs first), and the results, standings and ratings of
earlier races. History features are computed on a calendar-ordered frame with the race's
own row shifted out (``shift(1)`` per driver / constructor / circuit), standings are those
after the previous round of the same season, and Elo is the rating after the competitor's
latest earlier race. ``tests/integration/test_features_leakage.py`` proves it: rebuilding a
race's features with every later race deleted and its own outcome scrambled changes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from undercut.features.entries import (
    OUTCOME_COLUMNS,
    PRE_QUALIFYING,
    QUALIFYING,
    Race,
    find_race,
    race_index,
    upcoming_entries,
)
from undercut.features.inputs import WEATHER_COLUMNS, FeatureInputs
from undercut.features.stages import practice_features
from undercut.ratings.elo import START, EloConfig, history
from undercut.ratings.elo import Race as RatedRace

FORM_WINDOWS = (3, 5, 10)
PACE_WINDOWS = (3, 5)
# Gap caps: a wet session or a late stop for fresh tyres says little beyond "far off".
QUALI_GAP_CAP = 10.0
FASTEST_LAP_GAP_CAP = 5.0
# The form ratings move four times faster than the warehouse's Elo (K = 32): a car's pace
# changes within a season, and on the validation seasons 2016-2021 K = 128 predicted
# winners as well as K = 32 while following new pecking orders within a few races.
FORM_ELO = EloConfig(k=128.0)

# Pace measures rolled over earlier races: qualifying gap to pole, fastest-lap gap.
PACE = {"qgap": "quali_gap_pct", "flgap": "fastest_lap_gap_pct"}

# Known only once qualifying has run (or the grid is set).
QUALIFYING_FEATURES = [
    "grid_slot",
    "is_pit_lane",
    "quali_position",
    "quali_gap_pct",
    "grid_penalty",
    "teammate_grid_delta",
    "grid_rank_rel",
]

# Known before qualifying: history, standings, ratings, the sprint when it ran first.
HISTORY_FEATURES = [
    "field_size",
    "driver_elo",
    "constructor_elo",
    "driver_elo_rel",
    "constructor_elo_rel",
    "combined_elo_rank",
    "driver_starts",
    "constructor_starts",
    "is_rookie",
    *[f"driver_finish_{k}" for k in FORM_WINDOWS],
    *[f"driver_points_{k}" for k in FORM_WINDOWS],
    *[f"driver_dnf_{k}" for k in FORM_WINDOWS],
    *[f"team_finish_{k}" for k in FORM_WINDOWS],
    *[f"team_points_{k}" for k in FORM_WINDOWS],
    *[f"team_dnf_{k}" for k in FORM_WINDOWS],
    "driver_finish_5_rank",
    "team_finish_5_rank",
    "driver_top3_10",
    "driver_wins_10",
    "beat_teammate_10",
    "champ_position",
    "champ_points_share",
    "champ_wins",
    "team_champ_position",
    "team_champ_points_share",
    "driver_circuit_starts",
    "driver_circuit_finish",
    "team_circuit_finish",
    "sprint_position",
    *[f"{who}_{kind}_{k}" for who in ("driver", "team") for kind in PACE for k in PACE_WINDOWS],
    "driver_qgap_5_rel",
    "team_qgap_5_rel",
    "driver_form_elo_rel",
    "team_form_elo_rel",
    # race-day weather (the forecast before a race): missing where none was pulled
    *WEATHER_COLUMNS,
]

FEATURES_BY_BASIS = {
    QUALIFYING: [*QUALIFYING_FEATURES, *HISTORY_FEATURES],
    PRE_QUALIFYING: list(HISTORY_FEATURES),
}

KEY = ["season", "round", "driver_id"]


def _entries(
    inputs: FeatureInputs, upcoming: list[Race], use_grid: bool = False
) -> tuple[pd.DataFrame, dict]:
    """Starters of every finished race plus the entry lists of ``upcoming`` races."""
    starts = inputs.starts.copy()
    starts[OUTCOME_COLUMNS] = starts[OUTCOME_COLUMNS].astype("float64")
    frames = [starts]
    basis: dict[tuple[int, int], str] = {}
    for race in upcoming:
        entries, race_basis = upcoming_entries(inputs, race, use_grid)
        basis[(race.season, race.round)] = race_basis
        frames.append(entries.assign(**{col: np.nan for col in OUTCOME_COLUMNS}))
    frame = pd.concat(frames, ignore_index=True)
    frame["grid"] = frame["grid"].astype("float64")
    frame["position_order"] = frame["position_order"].astype("float64")
    frame["points"] = frame["points"].astype("float64")
    frame["is_classified"] = frame["is_classified"].astype("float64")
    races = inputs.races[["season", "round", "circuit_id"]]
    frame = frame.merge(races, on=["season", "round"], how="left")
    frame["season"] = frame["season"].astype("int64")
    frame["round"] = frame["round"].astype("int64")
    frame["race_idx"] = race_index(frame["season"], frame["round"])
    frame = frame.sort_values(["race_idx", "driver_id"], kind="stable").reset_index(drop=True)
    return frame, basis


def _per_race(frame: pd.DataFrame, column: str, how: str) -> pd.Series:
    return frame.groupby("race_idx")[column].transform(how)


def _best_of_teammates(frame: pd.DataFrame, column: str) -> pd.Series:
    """Smallest ``column`` among the *other* cars of the driver's team in the same race."""
    groups = frame.groupby(["race_idx", "constructor_id"])[column]
    order = groups.rank(method="first")
    first = groups.transform("min")
    second = (
        frame[column]
        .where(order == 2)
        .groupby([frame["race_idx"], frame["constructor_id"]])
        .transform("max")
    )
    return second.where(order == 1, first)


def _outcomes(frame: pd.DataFrame) -> None:
    """Per-start outcome measures (NaN for races not run yet) that form features roll over."""
    n = _per_race(frame, "driver_id", "count")
    frame["field_size"] = n.astype("float64")
    frame["finish_pct"] = ((frame["position_order"] - 1) / (n - 1).clip(lower=1)).clip(upper=1.0)
    top_points = _per_race(frame, "points", "max")
    frame["points_share"] = frame["points"] / top_points.where(top_points > 0)
    frame["points_share"] = frame["points_share"].where(frame["position_order"].notna())
    frame["is_dnf"] = 1.0 - frame["is_classified"]
    frame["is_top3"] = (
        (frame["position_order"] <= 3).astype("float64").where(frame["position_order"].notna())
    )
    frame["is_win"] = (
        (frame["position_order"] == 1).astype("float64").where(frame["position_order"].notna())
    )
    others_best = _best_of_teammates(frame, "position_order")
    beat = (frame["position_order"] < others_best).astype("float64")
    frame["beat_teammate"] = beat.where(frame["position_order"].notna() & others_best.notna())


def _rolling_before(frame: pd.DataFrame, by: str, column: str, window: int) -> pd.Series:
    """Mean of ``column`` over the ``window`` previous rows of each ``by`` group."""
    shifted = frame.groupby(by)[column].shift(1)
    rolled = shifted.groupby(frame[by]).rolling(window, min_periods=1).mean()
    return rolled.reset_index(level=0, drop=True).sort_index()


def _form(frame: pd.DataFrame) -> pd.DataFrame:
    for k in FORM_WINDOWS:
        frame[f"driver_finish_{k}"] = _rolling_before(frame, "driver_id", "finish_pct", k)
        frame[f"driver_points_{k}"] = _rolling_before(frame, "driver_id", "points_share", k)
        frame[f"driver_dnf_{k}"] = _rolling_before(frame, "driver_id", "is_dnf", k)
    frame["driver_top3_10"] = _rolling_before(frame, "driver_id", "is_top3", 10)
    frame["driver_wins_10"] = _rolling_before(frame, "driver_id", "is_win", 10)
    frame["beat_teammate_10"] = _rolling_before(frame, "driver_id", "beat_teammate", 10)

    teams = frame.groupby(["race_idx", "constructor_id"], as_index=False).agg(
        finish_pct=("finish_pct", "min"),
        points_share=("points_share", "sum"),
        is_dnf=("is_dnf", "mean"),
        has_outcome=("position_order", "count"),
    )
    teams["points_share"] = teams["points_share"].where(teams["has_outcome"] > 0)
    teams = teams.sort_values(["race_idx", "constructor_id"], kind="stable").reset_index(drop=True)
    rolls = {}
    for k in FORM_WINDOWS:
        rolls[f"team_finish_{k}"] = ("finish_pct", k)
        rolls[f"team_points_{k}"] = ("points_share", k)
        rolls[f"team_dnf_{k}"] = ("is_dnf", k)
    return _merge_team_history(frame, teams, rolls)


def _merge_team_history(
    frame: pd.DataFrame, teams: pd.DataFrame, rolls: dict[str, tuple[str, int]]
) -> pd.DataFrame:
    """Roll per-team race values (``teams``: one row per race and constructor, in calendar
    order) over each team's earlier races, ``name -> (column, window)``, and merge them
    onto the frame's rows."""
    rolled = {
        name: _rolling_before(teams, "constructor_id", column, k)
        for name, (column, k) in rolls.items()
    }
    history = pd.concat([teams[["race_idx", "constructor_id"]], pd.DataFrame(rolled)], axis=1)
    return frame.merge(history, on=["race_idx", "constructor_id"], how="left")


def _sum_before(values: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys`` group, ``total`` and ``count`` summed over the rows *before* each row.

    Summed over earlier rows only, never "running total minus own value": the own value
    must not reach the result, not even as a rounding difference.
    """
    groups = [values[k] for k in keys]
    running = values[["total", "count"]].groupby(groups).cumsum()
    return running.groupby(groups).shift(1).fillna(0.0)


def _circuit_history(frame: pd.DataFrame) -> pd.DataFrame:
    """Earlier starts and mean finish of the driver (and team) at this circuit."""
    keys = ["driver_id", "circuit_id"]
    values = frame[keys].assign(
        total=frame["finish_pct"].fillna(0.0), count=frame["finish_pct"].notna().astype("float64")
    )
    before = _sum_before(values, keys)
    frame["driver_circuit_starts"] = before["count"]
    frame["driver_circuit_finish"] = (before["total"] / before["count"]).where(before["count"] > 0)
    # a team has two cars in a race: aggregate per race first, so a teammate's result in
    # the same race never counts as history
    teams = frame.groupby(
        ["race_idx", "constructor_id", "circuit_id"], as_index=False, sort=True
    ).agg(total=("finish_pct", "sum"), count=("finish_pct", "count"))
    teams["count"] = teams["count"].astype("float64")
    before = _sum_before(
        teams[["constructor_id", "circuit_id", "total", "count"]], ["constructor_id", "circuit_id"]
    )
    teams["team_circuit_finish"] = (before["total"] / before["count"]).where(before["count"] > 0)
    return frame.merge(
        teams[["race_idx", "constructor_id", "team_circuit_finish"]],
        on=["race_idx", "constructor_id"],
        how="left",
    )


def _standings(frame: pd.DataFrame, inputs: FeatureInputs) -> pd.DataFrame:
    """Championship after the previous round of the same season (nothing before round 1)."""
    drivers = inputs.driver_standings.copy()
    drivers["leader"] = drivers.groupby(["season", "round"])["points"].transform("max")
    drivers = drivers.assign(
        round=drivers["round"] + 1,
        champ_position=drivers["position"].astype("float64"),
        champ_points_share=drivers["points"] / drivers["leader"].where(drivers["leader"] > 0),
        champ_wins=drivers["wins"].astype("float64"),
    )[["season", "round", "driver_id", "champ_position", "champ_points_share", "champ_wins"]]
    teams = inputs.constructor_standings.copy()
    teams["leader"] = teams.groupby(["season", "round"])["points"].transform("max")
    teams = teams.assign(
        round=teams["round"] + 1,
        team_champ_position=teams["position"].astype("float64"),
        team_champ_points_share=teams["points"] / teams["leader"].where(teams["leader"] > 0),
    )[["season", "round", "constructor_id", "team_champ_position", "team_champ_points_share"]]
    frame = frame.merge(drivers, on=["season", "round", "driver_id"], how="left")
    frame = frame.merge(teams, on=["season", "round", "constructor_id"], how="left")
    started = frame["round"] > 1
    for col in ("champ_points_share", "champ_wins", "team_champ_points_share"):
        frame[col] = frame[col].where(frame[col].notna() | ~started, 0.0)
    return frame


def _rating_before(frame: pd.DataFrame, ratings: pd.DataFrame, who: str) -> pd.DataFrame:
    """``ratings`` (``race_idx``, ``who``, values after that race) as of each row's race:
    the values after the competitor's latest race strictly before it (missing if none)."""
    return pd.merge_asof(
        frame.sort_values("race_idx", kind="stable"),
        ratings.sort_values("race_idx", kind="stable"),
        on="race_idx",
        by=who,
        allow_exact_matches=False,
        direction="backward",
    )


def _elo(frame: pd.DataFrame, inputs: FeatureInputs) -> pd.DataFrame:
    """Rating after the latest race strictly before this one (newcomers: the start value)."""
    for who, table, prefix in (
        ("driver_id", inputs.driver_elo, "driver"),
        ("constructor_id", inputs.constructor_elo, "constructor"),
    ):
        ratings = table.assign(
            race_idx=race_index(table["season"].astype("int64"), table["round"].astype("int64"))
        )
        columns = ["race_idx", who, "rating_after", "starts_after"]
        frame = _rating_before(frame, ratings[columns], who)
        frame[f"{prefix}_elo"] = frame.pop("rating_after").fillna(START)
        frame[f"{prefix}_starts"] = frame.pop("starts_after").fillna(0.0)
    frame["is_rookie"] = (frame["driver_starts"] == 0).astype("float64")
    return frame.sort_values(["race_idx", "driver_id"], kind="stable").reset_index(drop=True)


def _grid_and_qualifying(frame: pd.DataFrame, inputs: FeatureInputs) -> pd.DataFrame:
    quali = inputs.qualifying[["season", "round", "driver_id", "quali_position", "quali_best_ms"]]
    frame = frame.merge(quali, on=KEY, how="left")
    frame["quali_position"] = frame["quali_position"].astype("float64")
    best = frame["quali_best_ms"].astype("float64")
    pole = best.groupby(frame["race_idx"]).transform("min")
    frame["quali_gap_pct"] = (100.0 * (best - pole) / pole).clip(upper=QUALI_GAP_CAP)
    grid = frame["grid"]
    frame["is_pit_lane"] = (grid == 0).astype("float64").where(grid.notna())
    # A pit-lane start is a start from behind the last grid slot.
    frame["grid_slot"] = grid.where(grid != 0, frame["field_size"])
    frame["grid_penalty"] = frame["grid_slot"] - frame["quali_position"]
    frame["teammate_grid_delta"] = frame["grid_slot"] - _best_of_teammates(frame, "grid_slot")
    frame["grid_rank_rel"] = (
        frame.groupby("race_idx")["grid_slot"].rank(method="min") / (frame["field_size"])
    )
    sprints = inputs.sprints[["season", "round", "driver_id", "sprint_position"]]
    frame = frame.merge(sprints, on=KEY, how="left")
    frame["sprint_position"] = frame["sprint_position"].astype("float64")
    return frame


def _pace(frame: pd.DataFrame) -> pd.DataFrame:
    """Speed over the last races, per driver and per team (its faster car): the mean gap to
    pole in qualifying and to the race's fastest lap, in % (lower is faster).

    Finishing places mix speed with luck; these gaps measure the car and driver directly,
    which is what changes when a team brings a faster car.
    """
    laps = frame["fastest_lap_ms"].astype("float64")
    best = laps.groupby(frame["race_idx"]).transform("min")
    frame["fastest_lap_gap_pct"] = (100.0 * (laps - best) / best).clip(upper=FASTEST_LAP_GAP_CAP)
    teams = frame.groupby(["race_idx", "constructor_id"], as_index=False, sort=True).agg(
        **{column: (column, "min") for column in PACE.values()}
    )
    rolls, driver_new = {}, {}
    for kind, column in PACE.items():
        for k in PACE_WINDOWS:
            driver_new[f"driver_{kind}_{k}"] = _rolling_before(frame, "driver_id", column, k)
            rolls[f"team_{kind}_{k}"] = (column, k)
    frame = pd.concat([frame, pd.DataFrame(driver_new, index=frame.index)], axis=1)
    return _merge_team_history(frame, teams, rolls)


def _form_elo(frame: pd.DataFrame) -> pd.DataFrame:
    """Fast-moving Elo ratings (``FORM_ELO``) of drivers and teams as of each race.

    Rated from the frame's own finished races, in calendar order; each race reads the
    rating after the competitor's latest earlier race (newcomers: the start value).
    """
    finished = frame[frame["position_order"].notna()]
    for who, prefix in (("driver_id", "driver"), ("constructor_id", "team")):
        races = (
            RatedRace((idx,), list(group[who]), list(group["position_order"]))
            for idx, group in finished.groupby("race_idx", sort=True)
        )
        ratings = pd.DataFrame(
            [(r.key[0], r.competitor, r.rating_after) for r in history(races, FORM_ELO)],
            columns=["race_idx", who, "form_elo"],
        )
        frame = _rating_before(frame, ratings, who)
        frame[f"{prefix}_form_elo"] = frame.pop("form_elo").fillna(START)
    return frame.sort_values(["race_idx", "driver_id"], kind="stable").reset_index(drop=True)


def _weather(frame: pd.DataFrame, inputs: FeatureInputs) -> pd.DataFrame:
    types = {"season": "int64", "round": "int64"} | dict.fromkeys(WEATHER_COLUMNS, "float64")
    weather = inputs.weather[list(types)].astype(types)
    return frame.merge(weather, on=["season", "round"], how="left")


def _relative(frame: pd.DataFrame) -> None:
    """Where each driver stands within this race's field (the ranking is what matters)."""
    frame["driver_elo_rel"] = frame["driver_elo"] - _per_race(frame, "driver_elo", "max")
    frame["constructor_elo_rel"] = frame["constructor_elo"] - _per_race(
        frame, "constructor_elo", "max"
    )
    combined = frame["driver_elo"] + frame["constructor_elo"]
    frame["combined_elo_rank"] = combined.groupby(frame["race_idx"]).rank(ascending=False)
    for who in ("driver", "team"):
        # pace gaps: lower is faster; form ratings in hundreds of points, like the gaps' scale
        frame[f"{who}_qgap_5_rel"] = frame[f"{who}_qgap_5"] - _per_race(
            frame, f"{who}_qgap_5", "min"
        )
        rating = frame[f"{who}_form_elo"]
        frame[f"{who}_form_elo_rel"] = (rating - _per_race(frame, f"{who}_form_elo", "max")) / 100
    frame["driver_finish_5_rank"] = frame.groupby("race_idx")["driver_finish_5"].rank()
    frame["team_finish_5_rank"] = frame.groupby("race_idx")["team_finish_5"].rank()


def build_features(
    inputs: FeatureInputs, upcoming: list[Race] | None = None, use_grid: bool = False
) -> tuple[pd.DataFrame, dict[tuple[int, int], str]]:
    """Features of every finished race, plus ``upcoming`` races not run yet.

    Returns the frame (one row per driver and race, with the outcome columns
    ``position_order``/``points``/``is_classified`` where the race has run, and the
    practice pace of every weekend stage, see ``stages``) and the basis of each upcoming
    race. ``use_grid``: an upcoming race whose starting grid is known starts from it.
    """
    frame, basis = _entries(inputs, upcoming or [], use_grid)
    _outcomes(frame)
    frame = _form(frame)
    frame = _circuit_history(frame)
    frame = _standings(frame, inputs)
    frame = _elo(frame, inputs)
    frame = _grid_and_qualifying(frame, inputs)
    frame = _pace(frame)
    frame = _form_elo(frame)
    frame = _weather(frame, inputs)
    _relative(frame)
    frame = practice_features(frame, inputs)
    frame = frame.sort_values(["race_idx", "driver_id"], kind="stable").reset_index(drop=True)
    codes = inputs.drivers.set_index("driver_id")["code"]
    frame["code"] = frame["driver_id"].map(codes)
    return frame, basis


def race_features(
    inputs: FeatureInputs, season: int, rnd: int, use_grid: bool = False
) -> tuple[pd.DataFrame, str, Race]:
    """Features of one race (finished or not), its basis and its calendar entry."""
    race = find_race(inputs, season, rnd)
    upcoming = [] if race.has_result else [race]
    frame, basis = build_features(inputs, upcoming, use_grid)
    rows = frame[(frame["season"] == season) & (frame["round"] == rnd)].reset_index(drop=True)
    race_basis = basis.get((season, rnd), QUALIFYING)
    return rows, race_basis, race
