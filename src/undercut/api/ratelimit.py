"""Rate limiting per client: the signed-in user, else the client IP.

Fixed windows (``120/minute`` = at most 120 requests per calendar minute per client; a
table such as ``10/s;600/h`` applies every entry; the grammar is ``undercut.limits``),
counted in Redis when ``UNDERCUT_REDIS_URL`` is set, so every API process shares one
count, and in process memory otherwise. While Redis is unreachable the limits still
apply, counted by each process on its own (``/health`` says ``degraded: per-process``),
and the shared count resumes when Redis answers again. Over the limit the answer is 429
with ``Retry-After`` (seconds until the window ends). ``none`` disables a limit. The
limit guards the service, so it runs before the response cache: cached answers count too.

Each client may also have at most ``UNDERCUT_MAX_CONCURRENT_PER_CLIENT`` requests in
progress in a process; one more is answered 429 at once, so a burst of slow requests from
one client cannot take every worker thread and database connection from the others.

The dashboard (its pages and static files: every path that is not an API's) is counted
apart, under ``UNDERCUT_RATE_LIMIT_PAGES``: a page view fetches several files, and browsing
must not spend a client's API allowance or the other way round. Over a limit, a browser on
a dashboard page gets an HTML page and a program JSON (``undercut.api.errors``).
"""

from __future__ import annotations

import inspect
import logging
import math
import threading
import time
from collections.abc import Awaitable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from undercut.api.breaker import Breaker
from undercut.api.errors import answer, is_api_path
from undercut.api.security import decode_access_token
from undercut.config import Settings
from undercut.errors import AuthError
from undercut.limits import RateLimit, parse_limits

EXEMPT = ("/health", "/metrics")
# Cheap files a browser fetches several at a time: not bounded per client.
UNBOUNDED = ("/static/", "/docs", "/redoc", "/openapi.json")
log = logging.getLogger(__name__)


class Counter(Protocol):
    def hit(self, key: str, window: float, now: float) -> int | Awaitable[int]:
        """Count one request in ``key``'s current window; return the count so far."""
        ...


class MemoryCounter:
    """Per-process counts; windows that have ended are dropped now and then."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, float, int], int] = {}
        self._lock = threading.Lock()
        self._pruned_at = 0.0

    def hit(self, key: str, window: float, now: float) -> int:
        slot = int(now // window)
        with self._lock:
            if now - self._pruned_at >= 1.0:
                self._counts = {k: v for k, v in self._counts.items() if (k[2] + 1) * k[1] > now}
                self._pruned_at = now
            count = self._counts.get((key, window, slot), 0) + 1
            self._counts[(key, window, slot)] = count
            return count


class RedisCounter:
    """Shared counts: ``INCR`` + ``EXPIRE`` in one round trip, on an asyncio Redis client
    so that waiting for Redis never blocks the other requests of the process."""

    def __init__(self, client: Any, prefix: str, breaker: Breaker | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = breaker or Breaker("redis")

    async def hit(self, key: str, window: float, now: float) -> int:
        slot = int(now // window)
        name = f"{self.prefix}rl:{window:g}:{slot}:{key}"

        async def count() -> int:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.incr(name)
                pipe.expire(name, math.ceil(window) + 1)
                value, _ = await pipe.execute()
            return int(value)

        return await self.breaker.acall(count)


def client_key(scope: Scope, settings: Settings) -> tuple[str, bool]:
    """``user:<id>`` for a valid bearer token, else ``ip:<address>``."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token:
                try:
                    return f"user:{decode_access_token(settings, token.strip()).user_id}", True
                except AuthError:
                    break
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}", False


class Limiter:
    """The counts every request is checked against: shared (Redis) when configured, else
    per process; while the shared counter fails, per process, and ``status`` says so."""

    def __init__(self, settings: Settings, shared: Counter | None) -> None:
        self.anonymous = parse_limits(settings.rate_limit, "UNDERCUT_RATE_LIMIT")
        self.authenticated = (
            parse_limits(settings.rate_limit_authenticated, "UNDERCUT_RATE_LIMIT_AUTHENTICATED")
            if settings.rate_limit_authenticated is not None
            else self.anonymous
        )
        self.pages = parse_limits(settings.rate_limit_pages, "UNDERCUT_RATE_LIMIT_PAGES")
        self.shared = shared
        self.local = MemoryCounter()
        self.degraded_since: float | None = None
        self.degraded_reason = ""

    async def hit(self, key: str, window: float, now: float) -> int:
        if self.shared is not None:
            try:
                hit = self.shared.hit(key, window, now)
                count = await hit if inspect.isawaitable(hit) else hit
            except Exception as exc:
                if self.degraded_since is None:
                    log.warning("rate limits counted per process while Redis fails: %s", exc)
                    self.degraded_since = time.time()
                    self.degraded_reason = str(exc).splitlines()[0] if str(exc) else ""
            else:
                if self.degraded_since is not None:
                    log.warning("rate limits shared through Redis again")
                    self.degraded_since = None
                return int(count)
        return self.local.hit(key, window, now)

    def status(self) -> dict[str, Any]:
        """For ``/health``: where requests are counted."""
        if not self.anonymous and not self.authenticated and not self.pages:
            return {"status": "ok", "mode": "off"}
        if self.shared is None:
            return {"status": "ok", "mode": "per-process"}
        if self.degraded_since is None:
            return {"status": "ok", "mode": "shared (redis)"}
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.degraded_since))
        return {
            "status": "degraded",
            "mode": "degraded: per-process",
            "since": since,
            "reason": self.degraded_reason,
        }


class RateLimitMiddleware:
    """Pure ASGI middleware (cheap per request; no body buffering)."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        counter: Counter | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter or Limiter(settings, counter)
        self.anonymous = self.limiter.anonymous
        self.authenticated = self.limiter.authenticated
        self.pages = self.limiter.pages
        self.max_in_flight = settings.max_concurrent_per_client
        self.in_flight: dict[str, int] = {}
        self.rejected = 0

    async def _tightest(
        self, key: str, rules: tuple[RateLimit, ...]
    ) -> tuple[RateLimit, int, int] | None:
        """Count one request under every rule; ``(rule, count, reset)`` of the rule with
        the least left."""
        now = time.time()
        worst: tuple[RateLimit, int, int] | None = None
        for rule in rules:
            count = await self.limiter.hit(key, rule.per_seconds, now)
            window = rule.per_seconds
            reset = math.ceil((math.floor(now / window) + 1) * window - now)
            if worst is None or rule.calls - count < worst[0].calls - worst[1]:
                worst = (rule, count, reset)
        return worst

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        key, signed_in = client_key(scope, self.settings)
        rules = self.authenticated if signed_in else self.anonymous
        if not is_api_path(scope["path"]):
            rules, key = self.pages, f"pages:{key}"
        bounded = bool(self.max_in_flight) and not scope["path"].startswith(UNBOUNDED)
        if bounded and self.in_flight.get(key, 0) >= self.max_in_flight:
            await self._reject(
                scope,
                receive,
                send,
                f"too many requests in progress from this client (at most "
                f"{self.max_in_flight} at once); retry in 1s",
                1,
                self.max_in_flight,
            )
            return
        if bounded:  # counted before any await, so a burst cannot slip past the check
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
        try:
            await self._limited(scope, receive, send, key, rules)
        finally:
            if bounded:
                left = self.in_flight[key] - 1
                if left:
                    self.in_flight[key] = left
                else:
                    del self.in_flight[key]

    async def _reject(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        detail: str,
        retry_after: int,
        limit: int,
    ) -> None:
        self.rejected += 1
        scope.setdefault("state", {})["rate_limited"] = True
        headers = {
            "Retry-After": str(max(1, retry_after)),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
        }
        response = answer(Request(scope), 429, "rate_limited", detail, headers)
        await response(scope, receive, send)

    async def _limited(
        self, scope: Scope, receive: Receive, send: Send, key: str, rules: tuple[RateLimit, ...]
    ) -> None:
        worst = await self._tightest(key, rules) if rules else None
        if worst is not None and worst[1] > worst[0].calls:
            rule, _, reset = worst
            await self._reject(
                scope,
                receive,
                send,
                f"rate limit exceeded ({rule}); retry in {reset}s",
                reset,
                rule.calls,
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and worst is not None:
                rule, count = worst[0], worst[1]
                headers = list(message.get("headers", []))
                headers.append((b"x-ratelimit-limit", str(rule.calls).encode()))
                headers.append((b"x-ratelimit-remaining", str(max(0, rule.calls - count)).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
