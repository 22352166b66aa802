"""An API over the session's built home, in both profiles, with its own app database (the
home stays read-only).

``embedded``: SQLite app database and a snapshot of the DuckDB warehouse, caches and limits
in memory. ``production``: PostgreSQL app database holding a published copy of the
warehouse, caches and limits in Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from support.api import add_users, api_settings
from support.services import postgres_database, redis_prefix
from undercut.api.app import create_app
from undercut.appdb import migrate
from undercut.config import Settings
from undercut.serving.publish import publish


@pytest.fixture(scope="session", params=["embedded", "production"])
def served(
    request: pytest.FixtureRequest,
    built_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Settings]:
    with ExitStack() as stack:
        if request.param == "embedded":
            settings = api_settings(built_settings, tmp_path_factory.mktemp("appdb") / "app.sqlite")
        else:
            url = stack.enter_context(postgres_database())
            redis = stack.enter_context(redis_prefix())
            settings = built_settings.model_copy(
                update={"database_url": url, "rate_limit": "none", "login_max_failures": 3, **redis}
            )
            migrate.upgrade(settings)
            publish(settings)
        add_users(settings)
        yield settings


@pytest.fixture(scope="module")
def client(served: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(served)) as client:
        yield client
