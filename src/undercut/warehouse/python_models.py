"""Gold tables built in Python where SQL is the wrong tool: sequential rating updates.

Elo is sequential, so rating one new race should not mean replaying 75 years. Each Elo
model continues from its own previous output: the races already rated whose finishing
orders are unchanged are kept as they are (with every rating), and rating resumes from
there. Any difference in an old race (a corrected result, a penalty) replays from that race
on; the build drops the previous output whenever the model's code changes or the build is
forced, so the continuation always equals a replay from the first race.
"""

from __future__ import annotations

from itertools import groupby

import duckdb
import pyarrow as pa

from undercut.ratings import elo
from undercut.warehouse import db
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
    return pa.table(
        {
            "season": pa.array([r.key[0] for r in ratings], pa.int32()),
            "round": pa.array([r.key[1] for r in ratings], pa.int32()),
            "race_date": pa.array([r.key[2] for r in ratings], pa.date32()),
            id_column: pa.array([r.competitor for r in ratings], pa.string()),
            "rating_before": pa.array([r.rating_before for r in ratings], pa.float64()),
            "rating_after": pa.array([r.rating_after for r in ratings], pa.float64()),
            "rating_change": pa.array(
                [r.rating_after - r.rating_before for r in ratings], pa.float64()
            ),
            "races_before": pa.array([r.races_before for r in ratings], pa.int32()),
            "finish_order": pa.array([int(r.finish) for r in ratings], pa.int32()),
            "field_size": pa.array([r.field_size for r in ratings], pa.int32()),
        }
    )


def _rated_prefix(
    con: duckdb.DuckDBPyConnection, races: list[elo.Race], table: str, id_column: str
) -> tuple[int, pa.Table | None]:
    """How many of ``races`` (from the first) ``gold.<table>`` already rated with the same
    finishing orders, and those rows."""
    if not db.table_exists(con, f"gold.{table}"):
        return 0, None
    previous = con.sql(
        f"select * from gold.{table} order by race_date, season, round, finish_order, {id_column}"
    ).to_arrow_table()
    keys = zip(
        previous["season"].to_pylist(),
        previous["round"].to_pylist(),
        previous["race_date"].to_pylist(),
        strict=True,
    )
    entries = zip(
        previous[id_column].to_pylist(), previous["finish_order"].to_pylist(), strict=True
    )
    rated = [
        (key, {e for _, e in group})
        for key, group in groupby(zip(keys, entries, strict=True), key=lambda pair: pair[0])
    ]
    same = 0
    for race, (key, rated_entries) in zip(races, rated, strict=False):
        current = {(who, int(place)) for who, place in elo.best_places(race).items()}
        if tuple(race.key) != key or current != rated_entries:
            break
        same += 1
    kept_keys = {key for key, _ in rated[:same]}
    row_keys = zip(
        previous["season"].to_pylist(),
        previous["round"].to_pylist(),
        previous["race_date"].to_pylist(),
        strict=True,
    )
    mask = pa.array([key in kept_keys for key in row_keys], pa.bool_())
    return same, previous.filter(mask)


def _continued_history(
    con: duckdb.DuckDBPyConnection, finishes_sql: str, table: str, id_column: str
) -> pa.Table:
    races = _races(con, finishes_sql)
    same, kept = _rated_prefix(con, races, table, id_column)
    if kept is None or same == 0:
        return _history_table(list(elo.history(races)), id_column)
    state: dict[str, tuple[float, int]] = {}
    for who, after, before in zip(
        kept[id_column].to_pylist(),
        kept["rating_after"].to_pylist(),
        kept["races_before"].to_pylist(),
        strict=True,
    ):
        state[who] = (after, before + 1)  # rows are in race order: the last one wins
    new = _history_table(list(elo.history(races[same:], initial=state)), id_column)
    return pa.concat_tables([kept.select(new.column_names).cast(new.schema), new])


def driver_elo_history(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Driver Elo before/after every race started (see ``undercut.ratings.elo``)."""
    return _continued_history(con, _DRIVER_FINISHES, "driver_elo_history", "driver_id")


def constructor_elo_history(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Constructor Elo before/after every race, scored by each team's best car."""
    return _continued_history(
        con, _CONSTRUCTOR_FINISHES, "constructor_elo_history", "constructor_id"
    )


FINISHES = {
    "driver_elo_history": _DRIVER_FINISHES,
    "constructor_elo_history": _CONSTRUCTOR_FINISHES,
}

PYTHON_MODELS = [
    Model(
        "driver_elo_history",
        frozenset({"gold.race_starts"}),
        build=driver_elo_history,
        origin=f"{__name__}.driver_elo_history",
        modules=(__name__, elo.__name__),
    ),
    Model(
        "constructor_elo_history",
        frozenset({"gold.race_starts"}),
        build=constructor_elo_history,
        origin=f"{__name__}.constructor_elo_history",
        modules=(__name__, elo.__name__),
    ),
]
