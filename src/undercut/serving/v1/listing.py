"""What every ``/api/v1`` resource shares: paging, sorting, running named queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, Field

from undercut.errors import InputError, NotFoundError
from undercut.serving.derived import SCHEMA
from undercut.serving.sql import query
from undercut.serving.store import Reader

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` items match, ``items`` holds ``limit`` from
    ``offset``."""

    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int
    items: list[T]


def run(reader: Reader, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of the named query in ``serving/queries`` (gold models used when built); or of
    the table the served copy derived from it once (``serving.derived``), when there is one."""
    if reader.has_table(f"{SCHEMA}.{name}"):
        return reader.fetch(f"select * from {SCHEMA}.{name}", params)
    return reader.fetch(query(name), params)


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
        f"select *, count(*) over () as total_rows from ({query(base)}) as src "
        f"where {condition} order by {order} limit :limit offset :offset"
    )
    rows = reader.fetch(sql, {**params, "limit": limit, "offset": offset})
    if rows:
        return int(rows[0]["total_rows"]), rows
    count_sql = f"select count(*) as n from ({query(base)}) as src where {condition}"
    return int(reader.fetch(count_sql, params)[0]["n"]), []


class Condition(NamedTuple):
    """One condition of a list query and the values it binds (values never enter the SQL
    text)."""

    sql: str
    params: dict[str, Any]


def search_condition(q: str | None, columns: list[str]) -> Condition | None:
    """A case-insensitive substring filter over several columns."""
    if not q:
        return None
    pattern = "%" + q.lower().replace("\\", "").replace("%", "") + "%"
    any_column = " or ".join(f"lower(coalesce({c}, '')) like :q" for c in columns)
    return Condition(f"({any_column})", {"q": pattern})


def same_text(column: str, value: str | None) -> Condition | None:
    """``column`` equals ``value`` but for case (the parameter is named after the column)."""
    if not value:
        return None
    return Condition(f"lower({column}) = lower(:{column})", {column: value})


def entered_in(season: int | None, key: str) -> Condition | None:
    """Only the drivers or constructors (by their ``key`` column) with a race entry in
    ``season``."""
    if season is None:
        return None
    entrants = f"select {key} from silver.race_results where season = :season"
    return Condition(f"{key} in ({entrants})", {"season": season})


@dataclass(frozen=True)
class Listing:
    """A resource whose list and detail endpoints read the same named query, so that a
    detail never disagrees with its list item and ``sort`` keys, tie-breaks and the 404
    are decided in one place."""

    query: str
    key: str
    noun: str
    sorts: dict[str, str]

    def page(
        self,
        reader: Reader,
        filters: list[Condition | None],
        *,
        sort: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[dict[str, Any]]]:
        """The total matching every filter that applies, and one sorted page of rows."""
        conditions = [f for f in filters if f is not None]
        return page(
            reader,
            self.query,
            where=[c.sql for c in conditions],
            params={name: v for c in conditions for name, v in c.params.items()},
            order=order_by(sort, self.sorts, "name", self.key),
            limit=limit,
            offset=offset,
        )

    def get(self, reader: Reader, value: str) -> dict[str, Any]:
        """The row whose key is ``value`` (one per key): a plain filter, without the
        list's count and sort, which doubled the cost of a lookup."""
        rows = reader.fetch(
            f"select * from ({query(self.query)}) as src where {self.key} = :{self.key} limit 1",
            {self.key: value},
        )
        if not rows:
            raise NotFoundError(f"{self.noun} {value!r} not found")
        return rows[0]
