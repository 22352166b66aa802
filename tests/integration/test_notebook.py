"""``undercut.open()``: the warehouse as pandas/Arrow for notebooks, strictly read-only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import undercut
from undercut.config import Settings
from undercut.errors import InputError, WarehouseError

pytestmark = pytest.mark.xdist_group("built")


@pytest.fixture(scope="module")
def wh(built_settings: Settings) -> undercut.notebook.Warehouse:
    return undercut.open(built_settings.home)


def test_table_is_a_dataframe_and_arrow_an_arrow_table(wh: undercut.notebook.Warehouse) -> None:
    frame = wh.table("gold.driver_summary")
    assert isinstance(frame, pd.DataFrame)
    hamilton = frame.set_index("driver_id").loc["hamilton"]
    assert (hamilton["wins"], hamilton["poles"], hamilton["championships"]) == (105, 104, 7)
    table = wh.arrow("gold.driver_elo_history")
    assert isinstance(table, pa.Table)
    assert {"driver_id", "rating_before", "rating_after"} <= set(table.column_names)
    # A bare name means the gold table.
    assert len(wh.table("driver_summary")) == len(frame)


def test_sql_with_parameters(wh: undercut.notebook.Warehouse) -> None:
    by_position = wh.sql(
        "select wins, points from gold.driver_season_summary where driver_id = ? and season = ?",
        ["max_verstappen", 2023],
    )
    by_name = wh.sql(
        "select wins, points from gold.driver_season_summary "
        "where driver_id = $driver and season = $season",
        {"driver": "max_verstappen", "season": 2023},
    )
    assert (
        by_position.to_dict("records")
        == by_name.to_dict("records")
        == [{"wins": 19, "points": 575.0}]
    )
    assert "gold.race_summaries" in wh.tables()


@pytest.mark.parametrize(
    "statement",
    [
        "create table gold.scratch as select 1 as x",
        "delete from gold.driver_summary",
        "insert into gold.driver_summary (driver_id) values ('me')",
        "drop table gold.driver_summary",
        "copy gold.driver_summary to '/tmp/out.csv'",
        "attach ':memory:' as other",
        "select 1; delete from gold.driver_summary",
    ],
)
def test_writes_are_refused(wh: undercut.notebook.Warehouse, statement: str) -> None:
    with pytest.raises(InputError, match=r"read-only|one statement"):
        wh.sql(statement)
    assert len(wh.table("gold.driver_summary")) > 800


def test_unknown_tables_and_bad_queries_are_input_errors(
    wh: undercut.notebook.Warehouse,
) -> None:
    with pytest.raises(InputError, match=r"did you mean gold\.driver_summary"):
        wh.table("gold.driver_sumary")
    with pytest.raises(InputError, match="not found"):
        wh.arrow("gold.no_such_table")
    with pytest.raises(InputError, match="Parser Error"):
        wh.sql("selct 1")


def test_open_reads_undercut_home_and_fails_clearly_without_a_warehouse(
    built_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNDERCUT_HOME", built_settings.home)
    assert undercut.open().path == built_settings.warehouse_path
    with pytest.raises(WarehouseError, match="no warehouse yet"):
        undercut.open(str(tmp_path / "empty"))
