"""The FastAPI application factory.

Nothing is created at import time: ``create_app`` takes settings so that tests, the CLI and
workers each build an app for their own home and database. The lifespan opens what every
request shares (app-database sessions, the serving store, Redis) and closes it again.

Layers, outermost first: request id + access log + metrics → body limit → CORS → rate
limit → response cache → routes. Errors become HTTP responses in one place,
``undercut.api.errors``.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI

from undercut import __version__
from undercut.api import docs, errors
from undercut.api.body_limit import MAX_BODY_BYTES, BodyLimitMiddleware
from undercut.api.breaker import Breaker
from undercut.api.cache import CacheMiddleware, MemoryStore, RedisStore, TieredStore
from undercut.api.cors import CorsMiddleware
from undercut.api.ergast import router as ergast_router
from undercut.api.observability import Metrics, RequestContextMiddleware
from undercut.api.ratelimit import Limiter, RateLimitMiddleware, RedisCounter
from undercut.api.routes import auth, health
from undercut.api.routes.v1 import router as v1_router
from undercut.api.security import check_secret
from undercut.api.service_metrics import ServiceCollector
from undercut.config import Settings, get_settings
from undercut.jobs.observe import JobCollector
from undercut.web import router as web_router
from undercut.web.threads import open_page_threads

log = logging.getLogger("undercut.api")


def redis_client(settings: Settings, *, asyncio: bool = False) -> Any:
    """A Redis client with short timeouts (a slow Redis must not stall every request);
    ``asyncio`` for use from the event loop (rate limits), else blocking."""
    import redis
    import redis.asyncio

    factory = redis.asyncio.Redis if asyncio else redis.Redis
    return factory.from_url(str(settings.redis_url), socket_timeout=0.5, socket_connect_timeout=0.5)


def _without_native_telemetry() -> dict[str, Any]:
    """Newer FastAPI versions look up OpenTelemetry providers on every request; undercut
    exports Prometheus metrics itself, so that per-request cost buys nothing here."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


GIL_SWITCH_SECONDS = 0.0005


def create_app(
    settings: Settings | None = None, *, run_migrations: bool = True, warm: str | None = None
) -> FastAPI:
    """Build the service for one data home (``settings`` default to the environment).

    ``run_migrations`` brings the app database up to date on startup; ``undercut serve``
    migrates once itself and turns it off for its worker processes. ``warm``, the address
    clients reach the service at (``host:port``), answers one request of every kind as
    sent there before the app takes traffic (``undercut.api.warmup``).
    """
    settings = settings or get_settings()
    check_secret(settings)
    redis = redis_client(settings) if settings.redis_url else None
    redis_async = redis_client(settings, asyncio=True) if settings.redis_url else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from undercut.appdb.base import session_factory
        from undercut.serving.store import open_store

        if run_migrations:
            from undercut.appdb.migrate import upgrade

            upgrade(settings)
        # Blocking work (warehouse reads, app-database sessions) runs in a few threads, and
        # the requests beyond them wait in arrival order. With AnyIO's default of 40, forty
        # reads shared one core at once: every one of them finished late, and under load at
        # 32 connections the p99 was about twice the median (measured in the README).
        to_thread.current_default_thread_limiter().total_tokens = settings.serving_threads
        open_page_threads(app, settings.serving_threads)
        # A thread that gives the GIL up (a DuckDB query, a socket) waits for it back until
        # the thread holding it is made to let go: 5 ms by default. Behind a page rendering
        # its charts, an API read waited that long at each of its hand-overs: p99 at 32
        # connections went from 232 ms to 103-170 ms with 0.5 ms (both with two clients
        # rendering uncached pages), and reads alone were level.
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        app.state.sessions = session_factory(settings)
        app.state.store = open_store(settings)
        if warm:
            from undercut.api.warmup import warm_up

            await warm_up(app, warm)
        try:
            yield
        finally:
            app.state.store.close()
            if redis is not None:
                redis.close()
            if redis_async is not None:
                await redis_async.aclose()

    app = FastAPI(
        **_without_native_telemetry(),
        title="undercut",
        version=__version__,
        description=(
            "Formula 1 history, analytics and race predictions. Reads are public; "
            "`/api/v1/admin/...` needs an admin access token from `/auth/token`."
        ),
        lifespan=lifespan,
        docs_url=None,  # served by undercut.api.docs, without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.redis = redis
    app.state.metrics = Metrics()
    app.state.metrics.register(JobCollector(settings, redis))
    app.state.metrics.register(ServiceCollector(app))
    app.state.health_checks = {}
    errors.install(app)
    docs.install(app)

    # Routes are tried in order, each router's in turn: the Ergast API, most of the traffic
    # under one prefix, first, so that its requests are not matched against every other
    # route before (measured: about 5% of an uncached one-row Ergast request).
    app.include_router(ergast_router)
    app.include_router(auth.router)
    app.include_router(health.router)
    app.include_router(v1_router)
    app.include_router(web_router)

    def data_version() -> str:
        store = getattr(app.state, "store", None)
        if store is None:
            return "none"
        # Cache hits never reach the store: look for newer data here (a throttled stat).
        refresh = getattr(store, "maybe_refresh", None)
        if refresh is not None:
            refresh()
        return str(store.version)

    breaker = Breaker("redis")  # one Redis failure pauses both users of it for a moment
    cache_store = (
        TieredStore(MemoryStore(), RedisStore(redis, settings.redis_prefix, breaker))
        if redis is not None
        else MemoryStore()
    )
    limiter = Limiter(
        settings,
        RedisCounter(redis_async, settings.redis_prefix, breaker)
        if redis_async is not None
        else None,
    )
    app.state.limiter = limiter
    # add_middleware wraps: the last added is the outermost.
    app.add_middleware(
        CacheMiddleware, store=cache_store, ttl=settings.cache_seconds, version=data_version
    )
    app.add_middleware(RateLimitMiddleware, settings=settings, limiter=limiter)
    app.add_middleware(CorsMiddleware, origins=settings.cors_origins)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` worker processes (settings from the environment;
    migrations were already run by ``undercut serve``)."""
    from undercut.api.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    from undercut.api.warmup import WARM_HOST_ENV

    return create_app(
        settings, run_migrations=False, warm=os.environ.get(WARM_HOST_ENV, "127.0.0.1")
    )
