"""Rate limiting per client: the signed-in user, else the client IP.

Fixed windows (``120/minute`` = at most 120 requests per calendar minute per client),
counted in Redis when ``UNDERCUT_REDIS_URL`` is set, so every API process shares one
count, and in process memory otherwise. Over the limit the answer is 429 with
``Retry-After`` (seconds until the window ends). ``none`` disables a limit. The limit
guards the service, so it runs before the response cache: cached answers count too.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
import re
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from undercut.api.breaker import Breaker
from undercut.api.security import decode_access_token
from undercut.config import Settings
from undercut.errors import AuthError, InputError

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")
EXEMPT = ("/health", "/metrics")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    def __str__(self) -> str:
        return f"{self.limit}/{self.window}s"


def parse_rate(text: str | None) -> Rate | None:
    """``"120/minute"``, ``"10/s"``, ``"1000/5m"`` → Rate; ``"none"``/empty → no limit."""
    if text is None or text.strip().lower() in ("", "none", "off", "0"):
        return None
    match = _RATE.match(text.lower())
    if not match or match.group(3) not in _UNITS or int(match.group(1)) < 1:
        raise InputError(f"UNDERCUT_RATE_LIMIT: {text!r} is not like '120/minute' or 'none'")
    count = int(match.group(2) or 1)
    return Rate(int(match.group(1)), count * _UNITS[match.group(3)])


class Counter(Protocol):
    def hit(self, key: str, window: int, now: float) -> int | Awaitable[int]:
        """Count one request in ``key``'s current window; return the count so far."""
        ...


class MemoryCounter:
    """Per-process counts; old windows are dropped as new ones start."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._current = -1

    def hit(self, key: str, window: int, now: float) -> int:
        slot = int(now // window)
        with self._lock:
            if slot != self._current:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot}
                self._current = slot
            count = self._counts.get((key, slot), 0) + 1
            self._counts[(key, slot)] = count
            return count


class RedisCounter:
    """Shared counts: ``INCR`` + ``EXPIRE`` in one round trip, on an asyncio Redis client
    so that waiting for Redis never blocks the other requests of the process."""

    def __init__(self, client: Any, prefix: str, breaker: Breaker | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = breaker or Breaker("redis")

    async def hit(self, key: str, window: int, now: float) -> int:
        slot = int(now // window)
        name = f"{self.prefix}rl:{window}:{slot}:{key}"

        async def count() -> int:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.incr(name)
                pipe.expire(name, window + 1)
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


class RateLimitMiddleware:
    """Pure ASGI middleware (cheap per request; no body buffering)."""

    def __init__(self, app: ASGIApp, settings: Settings, counter: Counter) -> None:
        self.app = app
        self.settings = settings
        self.counter = counter
        self.anonymous = parse_rate(settings.rate_limit)
        self.authenticated = (
            parse_rate(settings.rate_limit_authenticated)
            if settings.rate_limit_authenticated is not None
            else self.anonymous
        )
        self.rejected = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"].startswith(EXEMPT)
            or (self.anonymous is None and self.authenticated is None)
        ):
            await self.app(scope, receive, send)
            return
        key, signed_in = client_key(scope, self.settings)
        rate = self.authenticated if signed_in else self.anonymous
        if rate is None:
            await self.app(scope, receive, send)
            return
        now = time.time()
        try:
            hit = self.counter.hit(key, rate.window, now)
            count = await hit if inspect.isawaitable(hit) else hit
        except Exception as exc:  # a limiter outage must not take the service down
            log.warning("rate limiter unavailable, request allowed: %s", exc)
            await self.app(scope, receive, send)
            return
        remaining = max(0, rate.limit - count)
        reset = math.ceil((math.floor(now / rate.window) + 1) * rate.window - now)
        if count > rate.limit:
            self.rejected += 1
            scope.setdefault("state", {})["rate_limited"] = True
            body = json.dumps(
                {
                    "detail": f"rate limit exceeded ({rate}); retry in {reset}s",
                    "error": "rate_limited",
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(max(1, reset)).encode()),
                        (b"x-ratelimit-limit", str(rate.limit).encode()),
                        (b"x-ratelimit-remaining", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-ratelimit-limit", str(rate.limit).encode()))
                headers.append((b"x-ratelimit-remaining", str(remaining).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
