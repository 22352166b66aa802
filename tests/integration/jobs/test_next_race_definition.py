"""Which race is next (and which was last) is defined once: ``undercut predict --next``, the
scheduler, ``/api/v1/next-race`` and the dashboard all name the same race."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from undercut.config import Settings
from undercut.jobs import probes
from undercut.serving.store import DuckReader
from undercut.serving.v1.listing import run


@pytest.fixture
def con_missing_one_race(loaded_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The real calendar and results, but an old race's results missing (a race the
    calendar still lists that never got a result, or one whose results were not loaded)."""
    con = duckdb.connect()
    con.execute(f"attach '{loaded_settings.warehouse_path}' as wh (read_only)")
    con.execute("create schema silver")
    tables = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'wh' and table_schema = 'silver'"
    ).fetchall()
    for (table,) in tables:
        con.execute(f'create table silver."{table}" as select * from wh.silver."{table}"')
    con.execute("delete from silver.race_results where season = 2024 and round = 5")
    yield con
    con.close()


def test_the_next_and_last_race_are_the_same_everywhere(
    con_missing_one_race: duckdb.DuckDBPyConnection,
) -> None:
    con = con_missing_one_race
    reader = DuckReader(con, frozenset({"silver.races", "silver.race_results"}))
    weekend = probes.next_race(con)
    assert weekend is not None and (weekend.season, weekend.round) == (2025, 19)
    (served,) = run(reader, "next_race")
    assert (served["season"], served["round"]) == (2025, 19)
    (last,) = run(reader, "last_race")
    assert (last["season"], last["round"]) == probes.latest_result(con) == (2025, 18)
