"""Horizontal scale: two `undercut serve` processes over one PostgreSQL (the published copy
of the warehouse and the app database) and one Redis answer alike, and share the rate
limits and the response cache."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis as redis_client

from support.jobs import cli_env, kill_group, start_serve
from support.monitoring import total
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

LIMIT = 40  # requests per client, shared by both processes
# Behind one load balancer both see the same Host (Ergast answers name their own URL).
HOST = {"Host": "f1.example.org"}
SAMPLE = (
    "/ergast/f1/2023/results.json",
    "/ergast/f1/2023/driverStandings.json",
    "/ergast/f1/drivers/alonso.json",
    "/ergast/f1/2023/1/qualifying.json",
    "/ergast/f1/constructors.json?limit=5&offset=10",
    "/api/v1/drivers/hamilton",
    "/api/v1/standings/2023/drivers",
    "/api/v1/circuits?limit=5",
    "/api/v1/races/2023/1/results",
    "/api/v1/ratings/drivers",
)


@pytest.fixture
def two_servers(
    served: Settings, built_settings: Settings, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Processes A and B on their own ports, sharing the production profile's PostgreSQL
    and Redis (its key prefix, fresh for this test)."""
    env = cli_env(
        built_settings.local_dir,
        UNDERCUT_DATABASE_URL=str(served.database_url),
        UNDERCUT_REDIS_URL=str(served.redis_url),
        UNDERCUT_REDIS_PREFIX=f"{served.redis_prefix}scale:",
        UNDERCUT_RATE_LIMIT=f"{LIMIT}/1000d",
        UNDERCUT_MAX_CONCURRENT_PER_CLIENT="0",
        UNDERCUT_ENVIRONMENT="production",
        UNDERCUT_SECRET_KEY="a-test-secret-that-is-long-enough-for-production",
        UNDERCUT_LOG_LEVEL="WARNING",
    )
    processes = []
    try:
        for name in ("a", "b"):
            processes.append(start_serve(env, tmp_path / f"serve-{name}.log"))
        yield processes[0][1], processes[1][1]
    finally:
        for process, _ in processes:
            kill_group(process, signal.SIGINT)


@pytest.mark.parametrize("served", ["production"], indirect=True)
def test_two_processes_answer_alike_and_share_cache_and_limits(
    two_servers: tuple[str, str], served: Settings
) -> None:
    a, b = two_servers
    shared = redis_client.Redis.from_url(str(served.redis_url))
    cache_keys = f"{served.redis_prefix}scale:cache:*"

    def forget_cached() -> None:
        for key in shared.scan_iter(match=cache_keys):
            shared.delete(key)

    # Each answer computed by each process (the shared cache emptied in between).
    for path in SAMPLE:
        first = httpx.get(a + path, headers=HOST)
        forget_cached()
        second = httpx.get(b + path, headers=HOST)
        assert first.status_code == second.status_code == 200, (path, first.text[:200])
        assert first.content == second.content, path
        assert first.headers["etag"] == second.headers["etag"], path

    # A store on A is a hit on B.
    path = "/ergast/f1/2021/5/results.json"
    before = httpx.get(f"{b}/metrics").text
    hits = total(before, "undercut_response_cache_total", result="hit")
    stores = total(before, "undercut_response_cache_total", result="store")
    stored = httpx.get(a + path, headers=HOST)
    assert stored.status_code == 200
    assert total(httpx.get(f"{a}/metrics").text, "undercut_response_cache_total", result="store")
    again = httpx.get(b + path, headers=HOST)
    after = httpx.get(f"{b}/metrics").text
    assert again.content == stored.content
    assert total(after, "undercut_response_cache_total", result="hit") == hits + 1
    assert total(after, "undercut_response_cache_total", result="store") == stores

    # The limit exhausted on A refuses on B.
    answers = [httpx.get(f"{a}/api/v1/next-race").status_code for _ in range(LIMIT)]
    assert answers.count(429) >= 1 and answers[-1] == 429
    refused = httpx.get(f"{b}/api/v1/drivers/hamilton")
    assert refused.status_code == 429 and refused.headers.get("retry-after")
    shared.close()
