"""Incremental gold builds: one new race rebuilds only what depends on it, and the result
equals a full build (the Elo continuation itself: tests/unit/test_elo_continuation.py)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pytest

from support.homes import copy_home
from undercut.config import Settings
from undercut.warehouse.build import BuildResult, build_gold

pytestmark = pytest.mark.xdist_group("built")


def _race_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Silver tables keyed by race (the calendar itself is known before the race)."""
    rows = con.execute("""select table_name from information_schema.columns
        where table_schema = 'silver' and column_name in ('season', 'round')
        group by table_name having count(*) = 2 and table_name <> 'races'""").fetchall()
    return [r[0] for r in rows]


def withhold_last_race(settings: Settings) -> dict[str, pa.Table]:
    """Delete the newest race's rows from silver; returns them for ``give_back``."""
    with duckdb.connect(str(settings.warehouse_path)) as con:
        season, rnd = con.execute("""select season, round from silver.race_results
            order by season desc, round desc limit 1""").fetchall()[0]
        saved = {}
        for name in _race_tables(con):
            where = f"where season = {season} and round = {rnd}"
            saved[name] = con.sql(f"select * from silver.{name} {where}").to_arrow_table()
            con.execute(f"delete from silver.{name} {where}")
    return saved


def give_back(settings: Settings, saved: dict[str, pa.Table]) -> None:
    """The race arrives: its rows go back into silver, as an update would load them."""
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for name, rows in saved.items():
            con.register("_rows", rows)
            con.execute(f"insert into silver.{name} select * from _rows")
            con.unregister("_rows")


@dataclass
class Incremental:
    settings: Settings
    without: BuildResult
    with_race: BuildResult
    again: BuildResult


@pytest.fixture(scope="module")
def incremental(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Incremental:
    settings = copy_home(built_settings, tmp_path_factory.mktemp("incremental") / "home")
    saved = withhold_last_race(settings)
    without = build_gold(settings)
    give_back(settings, saved)
    with_race = build_gold(settings)
    return Incremental(settings, without, with_race, build_gold(settings))


def test_one_new_race_rebuilds_only_what_depends_on_it(incremental: Incremental) -> None:
    result = incremental.with_race
    assert result.status == "built"
    assert {
        "race_starts",
        "driver_standings",
        "driver_elo_history",
        "constructor_elo_history",
        "driver_summary",
    } <= set(result.rebuilt)
    # The points systems and published corrections read no race data: not rebuilt.
    assert {"scoring_rules", "scoring_points", "result_corrections"} <= set(result.skipped)
    assert set(result.rebuilt) | set(result.skipped) == set(result.row_counts)
    # Season-keyed models rebuild the new race's season only.
    newest = max(result.partial["race_starts"])
    assert {
        "scored_results",
        "driver_standings",
        "constructor_standings",
        "driver_season_summary",
    } <= set(result.partial)
    assert all(seasons == [newest] for seasons in result.partial.values())
    assert incremental.again.status == "up_to_date"


def test_incremental_gold_equals_the_full_build(
    incremental: Incremental, built_settings: Settings
) -> None:
    with duckdb.connect(":memory:") as con:
        for alias, settings in (("whole", built_settings), ("inc", incremental.settings)):
            path = str(settings.warehouse_path).replace("'", "''")
            con.execute(f"attach '{path}' as {alias} (read_only)")
        names = [
            r[0]
            for r in con.execute("""select table_name from information_schema.tables
            where table_catalog = 'whole' and table_schema = 'gold'""").fetchall()
        ]
        assert len(names) == len(incremental.with_race.row_counts)
        different = {}
        for name in names:
            # Sums of doubles may differ in the last bits between two runs (parallel
            # aggregation order): compare them to 1e-9.
            columns = ", ".join(
                f"round({c}, 9)" if t == "DOUBLE" else c
                for c, t in con.execute(
                    """select column_name, data_type from information_schema.columns
                    where table_catalog = 'whole' and table_schema = 'gold'
                        and table_name = ? order by ordinal_position""",
                    [name],
                ).fetchall()
            )
            counts = con.execute(f"""select
                (select count(*) from (select {columns} from whole.gold.{name} except all
                                       select {columns} from inc.gold.{name})),
                (select count(*) from (select {columns} from inc.gold.{name} except all
                                       select {columns} from whole.gold.{name}))
                """).fetchall()[0]
            if counts != (0, 0):
                different[name] = counts
    assert different == {}
