"""The one place where undercut's exceptions become HTTP responses.

A program's error answer is JSON ``{"detail": message, "error": code}`` (plus
``request_id`` for 500s, to find the logged traceback); a browser on a dashboard address
(it accepts ``text/html``, the path is not an API's) gets the same status as a page of the
dashboard saying what went wrong, with a link home. Mapping, most specific first:
NotFoundError 404, ValidationError 422, InputError 400, AuthError 401,
PermissionDeniedError 403, SourceError 502, WarehouseError/ModelError 503.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from undercut.errors import (
    AuthError,
    InputError,
    ModelError,
    NotFoundError,
    PermissionDeniedError,
    SourceError,
    UndercutError,
    ValidationError,
    WarehouseError,
)
from undercut.serving.store import QueryTimeoutError

log = logging.getLogger("undercut.api")
# Seconds a client should wait after a 503 (the warehouse reloading, a query cancelled).
RETRY_AFTER_S = 5


class ErrorBody(BaseModel):
    """Every error answer (422 carries the list of invalid fields in `detail`)."""

    detail: str = Field(description="What went wrong, naming the parameter at fault.")
    error: str = Field(
        description="Stable code: `not_found`, `bad_request`, "
        "`unauthorized`, `forbidden`, `rate_limited`, "
        "`warehouse_unavailable`, …"
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter has a value that cannot be used."},
    404: {"model": ErrorBody, "description": "No such resource."},
    429: {"model": ErrorBody, "description": "Over the rate limit; see `Retry-After`."},
    503: {
        "model": ErrorBody,
        "description": "The warehouse is not available yet, or the query took too long; "
        "see `Retry-After`.",
    },
}

# What routes that take a bearer token or a JSON body may answer besides their own.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No access token, or an expired or forged one."},
}
ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    403: {"model": ErrorBody, "description": "The token's user is not an admin."},
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
}

STATUS: list[tuple[type[UndercutError], int, str]] = [
    (NotFoundError, 404, "not_found"),
    (ValidationError, 422, "invalid"),
    (InputError, 400, "bad_request"),
    (AuthError, 401, "unauthorized"),
    (PermissionDeniedError, 403, "forbidden"),
    (SourceError, 502, "source_failed"),
    (WarehouseError, 503, "warehouse_unavailable"),
    (ModelError, 503, "model_unavailable"),
]


def status_for(exc: UndercutError) -> tuple[int, str]:
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    return 500, "internal"


# Paths answered for programs, always in JSON; every other path is the dashboard (its pages
# and static files), rate-limited apart and answered in HTML to a browser.
API_PATHS = ("/api/", "/ergast/", "/auth/", "/openapi.json", "/health", "/metrics")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PATHS) or path.rstrip("/") in ("/api", "/ergast", "/auth")


def wants_html(request: Request) -> bool:
    """A browser on a dashboard address: it accepts HTML and did not ask for JSON first."""
    accept = request.headers.get("accept", "")
    return (
        not is_api_path(request.url.path)
        and "text/html" in accept
        and not accept.lstrip().startswith("application/json")
    )


def _headers(status: int, headers: dict[str, str] | None) -> dict[str, str] | None:
    defaults = (
        {"WWW-Authenticate": "Bearer"}
        if status == 401
        else {"Retry-After": str(RETRY_AFTER_S)}
        if status == 503
        else {}
    )
    return {**defaults, **(headers or {})} or None


def error_response(
    status: int,
    code: str,
    message: object,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    return JSONResponse(
        {"detail": message, "error": code, **extra},
        status_code=status,
        headers=_headers(status, headers),
    )


def answer(
    request: Request,
    status: int,
    code: str,
    message: object,
    headers: dict[str, str] | None = None,
    *,
    empty_warehouse: bool = False,
    **extra: object,
) -> Response:
    """The error answer for this request: a dashboard page for a browser (with how to load
    the warehouse when it is empty), else JSON."""
    if wants_html(request):
        from undercut.web.pages import error_page

        try:
            return error_page(
                request,
                status,
                str(message),
                _headers(status, headers),
                empty_warehouse=empty_warehouse,
            )
        except Exception:  # the page itself failed: the JSON answer still says what happened
            log.exception("the error page for %s could not be rendered", request.url.path)
    return error_response(status, code, message, headers, **extra)


async def _undercut_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UndercutError)
    status, code = status_for(exc)
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    # A query that ran too long is no sign of an empty warehouse: no advice to load one.
    empty = isinstance(exc, WarehouseError) and not isinstance(exc, QueryTimeoutError)
    return answer(request, status, code, str(exc), empty_warehouse=empty)


async def _unexpected(request: Request, exc: Exception) -> Response:
    request_id = request.scope.get("state", {}).get("request_id")
    log.exception(
        "unhandled error in %s %s (request %s)", request.method, request.url.path, request_id
    )
    return answer(request, 500, "internal", "internal server error", request_id=request_id)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if wants_html(request):
        return answer(
            request, 422, "invalid_request", "the address has a value that cannot be used"
        )
    errors = jsonable_encoder(exc.errors())
    return AsciiJSONResponse({"detail": errors, "error": "invalid_request"}, status_code=422)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped. A refusal repeats the input it refuses,
    and a JSON body may carry text that is no text (a lone surrogate, ``"\\ud83c"``):
    encoded as UTF-8 it failed, and the client got a 500 instead of its 422."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Routing answers (unknown path, wrong method) in the same shape as the rest."""
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    return answer(request, exc.status_code, code, exc.detail, headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(UndercutError, _undercut_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected)
