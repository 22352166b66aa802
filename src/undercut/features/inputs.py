"""The warehouse tables features are computed from, read once into memory.

Features read silver and gold only, through the queries in ``features/sql`` (one per input).
Reading everything once and computing in pandas keeps a walk-forward backtest of hundreds of
races to a few seconds: every feature of every race comes out of one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from undercut.config import Settings
from undercut.errors import WarehouseError
from undercut.sql import SqlFolder
from undercut.warehouse.db import table_exists

SQL = SqlFolder(Path(__file__).parent / "sql")
WEATHER_COLUMNS = ("rain_mm", "rain_chance_pct", "air_temp_c")
PRACTICE_KEY = ["season", "round", "session", "driver_id"]
REQUIRED = (
    "silver.races",
    "silver.race_results",
    "silver.qualifying",
    "silver.sprint_results",
    "silver.driver_standings",
    "silver.constructor_standings",
    "silver.drivers",
    "gold.driver_elo_history",
    "gold.constructor_elo_history",
)


@cache
def query(name: str) -> str:
    return SQL.text(name)


@dataclass(frozen=True)
class FeatureInputs:
    """Everything known in the warehouse, as data frames (see ``features/sql``)."""

    races: pd.DataFrame
    starts: pd.DataFrame
    qualifying: pd.DataFrame
    sprints: pd.DataFrame
    driver_standings: pd.DataFrame
    constructor_standings: pd.DataFrame
    driver_elo: pd.DataFrame
    constructor_elo: pd.DataFrame
    drivers: pd.DataFrame
    weather: pd.DataFrame
    practice: pd.DataFrame
    sprint_qualifying: pd.DataFrame
    starting_grids: pd.DataFrame


def read_inputs(con: duckdb.DuckDBPyConnection) -> FeatureInputs:
    """Read every feature input from an open warehouse connection."""
    missing = [name for name in REQUIRED if not table_exists(con, name)]
    if missing:
        hint = (
            "undercut build"
            if any(m.startswith("gold.") for m in missing)
            else ("undercut ingest archive")
        )
        raise WarehouseError(f"warehouse lacks {', '.join(missing)}; run `{hint}` first")

    def frame(name: str) -> pd.DataFrame:
        return con.execute(query(name)).df()

    # weather exists once `undercut weather pull` has run; until then no race has any
    weather = (
        frame("weather")
        if table_exists(con, "silver.race_weather")
        else pd.DataFrame(columns=["season", "round", *WEATHER_COLUMNS])
    )

    def optional(name: str, table: str, columns: list[str]) -> pd.DataFrame:
        """A table only F1DB or OpenF1 fill: empty in a warehouse that predates it."""
        return frame(name) if table_exists(con, table) else pd.DataFrame(columns=columns)

    return FeatureInputs(
        races=frame("races"),
        starts=frame("starts"),
        qualifying=frame("qualifying"),
        sprints=frame("sprints"),
        driver_standings=frame("driver_standings"),
        constructor_standings=frame("constructor_standings"),
        driver_elo=frame("driver_elo"),
        constructor_elo=frame("constructor_elo"),
        drivers=frame("drivers"),
        weather=weather,
        practice=optional(
            "practice",
            "silver.practice_results",
            [*PRACTICE_KEY, "constructor_id", "best_lap_ms", "laps", "long_run_ms"],
        ),
        sprint_qualifying=optional(
            "sprint_qualifying",
            "silver.sprint_qualifying_results",
            ["season", "round", "driver_id", "sq_position", "sq_best_ms"],
        ),
        starting_grids=optional(
            "starting_grids",
            "silver.starting_grids",
            ["season", "round", "driver_id", "constructor_id", "grid"],
        ),
    )


def load_inputs(settings: Settings) -> FeatureInputs:
    """Open the home's warehouse read-only and read the feature inputs.

    A plain read-only connection (no macros to install) so that predictions can run while
    another process holds the warehouse open.
    """
    path = settings.warehouse_path
    if not path.exists():
        raise WarehouseError(f"{path}: no warehouse yet; run `undercut ingest archive` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return read_inputs(con)
    finally:
        con.close()
