"""`undercut serve --workers 2` as real processes: production settings, one rate limit
shared by every worker through Redis."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from support.jobs import cli_env, kill_group, start_serve
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def test_worker_processes_share_one_rate_limit(
    built_settings: Settings, tmp_path: Path, redis_settings: dict[str, str]
) -> None:
    env = cli_env(
        built_settings.local_dir,
        UNDERCUT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}",
        UNDERCUT_REDIS_URL=redis_settings["redis_url"],
        UNDERCUT_REDIS_PREFIX=redis_settings["redis_prefix"],
        UNDERCUT_RATE_LIMIT="6/1000d",
        UNDERCUT_ENVIRONMENT="production",
        UNDERCUT_SECRET_KEY="a-test-secret-that-is-long-enough-for-production",
        UNDERCUT_LOG_LEVEL="WARNING",
    )
    server, base = start_serve(env, tmp_path / "serve.log", "--workers", "2")
    try:
        # a new connection each time, so the requests spread over the workers
        statuses = [
            httpx.get(
                f"{base}/api/v1/drivers/hamilton", headers={"Connection": "close"}
            ).status_code
            for _ in range(10)
        ]
        health = httpx.get(f"{base}/health").json()
    finally:
        kill_group(server, signal.SIGINT)
    assert statuses == [200] * 6 + [429] * 4
    assert health["status"] == "ok" and health["checks"]["redis"]["status"] == "ok"
