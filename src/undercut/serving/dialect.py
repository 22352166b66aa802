"""DuckDB SQL on PostgreSQL (production profile): the Ergast queries (``api/ergast/sql``) and
the tables derived from silver for them (``serving/derived``) are written once, for DuckDB.

They use ``$name`` parameters; PostgreSQL gets ``:name`` bound by
SQLAlchemy, cast to its type (a NULL parameter has none otherwise), and the two DuckDB
functions they use spelt its way: ``strip_accents`` (for sorting names) and a list of
structs (a driver's constructors) as a JSON array of objects. Only static query text is
rewritten; values are always bound.
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
_STRIP_ACCENTS = re.compile(r"strip_accents\((lower\([\w.]+\))\)")
_ACCENTED = "áàâäãåçéèêëíìîïñóòôöõøúùûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinoooooouuuuyy"
_STRUCT = re.compile(r"\{([^{}]*)\}")
_STRUCT_KEY = re.compile(r"'(\w+)':")


def postgresql(sql: str) -> str:
    """A DuckDB Ergast query as PostgreSQL runs it."""
    text = PARAMETER.sub(lambda m: f"cast(:{m[1]} as {PARAMETER_TYPES[m[1]]})", sql)
    text = _STRIP_ACCENTS.sub(lambda m: f"translate({m[1]}, '{_ACCENTED}', '{_PLAIN}')", text)
    text = _STRUCT.sub(lambda m: "json_build_object(" + _STRUCT_KEY.sub(r"'\1',", m[1]) + ")", text)
    return re.sub(r"\blist\(", "json_agg(", text)
