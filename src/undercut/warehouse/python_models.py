"""Gold tables built in Python where SQL is the wrong tool: sequential rating updates."""

from __future__ import annotations

from itertools import groupby

import duckdb
import pyarrow as pa

from undercut.ratings import elo
from undercut.warehouse.models import Model

_DRIVER_FINISHES = """
    select season, round, race_date, driver_id, position_order
    from gold.race_starts
    order by race_date, season, round, position_order
"""

# A constructor's place in a race is that of its best-placed car.
_CONSTRUCTOR_FINISHES = """
    select season, round, race_date, constructor_id, min(position_order) as position_order
    from gold.race_starts
    group by season, round, race_date, constructor_id
    order by race_date, season, round, position_order
"""


def _races(con: duckdb.DuckDBPyConnection, sql: str) -> list[elo.Race]:
    rows = con.execute(sql).fetchall()
    races = []
    for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        entries = list(group)
        races.append(elo.Race(key, [e[3] for e in entries], [float(e[4]) for e in entries]))
    return races


def _history_table(ratings: list[elo.Rating], id_column: str) -> pa.Table:
    return pa.table({
        "season": pa.array([r.key[0] for r in ratings], pa.int32()),
        "round": pa.array([r.key[1] for r in ratings], pa.int32()),
        "race_date": pa.array([r.key[2] for r in ratings], pa.date32()),
        id_column: pa.array([r.competitor for r in ratings], pa.string()),
        "rating_before": pa.array([r.rating_before for r in ratings], pa.float64()),
        "rating_after": pa.array([r.rating_after for r in ratings], pa.float64()),
        "rating_change": pa.array([r.rating_after - r.rating_before for r in ratings],
                                  pa.float64()),
        "races_before": pa.array([r.races_before for r in ratings], pa.int32()),
        "finish_order": pa.array([int(r.finish) for r in ratings], pa.int32()),
        "field_size": pa.array([r.field_size for r in ratings], pa.int32()),
    })


def driver_elo_history(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Driver Elo before/after every race started (see ``undercut.ratings.elo``)."""
    return _history_table(list(elo.history(_races(con, _DRIVER_FINISHES))), "driver_id")


def constructor_elo_history(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Constructor Elo before/after every race, scored by each team's best car."""
    return _history_table(list(elo.history(_races(con, _CONSTRUCTOR_FINISHES))),
                          "constructor_id")


PYTHON_MODELS = [
    Model("driver_elo_history", frozenset({"gold.race_starts"}), build=driver_elo_history,
          origin=f"{__name__}.driver_elo_history"),
    Model("constructor_elo_history", frozenset({"gold.race_starts"}),
          build=constructor_elo_history, origin=f"{__name__}.constructor_elo_history"),
]
