"""The query parameters every ``/api/v1`` resource shares (the documents themselves come
from ``undercut.serving.v1``)."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.datastructures import DefaultPlaceholder
from pydantic import TypeAdapter

from undercut.api.deps import DeferredReader
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


class ReadRouter(APIRouter):
    """An ``APIRouter`` whose sync routes with a ``response_model`` encode their answer in
    the worker thread that computed it.

    FastAPI runs a sync endpoint in its thread pool and then hops to the pool once more to
    validate the result against the response model, before encoding it on the event loop.
    Under load each hop queues behind every other request, and the reads of ``/api/v1``
    waited visibly longer than the Ergast API's (one hop) for the same work. The response
    is what FastAPI would send: validated against the model, encoded by pydantic, by alias.
    A reader opened in that thread (``DeferredReader``) is closed there too.
    """

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model: Any = kwargs.get("response_model")
        declared = model is not None and not isinstance(model, DefaultPlaceholder)
        if declared and not inspect.iscoroutinefunction(endpoint):
            endpoint = _encoded(endpoint, TypeAdapter(model))
        super().add_api_route(path, endpoint, **kwargs)


def _encoded(endpoint: Callable[..., Any], adapter: TypeAdapter[Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def encoded(*args: Any, **kwargs: Any) -> Any:
        try:
            value = endpoint(*args, **kwargs)
        finally:  # a connection goes back from the thread that used it, never waits for one
            for argument in kwargs.values():
                if isinstance(argument, DeferredReader):
                    argument.close()
        if isinstance(value, Response):
            return value
        body = adapter.dump_json(adapter.validate_python(value), by_alias=True)
        return Response(body, media_type="application/json")

    return encoded
