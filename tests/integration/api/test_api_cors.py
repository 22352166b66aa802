"""Browser clients on other origins: CORS headers on public reads, in both profiles, the
same on fresh answers, cached hits and 304s; never on writes, never with credentials."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from undercut.api.app import create_app
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

PAGE = "https://fan-site.example"
READS = ("/ergast/f1/2023/driverStandings.json", "/api/v1/drivers/hamilton")
VOLATILE = {"date", "x-request-id", "content-length", "x-ratelimit-remaining"}


@pytest.fixture(scope="module")
def listed(served: Settings) -> Iterator[TestClient]:
    """An app that lets only ``PAGE`` read it."""
    settings = served.model_copy(update={"cors_origins": f"{PAGE}, https://other.example"})
    with TestClient(create_app(settings)) as client:
        yield client


def _stable(headers: object) -> dict[str, str]:
    return {k: v for k, v in dict(headers).items() if k not in VOLATILE}  # type: ignore[call-overload]


def test_reads_allow_any_origin_on_fresh_cached_and_304_answers(client: TestClient) -> None:
    for path in READS:
        fresh = client.get(path, headers={"Origin": PAGE})
        cached = client.get(path, headers={"Origin": PAGE})
        assert fresh.status_code == cached.status_code == 200, path
        assert fresh.headers["access-control-allow-origin"] == "*", path
        assert "etag" in fresh.headers["access-control-expose-headers"].lower()
        assert fresh.headers["cache-control"].startswith("public, max-age=")
        assert _stable(cached.headers) == _stable(fresh.headers), path
        assert cached.content == fresh.content
        revalidated = client.get(
            path, headers={"Origin": PAGE, "If-None-Match": fresh.headers["etag"]}
        )
        assert revalidated.status_code == 304 and revalidated.content == b""
        for name in (
            "etag",
            "cache-control",
            "access-control-allow-origin",
            "access-control-expose-headers",
        ):
            assert revalidated.headers[name] == fresh.headers[name], (path, name)
        for response in (fresh, cached, revalidated):
            assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_for_a_read_is_answered_and_writes_get_no_cors(client: TestClient) -> None:
    preflight = client.options(
        "/ergast/f1/drivers/alonso",
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    write = client.options(
        "/api/v1/admin/jobs/update",
        headers={"Origin": PAGE, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in write.headers
    post = client.options(
        "/api/v1/drivers", headers={"Origin": PAGE, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in post.headers
    token = client.post(
        "/auth/token", data={"username": "x", "password": "y"}, headers={"Origin": PAGE}
    )
    assert "access-control-allow-origin" not in token.headers
    assert (
        "access-control-allow-origin"
        not in client.get("/health/live", headers={"Origin": PAGE}).headers
    )


def test_listed_origins_are_echoed_and_the_cache_does_not_leak_them(
    listed: TestClient,
) -> None:
    path = "/ergast/f1/2023/constructorStandings.json"
    allowed = listed.get(path, headers={"Origin": PAGE})
    assert allowed.headers["access-control-allow-origin"] == PAGE
    assert "origin" in allowed.headers["vary"].lower()
    other = listed.get(path, headers={"Origin": "https://elsewhere.example"})  # a cache hit
    assert other.status_code == 200 and other.content == allowed.content
    assert "access-control-allow-origin" not in other.headers
    assert "origin" in other.headers["vary"].lower()
    revalidated = listed.get(
        path, headers={"Origin": PAGE, "If-None-Match": allowed.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.headers["access-control-allow-origin"] == PAGE
    assert "origin" in revalidated.headers["vary"].lower()
    refused = listed.options(
        path,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in refused.headers


def test_a_rate_limited_read_still_tells_the_browser_when_to_retry(served: Settings) -> None:
    settings = served.model_copy(
        update={"rate_limit": "2/minute", "redis_prefix": f"cors-{uuid.uuid4().hex}:"}
    )
    with TestClient(create_app(settings)) as client:
        answers = [
            client.get("/ergast/f1/seasons.json", headers={"Origin": PAGE}) for _ in range(3)
        ]
    limited = answers[-1]
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert limited.headers["access-control-allow-origin"] == "*"
    assert "retry-after" in limited.headers["access-control-expose-headers"].lower()
