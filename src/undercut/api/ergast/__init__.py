"""``/ergast/f1``: the Ergast API's URL grammar and JSON, served from the warehouse.

Existing Ergast and Jolpica clients (FastF1's ``fastf1.ergast``, ``ergast-py``, scripts)
work against it unchanged: the same paths, the same ``MRData`` envelope, the same paging
and the same ``400``/``404`` answers for paths Ergast refuses.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from undercut.api.ergast.endpoints import (
    Resolved,
    duckdb_run,
    fetch_page,
    postgresql_run,
    resolve,
)
from undercut.api.ergast.envelope import Window, mrdata, page_window
from undercut.api.ergast.grammar import ErgastPathError, parse_path
from undercut.api.errors import RETRY_AFTER_S
from undercut.errors import WarehouseError
from undercut.serving.store import PostgresStore, SnapshotStore

router = APIRouter(prefix="/ergast/f1", tags=["ergast"])


class ErgastError(BaseModel):
    """Ergast's own error answer: a message only."""

    detail: str = Field(description="What Ergast says about the path.")


ERGAST_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErgastError, "description": "A filter given twice, or a bad value."},
    404: {"model": ErgastError, "description": "Not an Ergast API path."},
    503: {"model": ErgastError, "description": "The warehouse is not available yet."},
}


_STORE_LOCK = threading.Lock()


def _snapshot(request: Request) -> SnapshotStore:
    """The in-memory warehouse snapshot the Ergast queries read in the embedded profile.

    The app's serving store; or, for an app whose lifespan has not run, a snapshot of the
    Ergast API's own, made on first use. Either way the warehouse file itself is never held
    open, so ``undercut update`` and ``build`` can write it while the service runs; the
    snapshot refreshes when the file changes.
    """
    state = request.app.state
    store = getattr(state, "store", None)
    if isinstance(store, SnapshotStore):
        return store
    with _STORE_LOCK:
        own = getattr(state, "ergast_store", None)
        if own is None:
            own = SnapshotStore(state.settings)
            own.load()
            state.ergast_store = own
    return own


def _page(request: Request, path: str, window: Window) -> tuple[Resolved, int, list[Any]]:
    """Resolve and fetch one page from the store the app serves from."""
    query = parse_path(path)
    store = getattr(request.app.state, "store", None)
    if isinstance(store, PostgresStore):  # production: the copy `undercut publish` keeps
        with store.reader() as pg:
            run = postgresql_run(pg.connection)
            resolved = resolve(query, path, run)
            return resolved, *fetch_page(run, resolved, window.limit, window.offset)
    with _snapshot(request).reader() as reader:
        run = duckdb_run(reader.cursor)
        resolved = resolve(query, path, run)
        return resolved, *fetch_page(run, resolved, window.limit, window.offset)


def answer(request: Request, path: str, limit: str | None, offset: str | None) -> Response:
    """Serve one Ergast path: parse, check, query one page, wrap it in ``MRData``."""
    try:
        window = page_window(limit, offset)
        resolved, total, items = _page(request, path, window)
    except ErgastPathError as exc:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)
    except WarehouseError as exc:
        return JSONResponse(
            {"detail": str(exc)}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)}
        )
    body = mrdata(
        url=str(request.url.remove_query_params(["limit", "offset"])).split("?")[0].lower(),
        window=window,
        total=total,
        table=resolved.endpoint.table,
        criteria=resolved.criteria,
        items_key=resolved.endpoint.items,
        items=items,
    )
    return Response(body, media_type="application/json")


LimitQuery = Annotated[str | None, Query(description="Page size: default 30, at most 100.")]
OffsetQuery = Annotated[str | None, Query(description="Rows to skip before the page.")]


@router.get("", include_in_schema=False)
@router.get(
    "/{path:path}",
    summary="Ergast-compatible API",
    responses=ERGAST_ERRORS,
    description=(
        "Any Ergast path: `[/{season}[/{round}]]/(filter/value)*/endpoint[/value][.json]`; "
        "endpoints seasons, races, results, sprint, qualifying, drivers, constructors, "
        "circuits, status, driverStandings, constructorStandings, pitstops, laps; filters "
        "circuits, constructors, drivers, grid, results, fastest, status, laps, "
        "driverStandings, constructorStandings."
    ),
)
def ergast(
    request: Request, path: str = "", limit: LimitQuery = None, offset: OffsetQuery = None
) -> Response:
    return answer(request, path, limit, offset)
