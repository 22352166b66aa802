"""The response cache answers a hit and a 304 with the headers of the fresh answer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from undercut.api.cache import CacheMiddleware, MemoryStore

PATH = "/ergast/f1/seasons.json"


def _seasons(request: Request) -> JSONResponse:
    request.app.state.calls += 1
    return JSONResponse(
        {"MRData": {"total": "76"}},
        headers={"Vary": "Accept-Encoding", "Content-Language": "en"},
    )


def _client() -> TestClient:
    app = Starlette(routes=[Route(PATH, _seasons)])
    app.state.calls = 0
    app.add_middleware(CacheMiddleware, store=MemoryStore(), ttl=60, version=lambda: "v1")
    return TestClient(app)


def test_a_cached_hit_keeps_the_headers_of_the_fresh_answer() -> None:
    client = _client()
    fresh = client.get(PATH)
    hit = client.get(PATH)
    assert client.app.state.calls == 1  # type: ignore[attr-defined]  # the second was a hit
    assert hit.content == fresh.content
    for name in ("content-type", "content-language", "vary", "etag", "cache-control"):
        assert hit.headers[name] == fresh.headers[name], name
    assert fresh.headers["cache-control"] == "public, max-age=60"


def test_a_304_repeats_etag_cache_control_and_vary() -> None:
    client = _client()
    fresh = client.get(PATH)
    for _ in range(2):  # from the route's answer, then from the cache
        again = client.get(PATH, headers={"If-None-Match": fresh.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        for name in ("etag", "cache-control", "vary"):
            assert again.headers[name] == fresh.headers[name], name
