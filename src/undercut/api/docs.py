"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served entirely by the app.

Their JavaScript and CSS ship with the ``fastapi-offline`` package and are served under
``/docs-assets``, so the API docs work on a machine without internet access. A Content
Security Policy keeps the pages on this origin: ReDoc's footer logo, the one thing either
bundle fetches from elsewhere, is refused by the browser before it leaves the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS = Path(fastapi_offline.__file__).parent / "static"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # Swagger UI starts from an inline script
        "style-src 'self' 'unsafe-inline'",  # both inject their styles
        "img-src 'self' data:",
        "worker-src 'self' blob:",  # ReDoc's search index runs in a worker
        "connect-src 'self'",
    ]
)


def _same_origin(page: Callable[[], HTMLResponse]) -> Callable[[], HTMLResponse]:
    """The endpoint answering ``page()`` with the Content Security Policy."""

    def endpoint() -> HTMLResponse:
        response = page()
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    return endpoint


def install(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page, ``/redoc`` and their assets to ``app``
    (created with ``docs_url=None, redoc_url=None``)."""
    openapi_url = str(app.openapi_url)
    redirect_url = str(app.swagger_ui_oauth2_redirect_url)
    favicon = f"{ASSETS_URL}/favicon.png"
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    pages: dict[str, Callable[[], HTMLResponse]] = {
        "/docs": partial(
            get_swagger_ui_html,
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=favicon,
            oauth2_redirect_url=redirect_url,
            swagger_ui_parameters={"validatorUrl": None},
        ),
        redirect_url: get_swagger_ui_oauth2_redirect_html,
        "/redoc": partial(
            get_redoc_html,
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        ),
    }
    for path, page in pages.items():
        app.add_api_route(path, _same_origin(page), methods=["GET"], include_in_schema=False)
