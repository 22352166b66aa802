"""The stages of a race weekend, and what each one knows.

A forecast can be made after any session of a weekend: before it starts (``pre-weekend``),
after each free practice, after sprint qualifying and the sprint, after qualifying and
once the grid is set (penalties applied). A stage's features use only the sessions up to
it: practice pace after FP1 is FP1's alone, after FP2 the best of FP1 and FP2, and the
sprint's result is unknown before the sprint. Stages up to the sprint predict on the
pre-qualifying basis (no grid), ``qualifying`` and ``grid`` on the qualifying basis, which
still reads the weekend's best practice gap (``stage_columns``).

Practice pace per stage (columns ``<stage>_gap_pct``, ``<stage>_team_gap_pct``,
``<stage>_long_run_gap_pct``): each session's best laps are taken relative to that
session's fastest (so a wet or red-flagged session does not distort a dry one), and a
driver's gap is his smallest over the stage's sessions, capped at ``GAP_CAP`` %. A driver
without a time (his car driven by a rookie in FP1) takes the gap of the runner of his
car who is not on the race's entry list, when there is one, else none; the models fill a
missing gap with the worst of the field. ``practice_laps_<stage>`` counts laps run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from undercut.errors import InputError
from undercut.features.entries import PRE_QUALIFYING, QUALIFYING, Race
from undercut.features.inputs import FeatureInputs

PRE_WEEKEND = "pre-weekend"
SPRINT_QUALIFYING = "sprint-qualifying"
SPRINT = "sprint"
GRID = "grid"
AUTO = "auto"
# In weekend order; ``auto`` picks the last one that has run.
STAGES = (PRE_WEEKEND, "fp1", "fp2", "fp3", SPRINT_QUALIFYING, SPRINT, QUALIFYING, GRID)
# Practice sessions each practice stage has seen (FP4 ran on a few weekends of the 2000s).
PRACTICE_SESSIONS = {"fp1": ("fp1",), "fp2": ("fp1", "fp2"), "fp3": ("fp1", "fp2", "fp3", "fp4")}
PRACTICE_STAGES = tuple(PRACTICE_SESSIONS)
# Stages whose forecast uses practice pace (the sprint stages, qualifying and the grid have
# seen all practice).
PACE_STAGE = {
    "fp1": "fp1",
    "fp2": "fp2",
    "fp3": "fp3",
    SPRINT_QUALIFYING: "fp3",
    SPRINT: "fp3",
    QUALIFYING: "fp3",
    GRID: "fp3",
}
GAP_CAP = 5.0
# F1DB's practice results are complete from this season on; earlier weekends may lack them.
FIRST_PRACTICE_SEASON = 2006


def stage_key(stage: str) -> str:
    """A stage's name as a key of undercut's own JSON (snake_case: ``sprint_qualifying``)."""
    return stage.replace("-", "_")


def basis_of(stage: str) -> str:
    """The model basis a stage predicts on: the grid is known from qualifying on."""
    return QUALIFYING if stage in (QUALIFYING, GRID) else PRE_QUALIFYING


def knows_sprint(stage: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(SPRINT)


def stage_columns(stage: str) -> list[str]:
    """The practice columns a stage's forecast reads (none before practice).

    Once the grid is known only the best-lap gap over all practice is read: beside the
    grid and the qualifying gap it still tells who is fast on race day (in the pace logit,
    validation seasons 2016-2021: winner log loss 1.315 -> 1.288, podium Brier 0.0631 ->
    0.0629), while the gap to the team-mate added nothing more (1.288).
    """
    pace = PACE_STAGE.get(stage)
    if pace is None:
        return []
    if basis_of(stage) == QUALIFYING:
        return [f"{pace}_gap_pct"]
    columns = [f"{pace}_gap_pct", f"{pace}_team_gap_pct", f"{pace}_long_run_gap_pct"]
    if STAGES.index(stage) >= STAGES.index(SPRINT_QUALIFYING):
        columns.append("sq_gap_pct")
    return columns


def _session_gaps(practice: pd.DataFrame, column: str) -> pd.Series:
    """Each row's ``column`` relative to the fastest of its session, in % (capped)."""
    keys = [practice["season"], practice["round"], practice["session"]]
    values = practice[column].astype("float64")
    best = values.groupby(keys).transform("min")
    return (100.0 * (values - best) / best).clip(upper=GAP_CAP)


def practice_features(frame: pd.DataFrame, inputs: FeatureInputs) -> pd.DataFrame:
    """Add every practice stage's pace columns and the sprint qualifying gap to ``frame``
    (one row per race and driver, with ``constructor_id``)."""
    practice = inputs.practice.copy()
    practice["gap"] = _session_gaps(practice, "best_lap_ms")
    practice["long_gap"] = _session_gaps(practice, "long_run_ms")
    entries = frame[["season", "round", "driver_id", "constructor_id"]]
    new: dict[str, pd.Series] = {}
    for stage, sessions in PRACTICE_SESSIONS.items():
        seen = practice[practice["session"].isin(sessions)]
        own = seen.groupby(["season", "round", "driver_id"], as_index=False).agg(
            gap=("gap", "min"), long_gap=("long_gap", "min"), laps=("laps", "sum")
        )
        # A car's runner who is not on the race's entry list (a rookie in FP1): his gap
        # stands for the entered driver who sat the session out.
        entered = seen.merge(
            entries[["season", "round", "driver_id"]].assign(entered=True),
            on=["season", "round", "driver_id"],
            how="left",
        )
        stand_ins = entered[entered["entered"].isna() & entered["constructor_id"].notna()]
        cars = stand_ins.groupby(["season", "round", "constructor_id"], as_index=False).agg(
            car_gap=("gap", "min")
        )
        rows = entries.merge(own, on=["season", "round", "driver_id"], how="left")
        rows = rows.merge(cars, on=["season", "round", "constructor_id"], how="left")
        gap = rows["gap"].fillna(rows["car_gap"])
        team_best = _teammate_best(rows.assign(gap=gap))
        new[f"{stage}_gap_pct"] = gap
        new[f"{stage}_team_gap_pct"] = gap - team_best
        new[f"{stage}_long_run_gap_pct"] = rows["long_gap"]
        new[f"{stage}_laps"] = rows["laps"]
    sq = inputs.sprint_qualifying.copy()
    sq["session"] = SPRINT_QUALIFYING
    sq["sq_gap"] = _session_gaps(sq, "sq_best_ms")
    rows = entries.merge(
        sq[["season", "round", "driver_id", "sq_gap"]],
        on=["season", "round", "driver_id"],
        how="left",
    )
    new["sq_gap_pct"] = rows["sq_gap"]
    added = pd.DataFrame(
        {k: v.to_numpy(dtype="float64") for k, v in new.items()}, index=frame.index
    )
    return pd.concat([frame, added], axis=1)


def _teammate_best(rows: pd.DataFrame) -> pd.Series:
    """The best gap of the driver's team-mates in the same race (NaN if none)."""
    keys = [rows["season"], rows["round"], rows["constructor_id"]]
    order = rows["gap"].groupby(keys).rank(method="first")
    first = rows["gap"].groupby(keys).transform("min")
    second = rows["gap"].where(order == 2).groupby(keys).transform("max")
    return second.where(order == 1, first)


@dataclass(frozen=True)
class WeekendState:
    """Which stages of a race weekend have run (their data is in the warehouse)."""

    race: Race
    completed: tuple[str, ...]

    @property
    def latest(self) -> str:
        return self.completed[-1]


def weekend_state(inputs: FeatureInputs, race: Race) -> WeekendState:
    """The stages of ``race`` whose sessions have data, in weekend order."""

    def has(frame: pd.DataFrame, **where: object) -> bool:
        mask = (frame["season"] == race.season) & (frame["round"] == race.round)
        for column, value in where.items():
            mask &= frame[column] == value
        return bool(mask.any())

    done = [PRE_WEEKEND]
    for stage in PRACTICE_STAGES:
        if has(inputs.practice, session=stage):
            done.append(stage)
    if has(inputs.sprint_qualifying):
        done.append(SPRINT_QUALIFYING)
    if has(inputs.sprints):
        done.append(SPRINT)
    if race.has_qualifying or race.has_result:
        done.append(QUALIFYING)
    if race.has_result or has(inputs.starting_grids):
        done.append(GRID)
    return WeekendState(race, tuple(done))


def stage_as_of(completed: tuple[str, ...], stage: str) -> str:
    """What a forecast "after ``stage``" is on a weekend whose stages run are ``completed``:
    the stage itself, or the latest one run before it (FP2 on a sprint weekend, which has
    one practice, is FP1's forecast; a cancelled session adds nothing)."""
    order = STAGES.index(stage)
    return [s for s in completed if STAGES.index(s) <= order][-1]


def resolve_stage(state: WeekendState, stage: str) -> str:
    """``stage`` itself when it has run, the latest stage run for ``auto``; else a one-line
    error naming what has run."""
    if stage == AUTO:
        return state.latest
    if stage not in STAGES:
        raise InputError(f"--stage {stage!r}: unknown stage; one of {AUTO}, {', '.join(STAGES)}")
    if stage not in state.completed:
        race = state.race
        why = ""
        if stage in PRACTICE_STAGES and race.season < FIRST_PRACTICE_SEASON:
            why = f" (F1DB has practice results from {FIRST_PRACTICE_SEASON} on)"
        when = "" if race.has_result else " yet"
        raise InputError(
            f"--stage {stage}: race {race.season}:{race.round} has no {stage} data{when}{why}; "
            f"stages run: {', '.join(state.completed)}"
        )
    return stage


def stage_rows(rows: pd.DataFrame, stage: str) -> pd.DataFrame:
    """A race's feature rows as known at ``stage``: the sprint's result hidden before it."""
    if knows_sprint(stage):
        return rows
    return rows.assign(sprint_position=np.nan)
