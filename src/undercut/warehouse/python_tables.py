"""Gold tables built in Python where SQL is the wrong tool: sequential rating updates.

Elo is sequential, so rating one new race should not mean replaying 75 years. Each Elo
table continues from its own previous output: the races already rated whose finishing
orders are unchanged are kept as they are (with every rating), and rating resumes from
there. Any difference in an old race (a corrected result, a penalty) replays from that race
on; the build drops the previous output whenever the table's code changes or the build is
forced, so the continuation always equals a replay from the first race.
"""

from __future__ import annotations

from itertools import groupby

import duckdb
import pyarrow as pa

from undercut.ratings import elo
from undercut.warehouse import db

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


# The races in rating order, each with a hash of its (competitor, best place) entries (an
# order-free xor of the pairs; a competitor appears once per race), both
# as the input is now (``current``) and as ``gold.<table>`` rated them (``rated``).
_RACES = """
with finishes as ({finishes}),

current_entries as (
    select season, round, race_date, {id} as who, min(position_order)::integer as place
    from finishes
    group by season, round, race_date, {id}
),

current as (
    select season, round, race_date,
        row_number() over (order by race_date, season, round) as n,
        bit_xor(hash(who || '|' || place)) as entries
    from current_entries
    group by season, round, race_date
),

rated as (
    select season, round, race_date,
        row_number() over (order by race_date, season, round) as n,
        bit_xor(hash({id} || '|' || finish_order)) as entries
    from gold.{table}
    group by season, round, race_date
)
"""

# Races rated identically, counted from the first: the first difference ends the prefix.
_SAME = """
select coalesce(min(coalesce(c.n, r.n)) - 1, (select count(*) from rated))
from current as c
full outer join rated as r on r.n = c.n
where c.season is distinct from r.season or c.round is distinct from r.round
    or c.race_date is distinct from r.race_date or c.entries is distinct from r.entries
"""


def _sql(template: str, finishes: str, table: str, id_column: str) -> str:
    return (_RACES + template).format(finishes=finishes, table=table, id=id_column)


def _rated_prefix(con: duckdb.DuckDBPyConnection, finishes: str, table: str, id_column: str) -> int:
    """How many races, from the first, ``gold.<table>`` already rated with the finishing
    orders they have now."""
    if not db.table_exists(con, f"gold.{table}"):
        return 0
    rows = con.execute(_sql(_SAME, finishes, table, id_column)).fetchall()
    return int(rows[0][0])


def _continued_history(
    con: duckdb.DuckDBPyConnection, finishes: str, table: str, id_column: str
) -> pa.Table:
    same = _rated_prefix(con, finishes, table, id_column)
    if same == 0:
        return _history_table(list(elo.history(_races(con, finishes))), id_column)
    kept = con.sql(
        _sql(
            "select t.* from gold.{table} as t inner join rated as r using (season, round, "
            f"race_date) where r.n <= {same}",
            finishes,
            table,
            id_column,
        )
    ).to_arrow_table()
    state = {
        str(who): (float(rating), int(count))
        for who, rating, count in con.execute(
            _sql(
                "select {id}, arg_max(rating_after, r.n), count(*) from gold.{table} as t "
                f"inner join rated as r using (season, round, race_date) where r.n <= {same} "
                "group by {id}",
                finishes,
                table,
                id_column,
            )
        ).fetchall()
    }
    new_finishes = _sql(
        "select f.* from finishes as f inner join current as c using (season, round, "
        f"race_date) where c.n > {same} order by f.race_date, f.season, f.round, "
        "f.position_order",
        finishes,
        table,
        id_column,
    )
    new = _history_table(list(elo.history(_races(con, new_finishes), initial=state)), id_column)
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

# table: (build, what it reads, modules whose source counts as its code)
PYTHON_TABLES = {
    "driver_elo_history": (
        driver_elo_history,
        frozenset({"gold.race_starts"}),
        (__name__, elo.__name__),
    ),
    "constructor_elo_history": (
        constructor_elo_history,
        frozenset({"gold.race_starts"}),
        (__name__, elo.__name__),
    ),
}
