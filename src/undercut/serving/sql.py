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


@cache
def query(name: str) -> str:
    """The text of ``queries/<name>.sql``.

    Facts (careers, seasons, standings, circuits) are defined once, in the gold tables;
    a serving query only selects and renames them, so a served warehouse is a built one.
    """
    return (QUERIES / f"{name}.sql").read_text()


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
