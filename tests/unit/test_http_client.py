"""The shared HTTP layer: limits table, cache, retries, User-Agent, counters."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.httpserver import LocalServer, Reply
from undercut.errors import SourceError
from undercut.sources.http import (
    ApiClient,
    RateLimiter,
    RateLimitError,
    http_cache_dir,
    parse_limits,
)

JSON = {"Content-Type": "application/json"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_applies_every_rule_of_the_table() -> None:
    clock = FakeClock()
    limiter = RateLimiter(parse_limits("4/s;6/h"), max_wait=7200, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        assert limiter.acquire() == 0.0
    # the fifth call in the same second waits for the burst window to slide
    assert limiter.acquire() == pytest.approx(1.0)
    limiter.acquire()
    # the seventh waits for the hourly window: the first call leaves it at t=3600
    waited = limiter.acquire()
    assert clock.now == pytest.approx(1000.0 + 3600.0)
    assert waited == pytest.approx(3600.0 - 1.0)


def test_rate_limiter_refuses_to_wait_longer_than_allowed() -> None:
    clock = FakeClock()
    limiter = RateLimiter(parse_limits("2/h"), max_wait=60, clock=clock, sleep=clock.sleep)
    limiter.acquire("u1")
    limiter.acquire("u2")
    with pytest.raises(RateLimitError, match=r"u3: client rate limit 2/h reached"):
        limiter.acquire("u3")
    assert clock.sleeps == []


def test_no_limits_never_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter((), clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire()
    assert clock.sleeps == []


def test_client_is_throttled_on_the_network(tmp_path: Path) -> None:
    routes = {f"/r{i}": [Reply(200, b"{}", JSON)] for i in range(5)}
    with LocalServer(routes) as server, ApiClient(server.url, limits="2/0.3s") as api:
        started = time.perf_counter()
        for i in range(5):
            api.get(f"r{i}")
        elapsed = time.perf_counter() - started
    # calls 3 and 5 must wait for the 0.3 s window: at least 0.6 s in all
    assert elapsed >= 0.55
    assert api.stats.network == 5
    assert api.stats.limit_wait_s > 0  # the rest of the window went on the calls themselves


def test_user_agent_and_base_url_joining(tmp_path: Path) -> None:
    routes = {"/api/v1/x.json?limit=100&offset=0": [Reply(200, b"[1]", JSON)]}
    with LocalServer(routes) as server, ApiClient(f"{server.url}/api/v1") as api:
        payload, response = api.get_json("x.json", {"limit": 100, "offset": 0})
    assert payload == [1]
    assert response.url.endswith("/api/v1/x.json?limit=100&offset=0")
    assert server.requests[0][1]["user-agent"].startswith("undercut/")
    assert len(response.sha256) == 64


def test_fresh_answers_come_from_the_cache_without_a_call(tmp_path: Path) -> None:
    with LocalServer({"/a": [Reply(200, b'{"n": 1}', JSON)]}) as server:
        with ApiClient(server.url, cache_dir=tmp_path, fresh_for=60) as api:
            first = api.get_json("a")[1]
            second = api.get_json("a")[1]
        assert not first.from_cache and second.from_cache
        assert len(server.requests) == 1
        # the cache is on disk: a new client (the next command run) reuses it too
        with ApiClient(server.url, cache_dir=tmp_path, fresh_for=60) as again:
            assert again.get_json("a")[0] == {"n": 1}
            assert again.stats.network == 0 and again.stats.from_cache == 1
    assert len(server.requests) == 1


def test_server_max_age_zero_revalidates_with_etag(tmp_path: Path) -> None:
    body = b'{"season": "2025"}'

    def etagged(path: str, headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"', "Cache-Control": "max-age=0"})
        return Reply(200, body, {**JSON, "ETag": '"v1"', "Cache-Control": "max-age=0"})

    with LocalServer({"/s": etagged}) as server, ApiClient(server.url, cache_dir=tmp_path) as api:
        assert api.get("s").content == body
        again = api.get("s")
    assert again.content == body and again.from_cache
    assert server.requests[1][1].get("if-none-match") == '"v1"'
    assert api.stats.network == 2 and api.stats.revalidated == 1


def test_last_modified_revalidation(tmp_path: Path) -> None:
    stamp = "Wed, 01 Oct 2025 10:00:00 GMT"

    def dated(path: str, headers: dict[str, str]) -> Reply:
        if headers.get("if-modified-since") == stamp:
            return Reply(304, b"", {"Last-Modified": stamp, "Cache-Control": "no-cache"})
        return Reply(200, b"[]", {**JSON, "Last-Modified": stamp, "Cache-Control": "no-cache"})

    with LocalServer({"/d": dated}) as server, ApiClient(server.url, cache_dir=tmp_path) as api:
        api.get("d")
        assert api.get("d").from_cache
    assert server.requests[1][1].get("if-modified-since") == stamp


def test_500_then_success_is_retried(tmp_path: Path) -> None:
    routes = {"/x": [Reply(500), Reply(503), Reply(200, b"{}", JSON)]}
    with LocalServer(routes) as server, ApiClient(server.url, base_wait=0.01) as api:
        assert api.get_json("x")[0] == {}
    assert len(server.requests) == 3
    assert api.stats.retries == 2 and api.stats.network == 3


def test_429_waits_for_retry_after(tmp_path: Path) -> None:
    routes = {"/x": [Reply(429, headers={"Retry-After": "1"}), Reply(200, b"{}", JSON)]}
    with LocalServer(routes) as server, ApiClient(server.url, base_wait=0.01) as api:
        started = time.perf_counter()
        api.get("x")
        elapsed = time.perf_counter() - started
    assert len(server.requests) == 2
    assert elapsed >= 0.95  # the server's Retry-After, not the 10 ms backoff


def test_timeout_is_retried(tmp_path: Path) -> None:
    routes = {"/slow": [Reply(200, b"{}", JSON, delay=1.0), Reply(200, b'{"ok": 1}', JSON)]}
    with LocalServer(routes) as server, ApiClient(server.url, timeout=0.2, base_wait=0.01) as api:
        assert api.get_json("slow")[0] == {"ok": 1}
    assert api.stats.retries == 1


def test_gives_up_naming_the_url(tmp_path: Path) -> None:
    with (
        LocalServer({"/down": [Reply(502)]}) as server,
        ApiClient(server.url, attempts=3, base_wait=0.01) as api,
        pytest.raises(SourceError, match=r"/down: HTTP 502 .*gave up after 3 attempts"),
    ):
        api.get("down")
    assert len(server.requests) == 3


def test_404_is_not_retried(tmp_path: Path) -> None:
    with (
        LocalServer({}) as server,
        ApiClient(server.url, base_wait=0.01) as api,
        pytest.raises(SourceError, match=r"/nope: HTTP 404"),
    ):
        api.get("nope")
    assert len(server.requests) == 1


def test_short_body_is_retried_and_never_cached(tmp_path: Path) -> None:
    cut = Reply(200, b'{"MRData": {', {**JSON, "Content-Length": "40"})
    routes = {"/t": [cut, Reply(200, b'{"MRData": {}}', JSON)]}
    with (
        LocalServer(routes) as server,
        ApiClient(server.url, cache_dir=tmp_path, base_wait=0.01) as api,
    ):
        assert api.get_json("t")[0] == {"MRData": {}}
    assert len(server.requests) == 2


def test_malformed_json_names_url_and_is_evicted_from_cache(tmp_path: Path) -> None:
    routes = {
        "/m.json": [
            Reply(200, b'{"MRData": {"limit": "30"', JSON),
            Reply(200, b'{"MRData": {}}', JSON),
        ]
    }
    with LocalServer(routes) as server:
        with (
            ApiClient(server.url, cache_dir=tmp_path, fresh_for=600) as api,
            pytest.raises(SourceError, match=r"/m\.json: malformed JSON"),
        ):
            api.get_json("m.json")
        # a new run asks again instead of replaying the broken body from the cache
        with ApiClient(server.url, cache_dir=tmp_path, fresh_for=600) as api:
            assert api.get_json("m.json")[0] == {"MRData": {}}
    assert len(server.requests) == 2


def test_cache_hits_do_not_spend_the_rate_limit(tmp_path: Path) -> None:
    with (
        LocalServer({"/c": [Reply(200, b"1", JSON)]}) as server,
        ApiClient(server.url, limits="1/h", max_limit_wait=0, cache_dir=tmp_path) as api,
    ):
        for _ in range(5):
            api.get("c")
        with pytest.raises(RateLimitError):
            api.get("other")
    assert api.stats.network == 1 and api.stats.from_cache == 4


def test_http_cache_dir_follows_settings(tmp_path: Path) -> None:
    from undercut.config import get_settings

    assert http_cache_dir(get_settings(home=str(tmp_path))) == tmp_path / "cache" / "http"
    elsewhere = get_settings(home=str(tmp_path), cache_dir=str(tmp_path / "c"))
    assert http_cache_dir(elsewhere) == tmp_path / "c" / "http"
