"""Rate limits (per user, else per IP; 429 + Retry-After) and the shared Redis state:
several API processes (here, several apps) share one count and one response cache."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from support.api import USER_PASSWORD, add_users, api_settings, bearer, login
from support.jobs import cli_env, kill_group, start_serve
from undercut.api.app import create_app
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

# a window of 1000 days: the count never rolls over while a test runs
LIMIT = "4/1000d"


def _limited(response: object) -> None:
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert response.json()["error"] == "rate_limited"  # type: ignore[attr-defined]
    assert int(response.headers["retry-after"]) >= 1  # type: ignore[attr-defined]
    assert response.headers["x-ratelimit-remaining"] == "0"  # type: ignore[attr-defined]


def test_anonymous_clients_are_limited_per_ip_and_users_per_account(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = api_settings(built_settings, tmp_path / "app.sqlite", rate_limit=LIMIT)
    add_users(settings)
    with TestClient(create_app(settings)) as client:
        token = login(client, "reader", USER_PASSWORD)["access_token"]  # 1st for this IP
        remaining = [
            client.get("/api/v1/circuits/monza").headers["x-ratelimit-remaining"] for _ in range(3)
        ]
        assert remaining == ["2", "1", "0"]
        _limited(client.get("/api/v1/circuits/monza"))
        _limited(client.get("/ergast/f1/2023/results/1.json"))
        # the signed-in user has a budget of their own
        assert client.get("/api/v1/circuits/monza", headers=bearer(token)).status_code == 200
        # liveness and metrics stay reachable for probes and scrapers
        assert client.get("/health").status_code == 200
        assert client.get("/metrics").status_code == 200
        assert "undercut_rate_limited_total 2.0" in client.get("/metrics").text


def test_redis_shares_limits_and_cache_between_processes(
    built_settings: Settings, tmp_path: Path, redis_settings: dict[str, str]
) -> None:
    settings = api_settings(
        built_settings, tmp_path / "app.sqlite", rate_limit=LIMIT, **redis_settings
    )
    add_users(settings)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        a = first.get("/api/v1/drivers/alonso")
        assert a.status_code == 200
        b = second.get("/api/v1/drivers/alonso")
        assert b.json() == a.json() and b.headers["etag"] == a.headers["etag"]
        hits = re.search(
            r'^undercut_response_cache_total\{result="hit"\} (\S+)$',
            second.get("/metrics").text,
            re.MULTILINE,
        )
        assert hits is not None and float(hits.group(1)) == 1  # served from Redis
        assert first.get("/api/v1/drivers/alonso").status_code == 200
        assert second.get("/api/v1/drivers/alonso").status_code == 200
        _limited(first.get("/api/v1/drivers/alonso"))  # 5th request between the two
        _limited(second.get("/api/v1/drivers/alonso"))
    client = redis.Redis.from_url(redis_settings["redis_url"])
    keys = {k.decode() for k in client.scan_iter(match=redis_settings["redis_prefix"] + "*")}
    client.close()
    assert any(":rl:" in k for k in keys) and any(":cache:" in k for k in keys)


def test_unreachable_redis_degrades_without_failing_reads(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = api_settings(
        built_settings, tmp_path / "app.sqlite", rate_limit=LIMIT, redis_url="redis://127.0.0.1:1/0"
    )
    add_users(settings)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/circuits/monza").status_code == 200
        health = client.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["checks"]["redis"]["status"] == "down"


def test_behind_a_trusted_proxy_each_client_has_a_limit_of_its_own(
    built_settings: Settings, tmp_path: Path
) -> None:
    """A load balancer on another address (here 127.0.0.2) sends every client's requests.
    Unless it is trusted, every client counts as the balancer: one client spent the limit
    of all. A trusted balancer's ``X-Forwarded-For`` names the client; anyone else's is
    ignored, so a client cannot spoof its way to a new budget."""
    env = cli_env(
        built_settings.local_dir,
        UNDERCUT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}",
        UNDERCUT_RATE_LIMIT="3/1000d",
        UNDERCUT_FORWARDED_ALLOW_IPS="127.0.0.2",
    )
    server, url = start_serve(env, tmp_path / "serve.log", "--workers", "1")
    try:

        def client(address: str) -> httpx.Client:
            return httpx.Client(
                base_url=url, transport=httpx.HTTPTransport(local_address=address), timeout=30
            )

        def get(http: httpx.Client, forwarded_for: str) -> httpx.Response:
            return http.get("/api/v1/circuits/monza", headers={"x-forwarded-for": forwarded_for})

        with client("127.0.0.2") as balancer, client("127.0.0.3") as direct:
            assert [get(balancer, "203.0.113.7").status_code for _ in range(3)] == [200] * 3
            _limited(get(balancer, "203.0.113.7"))
            assert get(balancer, "203.0.113.8").status_code == 200  # another client
            spoofed = [get(direct, f"203.0.113.{n}").status_code for n in range(10, 14)]
            assert spoofed == [200, 200, 200, 429]  # one budget, whatever it claims
    finally:
        kill_group(server, signal.SIGINT)
