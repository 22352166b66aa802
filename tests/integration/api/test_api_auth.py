"""Sign-in, token rotation, logout and lock-out over HTTP, in both profiles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from support.api import ADMIN_PASSWORD, USER_PASSWORD, add_user, bearer, login
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def _unauthorized(response: object, match: str) -> None:
    assert response.status_code == 401, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"] == "unauthorized" and match in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"  # type: ignore[attr-defined]


def test_password_flow_issues_working_tokens(client: TestClient) -> None:
    tokens = login(client, "reader", USER_PASSWORD)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 15 * 60
    me = client.get("/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200 and me.json()["name"] == "reader"
    assert me.json()["role"] == "user"
    _unauthorized(client.get("/auth/me"), "not authenticated")


def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient) -> None:
    first = login(client, "reader", USER_PASSWORD)
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200 and second.headers["cache-control"] == "no-store"
    newest = second.json()
    assert newest["refresh_token"] != first["refresh_token"]
    assert client.get("/auth/me", headers=bearer(newest["access_token"])).status_code == 200
    # the spent token comes back: someone copied it, so the whole login is revoked
    _unauthorized(
        client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}),
        "reuse detected",
    )
    _unauthorized(
        client.post("/auth/refresh", json={"refresh_token": newest["refresh_token"]}), "revoked"
    )


def test_logout_revokes_the_refresh_token(client: TestClient) -> None:
    tokens = login(client, "reader", USER_PASSWORD)
    assert (
        client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code
        == 204
    )
    _unauthorized(
        client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), "revoked"
    )
    _unauthorized(
        client.post("/auth/refresh", json={"refresh_token": "never-issued"}),
        "invalid refresh token",
    )


@pytest.mark.parametrize("case", ["expired", "forged", "garbage", "refresh-as-access", "no-expiry"])
def test_bad_access_tokens_get_401(client: TestClient, served: Settings, case: str) -> None:
    now = datetime.now(UTC)
    claims = {
        "sub": "1",
        "name": "admin",
        "role": "admin",
        "type": "access",
        "exp": now + timedelta(minutes=5),
    }
    token = {
        "expired": lambda: jwt.encode(
            {**claims, "exp": now - timedelta(seconds=5)}, served.secret_key, algorithm="HS256"
        ),
        "forged": lambda: jwt.encode(
            claims, "not-the-server-secret-but-long-enough", algorithm="HS256"
        ),
        "garbage": lambda: "not.a.jwt",
        "refresh-as-access": lambda: login(client, "reader", USER_PASSWORD)["refresh_token"],
        "no-expiry": lambda: jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, served.secret_key, algorithm="HS256"
        ),
    }[case]()
    response = client.get("/auth/me", headers=bearer(token))
    _unauthorized(response, "expired" if case == "expired" else "invalid")


def test_wrong_passwords_lock_the_account(client: TestClient, served: Settings) -> None:
    name = f"locked-{uuid.uuid4().hex[:6]}"
    add_user(served, name, "right-password")
    for _ in range(served.login_max_failures):
        _unauthorized(
            client.post("/auth/token", data={"username": name, "password": "wrong"}), "incorrect"
        )
    _unauthorized(
        client.post("/auth/token", data={"username": name, "password": "right-password"}), "locked"
    )
    _unauthorized(
        client.post("/auth/token", data={"username": "nobody-at-all", "password": "wrong"}),
        "incorrect user name or password",
    )


@pytest.mark.parametrize("form", [{}, {"username": "reader"}, {"password": "x"}])
def test_incomplete_sign_in_is_422(client: TestClient, form: dict[str, str]) -> None:
    response = client.post("/auth/token", data=form)
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"


def test_admin_dependency_refuses_plain_users(served: Settings) -> None:
    from fastapi import Depends, FastAPI

    from undercut.api.app import create_app
    from undercut.api.deps import require_admin

    app: FastAPI = create_app(served, run_migrations=False)

    @app.get("/api/v1/admin/ping", dependencies=[Depends(require_admin)])
    def ping() -> dict[str, bool]:
        return {"ok": True}

    with TestClient(app) as admin_client:
        user = login(admin_client, "reader", USER_PASSWORD)["access_token"]
        admin = login(admin_client, "admin", ADMIN_PASSWORD)["access_token"]
        assert admin_client.get("/api/v1/admin/ping").status_code == 401
        denied = admin_client.get("/api/v1/admin/ping", headers=bearer(user))
        assert denied.status_code == 403 and denied.json()["error"] == "forbidden"
        assert admin_client.get("/api/v1/admin/ping", headers=bearer(admin)).json() == {"ok": True}
