"""Queries shared by both serving back ends: named ``:param`` placeholders, portable SQL.

Queries live in ``serving/queries/*.sql`` and are written in the subset of SQL that both
DuckDB and PostgreSQL understand, so the embedded and production profiles run the same
text. ``duckdb_params`` rewrites ``:name`` to DuckDB's ``$name`` (leaving ``::`` casts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

QUERIES = Path(__file__).parent / "queries"
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


_INCLUDE = re.compile(r"^\s*-- @(\w+)\s*$", re.MULTILINE)


@cache
def query(name: str, available: frozenset[str] = frozenset()) -> str:
    """The text of ``queries/<name>.sql``.

    A line ``-- @other`` includes a derived relation: the table ``gold.other`` when the
    served warehouse has it (``available``), else the fallback query ``other.sql``, so
    routes use the gold models as soon as they are built without depending on them.
    """
    text = (QUERIES / f"{name}.sql").read_text()

    def include(match: re.Match[str]) -> str:
        other = match.group(1)
        if f"gold.{other}" in available:
            return f"select * from gold.{other}"
        return _strip_comments(query(other, available))

    return _INCLUDE.sub(include, text)


def param_names(sql: str) -> list[str]:
    return list(dict.fromkeys(_PARAM.findall(_strip_comments(sql))))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def duckdb_params(sql: str, params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """Rewrite placeholders for DuckDB and keep only the parameters the query uses."""
    body = _strip_comments(sql)
    names = param_names(body)
    given = dict(params or {})
    return _PARAM.sub(r"$\1", body), {name: given.get(name) for name in names}
