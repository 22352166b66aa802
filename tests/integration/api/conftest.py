"""An API over the session's built home, with its own app database (the home stays
read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from undercut.api.app import create_app
from undercut.api.security import hash_password
from undercut.appdb import migrate
from undercut.appdb import users as user_store
from undercut.appdb.base import session_factory
from undercut.config import Settings

ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"


def api_settings(built: Settings, app_db: Path, **overrides: object) -> Settings:
    values = {"database_url": f"sqlite:///{app_db}", "rate_limit": "none",
              "login_max_failures": 3, **overrides}
    return built.model_copy(update=values)


def add_users(settings: Settings) -> None:
    migrate.upgrade(settings)
    with session_factory(settings)() as session:
        user_store.create_user(session, "admin", hash_password(ADMIN_PASSWORD), "admin")
        user_store.create_user(session, "reader", hash_password(USER_PASSWORD), "user")


@pytest.fixture(scope="module")
def served(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = api_settings(built_settings, tmp_path_factory.mktemp("appdb") / "app.sqlite")
    add_users(settings)
    return settings


@pytest.fixture(scope="module")
def client(served: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(served)) as client:
        yield client


def login(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
