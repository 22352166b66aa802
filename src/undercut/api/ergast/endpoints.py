"""Each Ergast endpoint as configuration: its SQL, the filters it accepts, how rows nest.

A request goes path -> ``ErgastQuery`` (grammar) -> ``Endpoint`` (here) -> SQL parameters
-> one page of rows -> Ergast items as JSON text (most rendered once per served copy,
``serving.ergast_wire``) -> ``MRData`` (envelope). The SQL lives in ``sql/``, one file
per endpoint, all sharing ``sql/_scope.sql`` (what the filters select); every filter is
a bound parameter that is NULL when the path does not give it. Queries run
through a ``Run`` function: on the DuckDB warehouse snapshot (embedded profile) or on the
copy ``undercut publish`` keeps in PostgreSQL (production profile, see ``dialect``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from undercut.api.ergast.grammar import (
    CRITERIA_NAMES,
    NUMERIC_FILTERS,
    ErgastPathError,
    ErgastQuery,
    check_numeric,
)
from undercut.api.ergast.query_text import specialised
from undercut.serving import ergast_wire as wire
from undercut.serving.dialect import PARAMETER, postgresql
from undercut.sql import SqlFolder

Row = dict[str, Any]
# Rows -> the page's items, each as JSON text.
Shape = Callable[[list[Row]], list[str]]
Build = Callable[[Row], wire.Item]
# Runs one Ergast query (``$name`` parameters) and returns its rows.
Run = Callable[[str, Mapping[str, Any]], list[Row]]

SQL = SqlFolder(Path(__file__).parent / "sql")

RACE_FILTERS = frozenset({"season", "round", "circuit"})
ENTRY_FILTERS = frozenset({"constructor", "driver", "grid", "position", "fastest", "status"})
# The filters on a race entry's own outcome (qualifying applies them to the driver's entry).
RESULT_FILTERS = frozenset({"grid", "position", "fastest", "status"})
LIST_FILTERS = RACE_FILTERS | ENTRY_FILTERS
PARAMETERS = (
    *CRITERIA_NAMES,
    "sprint_position",
    "qualifying_position",
)


def _item(build: Build | None) -> Callable[[Row], str]:
    """A row's item: built from its columns, or the one its table rendered (``item``)."""
    if build is None:
        return lambda row: row["item"]
    return lambda row: wire.dumps(build(row))


def flat(build: Build | None = None) -> Shape:
    """One item per row."""
    item = _item(build)
    return lambda rows: [item(row) for row in rows]


def by_race(key: str, build: Build | None = None) -> Shape:
    """Rows of consecutive races nested under each race header (``Races[].Results``), the
    header rendered with the race (``race_item``)."""
    item = _item(build)

    def shape(rows: list[Row]) -> list[str]:
        return [
            wire.with_key(members[0]["race_item"], key, wire.array([item(row) for row in members]))
            for members in _by_round(rows)
        ]

    return shape


def _by_round(rows: list[Row]) -> list[list[Row]]:
    """Consecutive rows of one (season, round)."""
    return [
        list(group) for _, group in groupby(rows, key=lambda row: (row["season"], row["round"]))
    ]


def laps_by_race(rows: list[Row]) -> list[str]:
    """Lap timings nested twice: under the race, then under the lap number."""
    races = []
    for members in _by_round(rows):
        laps = [
            wire.dumps(
                {"number": wire.text(number), "Timings": [wire.timing(row) for row in timings]}
            )
            for number, timings in groupby(members, key=lambda row: row["lap"])
        ]
        races.append(wire.with_key(members[0]["race_item"], "Laps", wire.array(laps)))
    return races


def standings(key: str) -> Shape:
    """Rendered standings nested under the (season, round) they are the standings after."""

    def shape(rows: list[Row]) -> list[str]:
        return [
            wire.with_key(_round_header(members[0]), key, wire.array([r["item"] for r in members]))
            for members in _by_round(rows)
        ]

    return shape


def _round_header(row: Row) -> str:
    return wire.dumps({"season": wire.text(row["season"]), "round": wire.text(row["round"])})


@dataclass(frozen=True)
class Endpoint:
    """What one Ergast endpoint is: the SQL file, the table and list names in MRData, the
    filters it accepts, what its final path value filters on and what it requires."""

    name: str
    table: str
    items: str
    shape: Shape
    filters: frozenset[str]
    final: str | None = None
    required: tuple[str, ...] = ()
    hidden: frozenset[str] = field(default_factory=frozenset)


ENDPOINTS: dict[str, Endpoint] = {
    endpoint.name: endpoint
    for endpoint in (
        Endpoint(
            "seasons",
            "SeasonTable",
            "Seasons",
            flat(wire.season),
            LIST_FILTERS | {"driver_standing", "constructor_standing"},
        ),
        Endpoint(
            "circuits",
            "CircuitTable",
            "Circuits",
            flat(wire.circuit),
            LIST_FILTERS,
            final="circuit",
        ),
        Endpoint("races", "RaceTable", "Races", flat(), LIST_FILTERS),
        Endpoint(
            "drivers",
            "DriverTable",
            "Drivers",
            flat(),
            LIST_FILTERS | {"driver_standing"},
            final="driver",
        ),
        Endpoint(
            "constructors",
            "ConstructorTable",
            "Constructors",
            flat(wire.constructor),
            LIST_FILTERS | {"constructor_standing"},
            final="constructor",
        ),
        Endpoint(
            "status", "StatusTable", "Status", flat(wire.status), LIST_FILTERS, final="status"
        ),
        Endpoint(
            "results",
            "RaceTable",
            "Races",
            by_race("Results"),
            LIST_FILTERS,
            final="position",
        ),
        Endpoint(
            "sprint",
            "RaceTable",
            "Races",
            by_race("SprintResults"),
            LIST_FILTERS,
            final="sprint_position",
            hidden=frozenset({"sprint_position"}),
        ),
        Endpoint(
            "qualifying",
            "RaceTable",
            "Races",
            by_race("QualifyingResults"),
            LIST_FILTERS,
            final="qualifying_position",
            hidden=frozenset({"qualifying_position"}),
        ),
        Endpoint(
            "pitstops",
            "RaceTable",
            "Races",
            by_race("PitStops", wire.pit_stop),
            LIST_FILTERS | {"lap"},
            final="stop",
            required=("season", "round"),
        ),
        Endpoint(
            "laps",
            "RaceTable",
            "Races",
            laps_by_race,
            LIST_FILTERS,
            final="lap",
            required=("season", "round"),
            hidden=frozenset({"lap"}),
        ),
        Endpoint(
            "driverstandings",
            "StandingsTable",
            "StandingsLists",
            standings("DriverStandings"),
            frozenset({"season", "round", "driver"}),
            final="driver_standing",
        ),
        Endpoint(
            "constructorstandings",
            "StandingsTable",
            "StandingsLists",
            standings("ConstructorStandings"),
            frozenset({"season", "round", "constructor"}),
            final="constructor_standing",
        ),
    )
}


@cache
def load_sql(name: str) -> str:
    """An endpoint's query with the shared scope CTEs (``-- @_scope``) included."""
    return SQL.text(name)


def _used(sql: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    names = set(PARAMETER.findall(sql))
    return {name: value for name, value in parameters.items() if name in names}


def duckdb_run(con: duckdb.DuckDBPyConnection) -> Run:
    """Ergast queries on a DuckDB connection (the warehouse snapshot)."""

    def run(sql: str, parameters: Mapping[str, Any]) -> list[Row]:
        cursor = con.execute(sql, _used(sql, parameters))
        columns = [column[0] for column in cursor.description or []]
        return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]

    return run


def postgresql_run(connection: sa.Connection) -> Run:
    """Ergast queries on the published copy in PostgreSQL."""

    def run(sql: str, parameters: Mapping[str, Any]) -> list[Row]:
        result = connection.execute(sa.text(_postgresql(sql)), _used(sql, parameters))
        return [dict(row) for row in result.mappings()]

    return run


@cache
def _postgresql(sql: str) -> str:
    return postgresql(sql)


@dataclass(frozen=True)
class Resolved:
    """A query made concrete: the endpoint, the SQL parameters, the MRData criteria."""

    endpoint: Endpoint
    parameters: dict[str, Any]
    criteria: dict[str, str]


def resolve(query: ErgastQuery, path: str, run: Run) -> Resolved:
    """Check the query against its endpoint and turn its values into SQL parameters.

    ``current`` becomes the latest season under way (its first race on or before today; a
    schedule published ahead of the season does not make it current); ``last`` the latest
    round of the season with a result, ``next`` the first without one (or round 1 of the
    next season).
    """
    endpoint = ENDPOINTS[query.endpoint]
    values = dict(query.filters)
    unsupported = set(values) - endpoint.filters
    if unsupported:
        raise ErgastPathError(400, "Bad Request: Unsupported filter for endpoint.")
    if query.final_value is not None:
        if endpoint.final is None:
            raise ErgastPathError(400, "Bad Request: Endpoint does not support final filter.")
        if endpoint.final in values:
            raise ErgastPathError(
                400, f"Bad Request: the '{query.endpoint}' filter is given twice."
            )
        values[endpoint.final] = query.final_value
    missing = [name for name in endpoint.required if name not in values]
    if missing:
        raise ErgastPathError(
            400, f"Bad Request: Missing one of the required parameters {list(endpoint.required)}."
        )

    parameters: dict[str, Any] = dict.fromkeys(PARAMETERS)
    if "season" in values:
        season = values["season"]
        if season == "current":
            (row,) = run(_CURRENT_SEASON, {})
            season = str(row["season"]) if row["season"] is not None else "0"
        values["season"] = season
        parameters["season"] = int(season)
    if "round" in values:
        values["season"], values["round"] = _resolve_round(
            run, int(values["season"]), values["round"]
        )
        parameters["season"] = int(values["season"])
        parameters["round"] = int(values["round"])
    for name, value in values.items():
        if name in NUMERIC_FILTERS:
            parameters[name] = check_numeric(name, value, path)
        elif name not in ("season", "round"):
            parameters[name] = value
    if parameters["fastest"] == 0:
        # Ergast reads fastest/0 as "any rank" (the criteria still echo the 0).
        parameters["fastest"] = None
    given = set(query.filters)
    parameters["by_race"] = _flag(given & RACE_FILTERS)
    parameters["by_entry"] = _flag(given & ENTRY_FILTERS)
    parameters["by_any"] = _flag(given & LIST_FILTERS)
    parameters["by_result"] = _flag(any(parameters[name] is not None for name in RESULT_FILTERS))
    parameters["no_round"] = _flag(parameters["round"] is None)
    criteria = {
        wire_name: str(int(values[name]) if name in NUMERIC_FILTERS else values[name])
        for name, wire_name in CRITERIA_NAMES.items()
        if name in values and name not in endpoint.hidden
    }
    return Resolved(endpoint, parameters, criteria)


def _flag(value: object) -> bool | None:
    """True or NULL, never False: the query text drops a filter whose flag is NULL, as it
    drops an absent filter (``query_text``)."""
    return True if value else None


_CURRENT_SEASON = """
    select coalesce(max(season) filter (where first_race <= current_date), min(season))
        as season
    from (select season, min(race_date) as first_race from silver.races group by season)
        as seasons
"""


def _resolve_round(run: Run, season: int, round_: str) -> tuple[str, str]:
    if round_ == "last":
        (row,) = run(
            "select max(round) as round from silver.race_results where season = $season",
            {"season": season},
        )
        return str(season), str(row["round"] if row["round"] is not None else 0)
    if round_ == "next":
        (row,) = run(
            """
            select min(ra.round) as round from silver.races as ra
            where ra.season = $season and not exists (
                select 1 from silver.race_results as res
                where res.season = ra.season and res.round = ra.round
            )
            """,
            {"season": season},
        )
        if row["round"] is not None:
            return str(season), str(row["round"])
        return str(season + 1), "1"
    return str(season), str(int(round_))


# Every endpoint query ends in ``select * from final order by ...``; the page query also
# counts the whole listing in the same pass (a window over the rows before LIMIT): one
# query to plan instead of two, and planning costs more than running them (~30% less CPU).
_FINAL = "select * from final"
_COUNTED = "select *, count(*) over () as listing_total from final"


def fetch_page(run: Run, resolved: Resolved, limit: int, offset: int) -> tuple[int, list[str]]:
    """The total number of rows and one page of Ergast items (JSON text)."""
    given = [name for name, value in resolved.parameters.items() if value is not None]
    whole = load_sql(resolved.endpoint.name)
    # Counted before specialising: the text of ``final`` may be nested after that.
    counted = whole.replace(_FINAL, _COUNTED) + "\nlimit $page_limit offset $page_offset"
    rows = run(
        specialised(counted, given),
        {**resolved.parameters, "page_limit": limit, "page_offset": offset},
    )
    if rows:
        total = int(rows[0]["listing_total"])
    elif offset == 0:
        total = 0
    else:  # a page past the end: count on its own
        sql = specialised(whole, given)
        (row,) = run("select count(*) as total from (" + sql + ") as counted", resolved.parameters)
        total = int(row["total"])
    return total, resolved.endpoint.shape(rows)
