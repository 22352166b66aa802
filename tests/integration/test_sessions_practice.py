"""Practice from OpenF1: classification and long-run pace beside F1DB's rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from support.f1db import mini_tree
from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer
from support.replay import openf1_replay
from undercut.config import Settings
from undercut.ingest.f1db import ingest_f1db
from undercut.ingest.sessions import pull_sessions

pytestmark = pytest.mark.usefixtures("local_mirrors")
LATER = datetime(2024, 1, 1)


def test_practice_results_and_long_runs_land_beside_f1db(
    f1db_settings: Settings, f1db_dir: Path, tmp_path: Path
) -> None:
    home = copy_home(f1db_settings, tmp_path / "home")
    with LocalServer(fallback=openf1_replay()) as server:
        result = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER, practice=True)
        paths = [p for p, _ in server.requests]
    assert "/v1/session_result?session_key=7763" in paths
    assert not any("session_result?session_key=7953" in p for p in paths)  # a race: Ergast's
    assert result.row_counts["practice_results"] == 4
    rows = warehouse_rows(
        home,
        "select driver_id, position, best_lap_ms, gap_ms, laps, long_run_ms, long_run_laps "
        "from silver.practice_results where source = 'openf1' order by position",
    )
    # Long runs (hand-made laps): Verstappen 8 clean medium laps 97.0 s + 0.1 s a lap,
    # corrected +60 ms a lap of fuel, -40 ms a lap of tyre age (new tyres): median 97.380 s;
    # Alonso's (tyres 2 laps old, +0.05 s a lap) 97.625 s; Perez's run has 4 clean laps.
    assert rows == [
        ("perez", 1, 92758, 0, 23, None, None),
        ("alonso", 2, 93196, 438, 22, 97625, 8),
        ("max_verstappen", 3, 93375, 617, 21, 97380, 8),
        ("hamilton", 10, 94917, 2159, 13, None, None),  # the best of a list of times
    ]
    # The same session from F1DB agrees on the best laps, and both stay after a reload.
    ingest_f1db(home, str(mini_tree(f1db_dir, tmp_path / "f1db", ["2023/01-bahrain"])))
    both = warehouse_rows(
        home,
        "select o.driver_id, o.best_lap_ms = f.best_lap_ms from silver.practice_results as o "
        "inner join silver.practice_results as f using (season, round, session, driver_id) "
        "where o.source = 'openf1' and f.source = 'f1db' order by 1",
    )
    assert both == [
        ("alonso", True),
        ("hamilton", True),
        ("max_verstappen", True),
        ("perez", True),
    ]
