"""Elo history tables built from the real archive."""

from __future__ import annotations

import duckdb
import pytest

from undercut.config import Settings
from undercut.ratings import elo


@pytest.fixture(scope="module")
def con(built_settings: Settings) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(built_settings.warehouse_path), read_only=True)
    yield connection
    connection.close()


def test_verstappen_is_top_rated_after_the_2023_finale(con: duckdb.DuckDBPyConnection) -> None:
    top = con.execute(
        "select driver_id from gold.driver_elo_history where season = 2023 and round = 22 "
        "order by rating_after desc limit 1"
    ).fetchone()
    assert top == ("max_verstappen",)
    team = con.execute(
        "select constructor_id from gold.constructor_elo_history "
        "where season = 2023 and round = 22 order by rating_after desc limit 1"
    ).fetchone()
    assert team == ("red_bull",)


@pytest.mark.parametrize(
    "table, key",
    [("driver_elo_history", "driver_id"), ("constructor_elo_history", "constructor_id")],
)
def test_ratings_conserve_the_mean(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    mean = con.execute(
        f"select avg(last) from (select arg_max(rating_after, race_date) as last "
        f"from gold.{table} group by {key})"
    ).fetchone()
    assert mean is not None and mean[0] == pytest.approx(elo.START)


@pytest.mark.parametrize(
    "table, key",
    [("driver_elo_history", "driver_id"), ("constructor_elo_history", "constructor_id")],
)
def test_rating_before_is_previous_rating_after(
    con: duckdb.DuckDBPyConnection, table: str, key: str
) -> None:
    broken = con.execute(
        f"select count(*) from (select rating_before, lag(rating_after) over "
        f"(partition by {key} order by race_date, season, round) as previous "
        f"from gold.{table}) where previous is not null and rating_before <> previous"
    ).fetchone()
    firsts = con.execute(
        f"select count(*), count(*) filter (where rating_before = ?) from gold.{table} "
        f"where races_before = 0",
        [elo.START],
    ).fetchone()
    assert broken == (0,)
    assert firsts is not None and firsts[0] == firsts[1] > 100


def test_one_row_per_driver_per_race_started(con: duckdb.DuckDBPyConnection) -> None:
    hamilton = con.execute(
        "select count(*), count(distinct (season, round)), max(races_before) "
        "from gold.driver_elo_history where driver_id = 'hamilton' and season <= 2024"
    ).fetchone()
    assert hamilton == (356, 356, 355)
