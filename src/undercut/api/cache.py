"""HTTP caching of reads: ETag / ``If-None-Match`` for every GET, a shared server cache
for reads that depend only on the served warehouse.

Data reads (``/ergast/f1``, drivers, standings, …) are a pure function of the URL and the
served data version, so they are stored under ``version + URL`` — in Redis when
configured (shared by every process), in a bounded in-memory map otherwise — and answered
from there without touching the database; a new build changes the version, so stale
entries are never served. With Redis each process also keeps a short-lived local copy.
App-database reads (predictions, accuracy, models, runs) get ETags and
``Cache-Control: no-cache`` (revalidate each time) but no server cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from undercut.api.breaker import Breaker
from undercut.api.observability import route_template

log = logging.getLogger(__name__)

DATA_PREFIXES = (
    "/ergast/f1",
    "/api/v1/drivers",
    "/api/v1/constructors",
    "/api/v1/circuits",
    "/api/v1/seasons",
    "/api/v1/races",
    "/api/v1/standings",
    "/api/v1/ratings",
    "/api/v1/teammates",
    "/api/v1/next-race",
)
REVALIDATE_PREFIXES = ("/api/v1/", "/ergast/")
MAX_BODY = 2 * 1024 * 1024
# What a stored answer keeps besides its body (ETag and Cache-Control are made afresh);
# a 304 repeats only those a cache needs to match it to the stored answer (Vary).
KEPT_HEADERS = (b"content-type", b"content-language", b"vary")
NOT_MODIFIED_HEADERS = (b"vary",)
LOCAL_TTL = 30  # seconds a process keeps its own copy of a shared entry
FILL_WAIT_S = 5.0  # how long a miss waits for the same URL's answer already being made


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: str | None
    etag: bytes = b""

    def __post_init__(self) -> None:
        if not self.etag:  # computed once, when the answer is first made
            self.etag = etag_of(self.body)

    def dumps(self) -> bytes:
        head = {
            "status": self.status,
            "route": self.route,
            "etag": self.etag.decode(),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
        }
        return json.dumps(head).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data: bytes) -> Entry:
        head, _, body = data.partition(b"\n")
        meta = json.loads(head)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["headers"]]
        return cls(
            int(meta["status"]),
            headers,
            body,
            meta.get("route"),
            str(meta.get("etag", "")).encode(),
        )


class Store(Protocol):
    def get(self, key: str) -> Entry | None: ...

    def set(self, key: str, entry: Entry, ttl: int) -> None: ...


class MemoryStore:
    def __init__(self, max_entries: int = 2048) -> None:
        self._items: OrderedDict[str, tuple[float, Entry]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: str) -> Entry | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, entry: Entry, ttl: int) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + ttl, entry)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)


class RedisStore:
    def __init__(self, client: Any, prefix: str, breaker: Breaker | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = breaker or Breaker("redis")

    def get(self, key: str) -> Entry | None:
        data = self.breaker.call(lambda: self.client.get(self.prefix + "cache:" + key))
        return Entry.loads(data) if data else None

    def set(self, key: str, entry: Entry, ttl: int) -> None:
        self.breaker.call(
            lambda: self.client.set(self.prefix + "cache:" + key, entry.dumps(), ex=ttl)
        )


class TieredStore:
    """A per-process copy in front of the shared store.

    An entry is a pure function of the data version and the URL, so a local copy is never
    staler than the shared one; it saves the Redis round trip (which blocks the event
    loop) on every hit after the first in each process.
    """

    def __init__(self, local: Store, shared: Store) -> None:
        self.local = local
        self.shared = shared

    def get(self, key: str) -> Entry | None:
        entry = self.local.get(key)
        if entry is None:
            entry = self.shared.get(key)
            if entry is not None:
                self.local.set(key, entry, LOCAL_TTL)
        return entry

    def set(self, key: str, entry: Entry, ttl: int) -> None:
        self.local.set(key, entry, min(ttl, LOCAL_TTL))
        self.shared.set(key, entry, ttl)


def etag_of(body: bytes) -> bytes:
    return b'"' + hashlib.sha256(body).hexdigest()[:20].encode() + b'"'


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _matches(if_none_match: bytes | None, etag: bytes) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")]
    return etag in tags or b"*" in tags


def _declared_params(schema: dict[str, Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """``(path pattern, query parameter names)`` of every GET operation in an OpenAPI
    schema (a ``{path}`` parameter spans slashes, as the Ergast route's does)."""
    found = []
    for template, item in schema.get("paths", {}).items():
        operation = item.get("get")
        if operation is None:
            continue
        pattern = "".join(
            (".*" if part == "{path}" else "[^/]+") if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        names = frozenset(
            p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
        )
        found.append((re.compile(pattern + "$"), names))
    return found


class CacheMiddleware:
    """Adds ETag/Cache-Control, answers 304s, serves and fills the server cache."""

    def __init__(self, app: ASGIApp, store: Store, ttl: int, version: Callable[[], str]) -> None:
        self.app = app
        self.store = store
        self.ttl = ttl
        self.version = version
        self.hits = 0
        self.misses = 0
        self._params: list[tuple[re.Pattern[str], frozenset[str]]] | None = None
        self._filling: dict[str, asyncio.Event] = {}

    def _declared(self, scope: Scope) -> frozenset[str] | None:
        """The query parameters the operation answering ``scope`` documents (``None``:
        unknown; then every parameter counts)."""
        if self._params is None:
            openapi = getattr(scope.get("app"), "openapi", None)
            self._params = _declared_params(openapi()) if openapi is not None else []
        # Every operation whose path matches (a literal path may also match a template):
        # the union never drops a parameter one of them reads.
        matching = [names for pattern, names in self._params if pattern.match(scope["path"])]
        return frozenset().union(*matching) if matching else None

    def _key(self, scope: Scope) -> str:
        """Version + path + the query parameters the route reads, sorted (parameters it
        ignores, ``?cb=…``, cannot make every request a miss); for Ergast also the scheme
        and host, which its answers repeat."""
        query = scope.get("query_string", b"").decode("latin-1")
        pairs = [p for p in query.split("&") if p] if query else []
        declared = self._declared(scope) if pairs else None
        if declared is not None:
            pairs = [p for p in pairs if unquote_plus(p.partition("=")[0]) in declared]
        origin = ""
        if scope["path"].startswith("/ergast/"):  # its answers name the URL asked (MRData.url)
            host = (_header(scope, b"host") or b"").decode("latin-1")
            origin = f"{scope.get('scheme', 'http')}://{host}"
        return f"{self.version()}:{origin}{scope['path']}?{'&'.join(sorted(pairs))}"

    async def _send_entry(
        self, scope: Scope, send: Send, entry: Entry, cache_control: bytes
    ) -> None:
        etag = entry.etag
        fresh = _matches(_header(scope, b"if-none-match"), etag)
        kept = [
            (k, v)
            for k, v in entry.headers
            if k.lower() not in (b"content-length", b"etag", b"cache-control")
        ]
        if fresh:
            kept = [(k, v) for k, v in kept if k.lower() in NOT_MODIFIED_HEADERS]
        headers = [*kept, (b"etag", etag), (b"cache-control", cache_control)]
        body = b"" if fresh or scope["method"] == "HEAD" else entry.body
        if not fresh:
            headers.append((b"content-length", str(len(entry.body)).encode()))
        await send(
            {
                "type": "http.response.start",
                "status": 304 if fresh else entry.status,
                "headers": headers,
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(REVALIDATE_PREFIXES)
            or scope["path"].startswith(("/api/v1/admin", "/api/v1/runs"))
        ):
            await self.app(scope, receive, send)
            return
        shared = scope["path"].startswith(DATA_PREFIXES)
        cache_control = f"public, max-age={self.ttl}".encode() if shared else b"no-cache"
        key = None
        if shared:
            try:
                key = self._key(scope)
                entry = self.store.get(key)
            except Exception as exc:  # a cache outage must not take reads down
                log.warning("response cache unavailable: %s", exc)
                entry, key = None, None
            if entry is None and key is not None and key in self._filling:
                entry = await self._wait_for(key)
            if entry is not None:
                self.hits += 1
                scope.setdefault("state", {})["cache"] = "hit"
                scope["undercut.route"] = entry.route
                await self._send_entry(scope, send, entry, cache_control)
                return
            self.misses += 1
            scope.setdefault("state", {})["cache"] = "miss"
        if key is not None and self.ttl > 0 and key not in self._filling:
            filled = self._filling[key] = asyncio.Event()
            try:
                await self._answer(scope, receive, send, key, cache_control)
            finally:
                del self._filling[key]
                filled.set()
            return
        await self._answer(scope, receive, send, key, cache_control)

    async def _wait_for(self, key: str) -> Entry | None:
        """The entry another request of this process is making for ``key`` (a miss of a
        popular URL, at start or when its entry expires, is computed once, not once per
        client asking at that moment); None if it is not stored after all."""
        try:
            await asyncio.wait_for(self._filling[key].wait(), FILL_WAIT_S)
            return self.store.get(key)
        except Exception:  # too slow, or the cache failed: answer this one ourselves
            return None

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, key: str | None, cache_control: bytes
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False) and size <= MAX_BODY:
                return
            await self._finish(
                scope, send, start, chunks, key, cache_control, more=message.get("more_body", False)
            )
            chunks.clear()

        await self.app(scope, receive, capture)

    async def _finish(
        self,
        scope: Scope,
        send: Send,
        start: Message | None,
        chunks: list[bytes],
        key: str | None,
        cache_control: bytes,
        *,
        more: bool,
    ) -> None:
        assert start is not None
        body = b"".join(chunks)
        if start["status"] != 200 or more or start.get("_undercut_sent"):
            if not start.get("_undercut_sent"):
                await send(start)
                start["_undercut_sent"] = True
            await send({"type": "http.response.body", "body": body, "more_body": more})
            return
        route = route_template(scope)
        if key is not None and scope["method"] == "GET":
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() in KEPT_HEADERS]
            try:
                self.store.set(key, Entry(200, kept, body, route), self.ttl)
                scope.setdefault("state", {})["cache_stored"] = True
            except Exception as exc:
                log.warning("response cache unavailable: %s", exc)
        entry = Entry(200, list(start.get("headers", [])), body, route)
        await self._send_entry(scope, send, entry, cache_control)
