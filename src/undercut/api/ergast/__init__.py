"""``/ergast/f1``: the Ergast API's URL grammar and JSON, served from the warehouse.

Existing Ergast and Jolpica clients (FastF1's ``fastf1.ergast``, ``ergast-py``, scripts)
work against it unchanged: the same paths, the same ``MRData`` envelope, the same paging
and the same ``400``/``404`` answers for paths Ergast refuses.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from undercut.api.ergast.endpoints import fetch_page, resolve
from undercut.api.ergast.envelope import mrdata, page_window
from undercut.api.ergast.grammar import ErgastPathError, parse_path
from undercut.api.ergast.store import WarehouseReader
from undercut.config import Settings
from undercut.errors import WarehouseError

router = APIRouter(prefix="/ergast/f1", tags=["ergast"])


def _reader(request: Request) -> WarehouseReader:
    """The app's warehouse reader, created on first use (nothing happens at import)."""
    state = request.app.state
    reader = getattr(state, "ergast_reader", None)
    if reader is None:
        settings: Settings = state.settings
        reader = WarehouseReader(settings.warehouse_path)
        state.ergast_reader = reader
    return reader


def answer(request: Request, path: str, limit: str | None, offset: str | None) -> JSONResponse:
    """Serve one Ergast path: parse, check, query one page, wrap it in ``MRData``."""
    try:
        query = parse_path(path)
        con = _reader(request).cursor()
        try:
            resolved = resolve(query, path, con)
            window = page_window(limit, offset)
            total, items = fetch_page(con, resolved, window.limit, window.offset)
        finally:
            con.close()
    except ErgastPathError as exc:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)
    except WarehouseError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=503)
    body: dict[str, Any] = mrdata(
        url=str(request.url.remove_query_params(["limit", "offset"])).split("?")[0].lower(),
        window=window,
        total=total,
        table=resolved.endpoint.table,
        criteria=resolved.criteria,
        items_key=resolved.endpoint.items,
        items=items,
    )
    return JSONResponse(body)


LimitQuery = Annotated[str | None, Query(description="Page size: default 30, at most 100.")]
OffsetQuery = Annotated[str | None, Query(description="Rows to skip before the page.")]


@router.get("", include_in_schema=False)
@router.get(
    "/{path:path}",
    summary="Ergast-compatible API",
    description=(
        "Any Ergast path: `[/{season}[/{round}]]/(filter/value)*/endpoint[/value][.json]`; "
        "endpoints seasons, races, results, sprint, qualifying, drivers, constructors, "
        "circuits, status, driverStandings, constructorStandings, pitstops, laps; filters "
        "circuits, constructors, drivers, grid, results, fastest, status, laps."
    ),
)
def ergast(
    request: Request, path: str = "", limit: LimitQuery = None, offset: OffsetQuery = None
) -> JSONResponse:
    return answer(request, path, limit, offset)
