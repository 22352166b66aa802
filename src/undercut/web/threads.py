"""The dashboard's pages render in threads of their own, not in the API's.

The API runs its blocking reads in a few threads per process (``serving_threads``), taken
in arrival order. A page can take tens of milliseconds to render (a race page about 60,
with its charts), and pages rendered in those threads held every API read up behind them
while two rendered at once. In threads of their own (as many per process), pages queue
behind pages, and the API's reads only share the CPU with them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, FastAPI, Request


def open_page_threads(app: FastAPI, threads: int) -> None:
    """Called from the app's lifespan, on the event loop the pages are served from."""
    app.state.page_threads = CapacityLimiter(threads)


class PageRouter(APIRouter):
    """An ``APIRouter`` whose sync routes run in the app's page threads."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_page_threads(endpoint)
        super().add_api_route(path, endpoint, **kwargs)


def _in_page_threads(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    async def in_page_threads(*args: Any, **kwargs: Any) -> Any:
        request: Request = kwargs["request"]
        # An app whose lifespan has not run has none: AnyIO's default threads then.
        limiter = getattr(request.app.state, "page_threads", None)
        return await to_thread.run_sync(
            functools.partial(endpoint, *args, **kwargs), limiter=limiter
        )

    return in_page_threads
