"""Cross-origin reads: browser-based Ergast and ``/api/v1`` clients may read from any page.

Jolpica answers every Ergast read with ``Access-Control-Allow-Origin: *``; a local Ergast
must too, or a web page that works against Jolpica breaks against undercut. Only reads
(``GET``/``HEAD`` and their preflight) of ``/ergast/f1`` and ``/api/v1`` get the headers —
never admin writes, never ``/auth`` — and never ``Access-Control-Allow-Credentials``: the
reads are public, so a browser has no reason to send cookies along.

The headers are added outside the response cache and the rate limiter, so cached hits,
``304 Not Modified`` and ``429`` answers carry them exactly like a fresh answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_PREFIXES = ("/ergast/f1", "/api/v1/")
EXCLUDED_PREFIXES = ("/api/v1/admin",)
READ_METHODS = (b"GET", b"HEAD")
ALLOWED_HEADERS = b"Accept, Accept-Language, Authorization, Content-Language, If-None-Match"
EXPOSED_HEADERS = b"ETag, Retry-After, X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining"
PREFLIGHT_MAX_AGE = b"600"


def parse_origins(text: str) -> frozenset[str] | None:
    """``*`` allows any origin (``None``); ``none`` or an empty value allows none; else a
    comma-separated list of origins such as ``https://example.org``."""
    text = text.strip()
    if text == "*":
        return None
    if text.lower() in ("", "none"):
        return frozenset()
    return frozenset(o.strip().rstrip("/") for o in text.split(",") if o.strip())


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class CorsMiddleware:
    """Adds CORS headers to public reads and answers their preflight requests."""

    def __init__(self, app: ASGIApp, origins: str) -> None:
        self.app = app
        self.origins = parse_origins(origins)

    def _allow_origin(self, origin: bytes | None) -> bytes | None:
        if self.origins is None:
            return b"*"
        if origin is not None and origin.decode("latin-1") in self.origins:
            return origin
        return None

    def _headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        allowed = self._allow_origin(_header(scope, b"origin"))
        headers = [] if self.origins is None else [(b"vary", b"Origin")]
        if allowed is not None:
            headers.append((b"access-control-allow-origin", allowed))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.origins == frozenset()
            or not scope["path"].startswith(READ_PREFIXES)
            or scope["path"].startswith(EXCLUDED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        method = scope["method"].encode()
        requested = _header(scope, b"access-control-request-method")
        if method == b"OPTIONS" and requested is not None and _header(scope, b"origin"):
            await self._preflight(scope, receive, send, requested)
            return
        if method not in READ_METHODS:
            await self.app(scope, receive, send)
            return
        extra = self._headers(scope)
        if any(k == b"access-control-allow-origin" for k, _ in extra):
            extra.append((b"access-control-expose-headers", EXPOSED_HEADERS))

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not k.lower().startswith(b"access-control-")
                ]
                message = {**message, "headers": _merge_vary(headers, extra)}
            await send(message)

        await self.app(scope, receive, with_cors)

    async def _preflight(
        self, scope: Scope, receive: Receive, send: Send, requested: bytes
    ) -> None:
        extra = self._headers(scope)
        if requested.strip().upper() not in READ_METHODS or not any(
            k == b"access-control-allow-origin" for k, _ in extra
        ):
            await self.app(scope, receive, send)  # not a read from an allowed origin
            return
        headers = [
            *extra,
            (b"access-control-allow-methods", b"GET, HEAD"),
            (b"access-control-allow-headers", ALLOWED_HEADERS),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _merge_vary(
    headers: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """Append ``extra``, folding a ``Vary: Origin`` into any ``Vary`` already present."""
    out = list(headers)
    for key, value in extra:
        if key == b"vary":
            index = next((i for i, (k, _) in enumerate(out) if k.lower() == b"vary"), None)
            if index is not None:
                current = out[index][1]
                names = [n.strip().lower() for n in current.split(b",")]
                if value.lower() not in names:
                    out[index] = (b"vary", current + b", " + value)
                continue
        out.append((key, value))
    return out
