"""Request ids, structured JSON access logs and Prometheus metrics.

``RequestContextMiddleware`` is the outermost layer: it gives each request an id (the
client's ``X-Request-ID`` when sane, else a new one), echoes it in the response, times the
request, counts it by route template and status, and writes one JSON log line. Metrics live
in a registry per app, so several apps in one process (tests) do not collide.

With several worker processes (``undercut serve --workers N``) each request is counted by
the worker that answered it, so the counters and histograms are kept in Prometheus's
multi-process files (``PROMETHEUS_MULTIPROC_DIR``, set by ``serve``) and ``/metrics``
adds up every worker's; figures read at scrape time (the ledger, the app database, Redis)
come from collectors that any worker answers alike.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _Stderr:
    """Whatever ``sys.stderr`` is when a line is written (it may have been replaced, and the
    old stream closed, since logging was configured)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for every ``structlog`` and stdlib logger."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(_Stderr())  # type: ignore[arg-type]
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=structlog.processors.JSONRenderer(),
            foreign_pre_chain=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
        )
    )
    root = logging.getLogger("undercut")
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    root.propagate = False


MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    """The service's Prometheus instruments, in their own registry.

    Only counters and histograms are kept per process (they add up across workers);
    anything measured at scrape time is a collector given to ``register``.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._collectors: list[Collector] = []
        self.requests = Counter(
            "undercut_http_requests_total",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "undercut_http_request_duration_seconds",
            "Request latency by route template.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.cache = Counter(
            "undercut_response_cache_total",
            "Server response cache operations: hit, miss (a lookup that found nothing), "
            "store (an answer kept).",
            ["result"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "undercut_rate_limited_total", "Requests answered 429.", registry=self.registry
        )

    def register(self, collector: Collector) -> None:
        """Add a collector read at scrape time (the same whichever worker is asked)."""
        self.registry.register(collector)
        self._collectors.append(collector)

    def render(self) -> bytes:
        """The Prometheus text exposition: this process's instruments, or, in multi-process
        mode, every worker's added up; then the scrape-time collectors."""
        directory = os.environ.get(MULTIPROCESS_ENV)
        if not directory:
            return bytes(generate_latest(self.registry))
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)
        for collector in self._collectors:
            registry.register(collector)
        return bytes(generate_latest(registry))


def route_template(scope: Scope) -> str | None:
    """The matched route as a template (``/api/v1/drivers/{driver_id}``): the request path
    with each path parameter's value put back as ``{name}``, so labels stay few."""
    if scope.get("route") is None:
        return None
    path = str(scope.get("path", ""))
    params = scope.get("path_params") or {}
    for name, value in sorted(params.items(), key=lambda kv: -len(str(kv[1]))):
        text = "/" + str(value)
        at = path.rfind(text)
        if str(value) and at >= 0:
            path = path[:at] + "/{" + name + "}" + path[at + len(text) :]
    return path


def route_label(scope: Scope) -> str:
    return route_template(scope) or scope.get("undercut.route") or "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.log = structlog.get_logger("undercut.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                    ],
                }
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if not state.get("warm_up"):
                self._record(scope, state, request_id, status, time.perf_counter() - started)

    def _record(
        self, scope: Scope, state: dict[str, Any], request_id: str, status: int, elapsed: float
    ) -> None:
        """Count and log one answered request."""
        route = route_label(scope)
        method = scope["method"]
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(elapsed)
        cache = state.get("cache")
        if cache:
            self.metrics.cache.labels(cache).inc()
        if state.get("cache_stored"):
            self.metrics.cache.labels("store").inc()
        if status == 429:
            self.metrics.rate_limited.inc()
        fields: dict[str, Any] = {
            "request_id": request_id,
            "method": method,
            "path": scope["path"],
            "route": route,
            "status": status,
            "ms": round(elapsed * 1000, 2),
        }
        if cache:
            fields["cache"] = cache
        self.log.info("request", **fields)
