"""DuckDB SQL on PostgreSQL (production profile): the Ergast queries (``api/ergast/sql``)
are written once, for DuckDB, and read the tables DuckDB derived for them (copied to
PostgreSQL by ``undercut publish``).

They use ``$name`` parameters; PostgreSQL gets ``:name`` bound by SQLAlchemy, cast to its
type (a NULL parameter has none otherwise). Only static query text is rewritten; values
are always bound.
"""

from __future__ import annotations

import re

# The type of every parameter an Ergast query takes.
PARAMETER_TYPES = {
    "season": "integer",
    "round": "integer",
    "circuit": "text",
    "constructor": "text",
    "driver": "text",
    "grid": "integer",
    "position": "integer",
    "fastest": "integer",
    "status": "integer",
    "lap": "integer",
    "stop": "integer",
    "driver_standing": "integer",
    "constructor_standing": "integer",
    "sprint_position": "integer",
    "qualifying_position": "integer",
    "by_race": "boolean",
    "by_entry": "boolean",
    "by_any": "boolean",
    "by_result": "boolean",
    "no_round": "boolean",
    "page_limit": "bigint",
    "page_offset": "bigint",
}

PARAMETER = re.compile(r"\$([a-z_]+)")


def postgresql(sql: str) -> str:
    """A DuckDB Ergast query as PostgreSQL runs it."""
    return PARAMETER.sub(lambda m: f"cast(:{m[1]} as {PARAMETER_TYPES[m[1]]})", sql)
