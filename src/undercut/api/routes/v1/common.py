"""What every ``/api/v1`` resource shares: paging, sorting, running named queries."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from undercut.errors import InputError, NotFoundError
from undercut.serving.sql import query
from undercut.serving.store import Reader

T = TypeVar("T")

MAX_LIMIT = 1000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
Season = Annotated[int, Query(ge=1950, le=2100)]
Search = Annotated[
    str | None, Query(max_length=100, description="Case-insensitive substring of the name or id.")
]
SEASON_ENTRANTS = "select {column} from silver.race_results where season = :season"
SeasonFilter = Annotated[
    int | None,
    Query(ge=1950, le=2100, description=("Only those with a race entry in this season.")),
]
Nationality = Annotated[
    str | None, Query(max_length=60, description="Exact nationality, e.g. `British`.")
]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` items match, ``items`` holds ``limit`` from
    ``offset``."""

    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int
    items: list[T]


def run(reader: Reader, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of the named query in ``serving/queries`` (gold models used when built)."""
    return reader.fetch(query(name, reader.tables), params)


def one(reader: Reader, name: str, what: str, **params: Any) -> dict[str, Any]:
    rows = run(reader, name, **params)
    if not rows:
        raise NotFoundError(f"{what} not found")
    return rows[0]


def order_by(sort: str | None, columns: dict[str, str], default: str, tie: str) -> str:
    """``sort=-wins`` → ``wins desc``; only whitelisted names reach the SQL text."""
    key = sort or default
    descending = key.startswith("-")
    column = columns.get(key.lstrip("-+"))
    if column is None:
        raise InputError(
            f"sort: {key!r} is not one of {', '.join(sorted(columns))} (prefix - to descend)"
        )
    nulls = "nulls last"
    return f"{column} {'desc' if descending else 'asc'} {nulls}, {tie}"


def page(
    reader: Reader,
    base: str,
    *,
    where: list[str],
    params: dict[str, Any],
    order: str,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """Filter, count, sort and slice the rows of a named query in the database."""
    condition = " and ".join(where) if where else "1 = 1"
    sql = (
        f"select *, count(*) over () as total_rows from ({query(base, reader.tables)}) as src "
        f"where {condition} order by {order} limit :limit offset :offset"
    )
    rows = reader.fetch(sql, {**params, "limit": limit, "offset": offset})
    if rows:
        return int(rows[0]["total_rows"]), rows
    count_sql = f"select count(*) as n from ({query(base, reader.tables)}) as src where {condition}"
    return int(reader.fetch(count_sql, params)[0]["n"]), []


def search_condition(q: str | None, columns: list[str], params: dict[str, Any]) -> list[str]:
    """A case-insensitive substring filter over several columns (the value is a parameter)."""
    if not q:
        return []
    params["q"] = "%" + q.lower().replace("\\", "").replace("%", "") + "%"
    return ["(" + " or ".join(f"lower(coalesce({c}, '')) like :q" for c in columns) + ")"]
