"""Helpers for API tests: accounts, sign-in, settings for an app over a built home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from undercut.api.security import hash_password
from undercut.appdb import migrate
from undercut.appdb import users as user_store
from undercut.appdb.base import session_factory
from undercut.config import Settings

ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"


def api_settings(built: Settings, app_db: Path, **overrides: object) -> Settings:
    """The built home served with its own SQLite app database (the home stays read-only)."""
    values = {
        "database_url": f"sqlite:///{app_db}",
        "rate_limit": "none",
        "rate_limit_pages": "none",
        "login_max_failures": 3,
        **overrides,
    }
    return built.model_copy(update=values)


def add_user(settings: Settings, name: str, password: str, role: str = "user") -> None:
    with session_factory(settings)() as session:
        user_store.create_user(session, name, hash_password(password), role)


def add_users(settings: Settings) -> None:
    """Migrate, then add ``admin`` (admin) and ``reader`` (user)."""
    migrate.upgrade(settings)
    add_user(settings, "admin", ADMIN_PASSWORD, "admin")
    add_user(settings, "reader", USER_PASSWORD, "user")


def login(client: TestClient, name: str, password: str) -> dict[str, Any]:
    response = client.post("/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def uniform_prediction(
    client: TestClient, season: int, round: int, kind: str, version: str, trained_until: str
) -> dict[str, Any]:
    """A prediction document of a race with results that gives every starter the same
    chances (expected positions in driverId order), as `undercut predict` would store it."""
    race = client.get(f"/api/v1/races/{season}/{round}/results").json()
    results = sorted(race["results"], key=lambda r: r["driverId"])
    field = len(results)
    return {
        "season": season,
        "round": round,
        "race": race.get("raceName"),
        "kind": kind,
        "model": {"version": version, "trained_until": trained_until},
        "basis": "pre-qualifying",
        "stage": "pre-weekend",
        "drivers": [
            {
                "driverId": r["driverId"],
                "code": None,
                "constructorId": r["constructorId"],
                "grid": None,
                "p_win": 1 / field,
                "p_podium": 3 / field,
                "p_points": 10 / field,
                "expected_position": rank,
            }
            for rank, r in enumerate(results, 1)
        ],
    }
