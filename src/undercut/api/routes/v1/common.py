"""The query parameters every ``/api/v1`` resource shares (the documents themselves come
from ``undercut.serving.v1``)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Query

from undercut.serving.v1.listing import Listing

MAX_LIMIT = 1000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
Season = Annotated[int, Query(ge=1950, le=2100)]
Search = Annotated[
    str | None, Query(max_length=100, description="Case-insensitive substring of the name or id.")
]
SeasonFilter = Annotated[
    int | None,
    Query(ge=1950, le=2100, description=("Only those with a race entry in this season.")),
]
Nationality = Annotated[
    str | None, Query(max_length=60, description="Exact nationality, e.g. `British`.")
]


def sort_param(listing: Listing) -> Any:
    """``sort``: a key of the listing's ``sorts``, ``-`` first to descend; the spec lists
    them as an enum, and anything else is refused with a 422 like any other invalid
    parameter."""
    keys = [*listing.sorts, *(f"-{key}" for key in listing.sorts)]

    def as_enum(schema: dict[str, Any]) -> None:
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "string":
                branch.pop("pattern", None)
                branch["enum"] = keys

    return Query(
        pattern="^-?(" + "|".join(re.escape(key) for key in listing.sorts) + ")$",
        json_schema_extra=as_enum,
        description=(
            "One of "
            + ", ".join(listing.sorts)
            + "; prefix `-` to sort descending. Default `name`."
        ),
    )
