"""Queries shared by both serving back ends: named ``:param`` placeholders, portable SQL.

Queries live in ``serving/queries/*.sql`` and are written in the subset of SQL that both
DuckDB and PostgreSQL understand, so the embedded and production profiles run the same
text. They are read through ``undercut.sql`` (header, ``-- @name`` includes, parameters).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from undercut.sql import SqlFolder, duckdb_params, param_names

__all__ = ["QUERIES", "duckdb_params", "param_names", "query"]

QUERIES = SqlFolder(Path(__file__).parent / "queries")


@cache
def query(name: str) -> str:
    """The text of ``queries/<name>.sql``.

    Facts (careers, seasons, standings, circuits) are defined once, in the gold tables;
    a serving query only selects and renames them, so a served warehouse is a built one.
    """
    return QUERIES.text(name)
