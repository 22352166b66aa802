"""Sign-in, logout and the admin guard over HTTP, in both profiles (the attacks on them:
test_security_attacks)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from support.api import ADMIN_PASSWORD, USER_PASSWORD, bearer, login
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
