"""Elo history continued from its previous output equals a replay from the first race."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from undercut.warehouse import python_tables

DRIVERS = ["ann", "bob", "cat", "dan", "eve"]


def _starts(con: duckdb.DuckDBPyConnection, races: int, *, shuffle: int = 0) -> None:
    """``races`` hand-made races; race ``i`` finishes in a rotated order."""
    rows = []
    for i in range(races):
        order = DRIVERS[(i * 2 + shuffle) % 5 :] + DRIVERS[: (i * 2 + shuffle) % 5]
        for place, driver in enumerate(order, start=1):
            rows.append(
                (
                    2000 + i // 3,
                    i % 3 + 1,
                    dt.date(2000 + i // 3, 3, 1 + i % 3 * 7),
                    driver,
                    f"team_{DRIVERS.index(driver) % 3}",
                    place,
                )
            )
    con.execute(
        "create or replace table gold.race_starts (season integer, round integer, "
        "race_date date, driver_id varchar, constructor_id varchar, "
        "position_order integer)"
    )
    con.executemany("insert into gold.race_starts values (?, ?, ?, ?, ?, ?)", rows)


def _store(con: duckdb.DuckDBPyConnection, table: pa.Table, name: str) -> None:
    con.register("_out", table)
    con.execute(f"create or replace table gold.{name} as select * from _out")
    con.unregister("_out")


def _sorted(table: pa.Table, key: str) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda r: (r["race_date"], r[key]))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    connection.execute("create schema gold")
    yield connection
    connection.close()


@pytest.mark.parametrize(
    "build, name, key",
    [
        (python_tables.driver_elo_history, "driver_elo_history", "driver_id"),
        (python_tables.constructor_elo_history, "constructor_elo_history", "constructor_id"),
    ],
)
def test_new_races_continue_and_changed_races_replay(
    con: duckdb.DuckDBPyConnection, build, name: str, key: str
) -> None:
    _starts(con, 7)
    _store(con, build(con), name)
    _starts(con, 9)  # two new races
    finishes = python_tables.FINISHES[name]
    assert python_tables._rated_prefix(con, finishes, name, key) == 7
    continued = build(con)
    con.execute(f"drop table gold.{name}")
    replayed = build(con)
    assert _sorted(continued, key) == _sorted(replayed, key)
    assert continued.num_rows > 7 * 3

    _store(con, continued, name)
    _starts(con, 9, shuffle=1)  # every old race corrected: nothing may be kept
    assert python_tables._rated_prefix(con, finishes, name, key) == 0
    corrected = build(con)
    con.execute(f"drop table gold.{name}")
    assert _sorted(corrected, key) == _sorted(build(con), key)
    assert _sorted(corrected, key) != _sorted(replayed, key)
