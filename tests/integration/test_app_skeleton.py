"""The service factory and the app-database migrations on an empty home."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from undercut.api.app import create_app
from undercut.appdb import migrate
from undercut.appdb.base import get_engine
from undercut.config import get_settings


def test_create_app_serves_openapi(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = create_app(get_settings(home=str(tmp_path)))
    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "undercut"


def test_migrations_upgrade_is_idempotent(tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path))
    migrate.upgrade(settings)
    migrate.upgrade(settings)
    tables = sa.inspect(get_engine(settings)).get_table_names()
    assert "alembic_version" in tables
