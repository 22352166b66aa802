"""Warm a worker before it accepts traffic, so its first requests are as fast as the rest.

Measured on a fresh ``undercut serve``: the first requests of each worker took 0.2 to 1.8 s
while later ones took a few milliseconds. What a first request pays for once: the OpenAPI
schema (the response cache reads the parameters each route declares from it), the first
query of every kind on the warehouse snapshot or PostgreSQL (DuckDB catalog, connection
pool, SQLAlchemy statement compilation), pydantic serialisers, the dashboard's templates,
lazy imports — and, when 32 clients ask for the same cold URL at once, 32 identical misses.

``warm_up`` sends one GET for every kind of read through the whole application (middleware
included, so the response cache holds those answers when traffic starts), then moves every
object that start-up made into the garbage collector's permanent generation
(``gc.freeze``): they are never scanned again, so collections during traffic stay short.
Run by the lifespan of ``undercut serve``'s workers; in-process test apps skip it.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message

# How ``undercut serve`` tells its worker processes the address clients reach it at.
WARM_HOST_ENV = "UNDERCUT_SERVE_ADDRESS"

log = logging.getLogger(__name__)

# One URL for each kind of read: every Ergast endpoint, every /api/v1 data route, the
# dashboard (not /health: it checks every dependency, which takes long and warms nothing
# a client waits for). An answer that is not 200 (no model trained yet, no gold built) still warms
# the code on its way.
WARM_PATHS = (
    "/ergast/f1/2023/results.json",
    "/ergast/f1/2023/driverStandings.json",
    "/ergast/f1/drivers/alonso.json",
    "/ergast/f1/2023/1/qualifying.json",
    "/ergast/f1/2023/sprint.json",
    "/ergast/f1/2023/constructorStandings.json",
    "/ergast/f1/2023/races.json",
    "/ergast/f1/2023/circuits.json",
    "/ergast/f1/2023/constructors.json",
    "/ergast/f1/2023/status.json",
    "/ergast/f1/seasons.json",
    "/ergast/f1/2023/1/pitstops.json",
    "/ergast/f1/2023/1/laps/1.json",
    "/ergast/f1/current/last/results.json",
    "/api/v1/drivers?limit=20",
    "/api/v1/drivers/hamilton",
    "/api/v1/constructors?limit=20",
    "/api/v1/constructors/ferrari",
    "/api/v1/circuits?limit=20",
    "/api/v1/circuits/monza",
    "/api/v1/seasons/2023/races",
    "/api/v1/races/2023/1/results",
    "/api/v1/standings/2023/drivers",
    "/api/v1/standings/2023/constructors",
    "/api/v1/standings/2023/progression",
    "/api/v1/ratings/drivers?limit=20",
    "/api/v1/ratings/constructors?limit=20",
    "/api/v1/ratings/drivers/max_verstappen/history",
    "/api/v1/ratings/constructors/ferrari/history",
    "/api/v1/teammates/hamilton",
    "/api/v1/next-race",
    "/api/v1/models",
    "/api/v1/accuracy",
    "/",
)


async def get(app: ASGIApp, target: str, host: str = "127.0.0.1") -> int:
    """One in-process GET through ``app`` as sent to ``host``; the status it answered with."""
    path, _, query = target.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", host.encode("latin-1")), (b"x-request-id", b"warm-up")],
        # not an address any client has: rate limits count these under a key of their own
        "client": ("warm-up", 0),
        # not traffic either: the access log and metrics leave these out
        "state": {"warm_up": True},
        "server": ("127.0.0.1", 0),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def warm_up(app: Any, host: str = "127.0.0.1", paths: tuple[str, ...] = WARM_PATHS) -> None:
    """Build the OpenAPI schema, GET every path once, then freeze what start-up made.

    ``host`` is the address clients reach the service at (``serve``'s host:port): Ergast
    answers repeat the URL they were asked on, so the response cache keys them by host and
    only answers warmed under the clients' host are hits for them.
    """
    started = time.perf_counter()
    app.openapi()
    failed = []
    for path in paths:
        try:
            status = await get(app, path, host)
        except Exception as exc:  # warming must never keep a worker from serving
            failed.append(f"{path}: {type(exc).__name__}")
            continue
        if status >= 500:
            failed.append(f"{path}: {status}")
    gc.collect()
    gc.freeze()
    log.info(
        "warmed up in %.2fs (%d paths%s)",
        time.perf_counter() - started,
        len(paths),
        f"; failed: {', '.join(failed)}" if failed else "",
    )
