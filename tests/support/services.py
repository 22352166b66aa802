"""The PostgreSQL and Redis servers on this machine, for fixtures wider than one test.

Each use gets its own database / key prefix, removed afterwards, so parallel runs never
collide. When a server is unreachable the test is skipped, or fails with
``UNDERCUT_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "UNDERCUT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_TEST_URL = os.environ.get("UNDERCUT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(what: str, exc: Exception) -> None:
    message = f"SERVICE MISSING: {what} not reachable ({exc})"
    if os.environ.get("UNDERCUT_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a fresh, empty database, dropped on exit."""
    import psycopg

    name = f"undercut_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        service_missing(POSTGRES_ADMIN_URL, exc)
    with admin:
        admin.execute(f'create database "{name}"')
    url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        yield url
    finally:
        from undercut.appdb.base import _engine_for

        _engine_for(url).dispose()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


@contextmanager
def redis_prefix() -> Iterator[dict[str, str]]:
    """``redis_url`` and a unique ``redis_prefix``; every key under it is deleted on exit."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing(REDIS_TEST_URL, exc)
    prefix = f"undercut-test:{uuid.uuid4().hex[:12]}:"
    try:
        yield {"redis_url": REDIS_TEST_URL, "redis_prefix": prefix}
    finally:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        client.close()
