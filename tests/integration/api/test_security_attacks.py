"""Attacks on the API, in both profiles (SQLite app database; PostgreSQL with Redis), each
answered the right way: parallel password guessing, user-name probing, forged and
tampered tokens, refresh-token reuse, mass assignment, credentialed cross-origin reads,
and path traversal in an ingested zip."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from support.api import ADMIN_PASSWORD, USER_PASSWORD, add_user, bearer, login
from support.jobs import BIN, cli_env, free_port, kill_group, start_cli, wait_for
from undercut.api import security
from undercut.appdb import users as user_store
from undercut.appdb.base import session_factory
from undercut.appdb.users import User
from undercut.config import DEV_SECRET, Settings

pytestmark = pytest.mark.xdist_group("built_home")

LIVE_MAX_FAILURES = 5


@dataclass(frozen=True)
class Live:
    """``undercut serve`` in its own process over the profile's databases."""

    url: str
    settings: Settings


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health/live", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def live(served: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    settings = served.model_copy(update={"login_max_failures": LIVE_MAX_FAILURES})
    extra = {
        "UNDERCUT_DATABASE_URL": str(settings.database_url),
        "UNDERCUT_RATE_LIMIT": "none",
        # the parallel guesses come from one address here but stand for many clients: the
        # per-client bound on requests in progress would turn most of them away (429)
        # before the lock-out is put to the test (that bound has tests of its own)
        "UNDERCUT_MAX_CONCURRENT_PER_CLIENT": "0",
        "UNDERCUT_LOGIN_MAX_FAILURES": str(LIVE_MAX_FAILURES),
        "UNDERCUT_LOG_LEVEL": "WARNING",
    }
    if settings.redis_url:
        extra |= {"UNDERCUT_REDIS_URL": settings.redis_url}
        extra |= {"UNDERCUT_REDIS_PREFIX": settings.redis_prefix}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("live") / "serve.log"
    server = start_cli(
        ["serve", "--workers", "1", "--port", str(port)], cli_env(settings.local_dir, **extra), log
    )
    try:
        wait_for(lambda: server.poll() is not None or _up(url), 90, "undercut serve")
        assert server.poll() is None, log.read_text()
        yield Live(url, settings)
    finally:
        kill_group(server, signal.SIGINT)


def _sign_in_at_once(url: str, name: str, passwords: list[str]) -> list[httpx.Response]:
    """Every password for ``name`` in its own thread, released together."""
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=600) as http:  # a busy machine is slow
            start.wait()
            return http.post("/auth/token", data={"username": name, "password": password})

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        return list(pool.map(attempt, passwords))


def _locked(settings: Settings, name: str) -> bool:
    with session_factory(settings)() as session:
        user = user_store.get_user_by_name(session, name)
        assert user is not None
        return user.locked_until is not None and user.locked_until > user_store.utcnow()


@pytest.mark.parametrize(("wrong", "right"), [(60, 0), (39, 1)])
def test_parallel_guesses_lock_the_account(live: Live, wrong: int, right: int) -> None:
    name = f"guessed-{uuid.uuid4().hex[:6]}"
    add_user(live.settings, name, "the-right-password")
    passwords = [f"wrong-{i}" for i in range(wrong)] + ["the-right-password"] * right
    answers = _sign_in_at_once(live.url, name, passwords)
    statuses = [response.status_code for response in answers]
    assert set(statuses) <= {200, 401} and statuses.count(200) <= right, statuses
    assert _locked(live.settings, name)
    late = httpx.post(
        f"{live.url}/auth/token", data={"username": name, "password": "the-right-password"}
    )
    assert late.status_code == 401, late.text


def test_a_locked_name_answers_like_an_unknown_one(live: Live) -> None:
    name = f"probed-{uuid.uuid4().hex[:6]}"
    add_user(live.settings, name, "the-right-password")
    for _ in range(LIVE_MAX_FAILURES):
        httpx.post(f"{live.url}/auth/token", data={"username": name, "password": "wrong"})
    assert _locked(live.settings, name)
    answers = {
        probe: httpx.post(f"{live.url}/auth/token", data={"username": probe, "password": "x"})
        for probe in (name, f"nobody-{uuid.uuid4().hex[:6]}")
    }
    locked, unknown = answers.values()
    assert locked.status_code == unknown.status_code == 401
    assert locked.content == unknown.content
    volatile = {"date", "x-request-id", "x-process-time", "server-timing"}
    assert {k: v for k, v in locked.headers.items() if k not in volatile} == {
        k: v for k, v in unknown.headers.items() if k not in volatile
    }


NUL_REQUESTS = (
    ("/api/v1/runs/ab%00c", None),
    ("/api/v1/runs?status=%00", None),
    ("/api/v1/runs?kind=ab%00c", None),
    ("/api/v1/accuracy?model_version=%00", None),
    ("/auth/token", {"username": "ab\x00c", "password": "x"}),
)


def test_a_nul_character_is_bad_input_in_both_profiles(live: Live) -> None:
    """PostgreSQL refuses a NUL character in text. On that profile a NUL in a run id, a
    filter or a user name failed the request with a 500 (for anyone, before signing in: a
    way to trip the 5xx alert), where SQLite took it. Both now refuse it as bad input."""
    with httpx.Client(base_url=live.url, timeout=30) as http:
        for path, form in NUL_REQUESTS:
            answer = http.post(path, data=form) if form else http.get(path)
            assert answer.status_code == 400, (path, answer.text)
            assert answer.json()["error"] == "bad_request", path
            assert "NUL characters are not allowed" in answer.json()["detail"], path
        assert http.get("/health/live").status_code == 200  # the pool's connections still work


def test_a_lone_surrogate_in_a_json_body_is_a_422_not_a_500(live: Live) -> None:
    """``"\\ud83c"`` is valid JSON but no text: the body is refused (422), and the answer,
    which repeats the input it refuses, was itself not encodable, so the client got a 500
    and its connection was dropped."""
    body = b'{"refresh_token": "\\ud83c"}'
    with httpx.Client(base_url=live.url, timeout=30) as http:
        for path in ("/auth/refresh", "/auth/logout"):
            answer = http.post(path, content=body, headers={"content-type": "application/json"})
            assert answer.status_code == 422, (path, answer.text)
            (error,) = answer.json()["detail"]
            assert error["loc"] == ["body", "refresh_token"] and error["input"] == "\ud83c"
            assert http.get("/health/live").status_code == 200  # the connection still serves


def test_a_huge_body_is_refused_before_it_is_read(live: Live) -> None:
    """Every body the API takes is a few hundred bytes (a sign-in, a token, a job's
    options). A 200 MB refresh token was read, parsed and repeated in the 422 whole: the
    process grew by 0.8 GB for one request, anyone's, before signing in."""
    big = b'{"refresh_token": "' + b"a" * (8 * 1024 * 1024) + b'"}'

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    with httpx.Client(base_url=live.url, timeout=60) as http:
        for body in (big, chunks()):
            answer = http.post(
                "/auth/refresh", content=body, headers={"content-type": "application/json"}
            )
            assert answer.status_code == 413, answer.text[:200]
            assert answer.json()["error"] == "too_large" and len(answer.content) < 1000
        form = {"username": "someone", "password": "x" * (1024 * 1024)}
        assert http.post("/auth/token", data=form).status_code == 413
        small = {"username": "someone", "password": "x"}
        assert http.post("/auth/token", data=small).status_code == 401


# --- tokens -------------------------------------------------------------------------------
def _user_id(settings: Settings, name: str) -> int:
    with session_factory(settings)() as session:
        user = user_store.get_user_by_name(session, name)
        assert user is not None
        return user.id


def _unsigned(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


FORGERIES: dict[str, Callable[[dict[str, object], str], str]] = {
    "expired": lambda c, key: jwt.encode({**c, "exp": int(c["exp"]) - 305}, key, algorithm="HS256"),
    "another-key": lambda c, key: jwt.encode(c, "x" + key, algorithm="HS256"),
    "published-placeholder-key": lambda c, key: jwt.encode(c, DEV_SECRET, algorithm="HS256"),
    "alg-none": lambda c, key: _unsigned(c),
    "alg-hs512": lambda c, key: jwt.encode(c, key, algorithm="HS512"),
    "no-expiry": lambda c, key: jwt.encode(
        {k: v for k, v in c.items() if k != "exp"}, key, algorithm="HS256"
    ),
    "refresh-type": lambda c, key: jwt.encode({**c, "type": "refresh"}, key, algorithm="HS256"),
    "unknown-user": lambda c, key: jwt.encode({**c, "sub": "999999"}, key, algorithm="HS256"),
    "garbage": lambda c, key: "not.a.jwt",
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_tokens_get_401(client: TestClient, served: Settings, forgery: str) -> None:
    claims: dict[str, object] = {
        "sub": str(_user_id(served, "admin")),
        "name": "admin",
        "role": "admin",
        "type": "access",
        "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()),
    }
    token = FORGERIES[forgery](claims, security.signing_key(served))
    for path in ("/auth/me", "/api/v1/admin/jobs/no-such-job"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
        assert ("expired" if forgery == "expired" else "invalid") in response.json()["detail"]


def test_a_refresh_token_is_not_an_access_token(client: TestClient) -> None:
    refresh = login(client, "reader", USER_PASSWORD)["refresh_token"]
    response = client.get("/auth/me", headers=bearer(refresh))
    assert response.status_code == 401 and "invalid" in response.json()["detail"]


def test_the_role_comes_from_the_account_not_the_token(
    client: TestClient, served: Settings
) -> None:
    name = f"demoted-{uuid.uuid4().hex[:6]}"
    add_user(served, name, "admin-for-now-1", role="admin")
    token = login(client, name, "admin-for-now-1")["access_token"]
    admin_route = "/api/v1/admin/jobs/no-such-job"
    assert client.get(admin_route, headers=bearer(token)).status_code == 404
    # a token whose role claim says admin, correctly signed, for a plain user
    claims = {"sub": str(_user_id(served, "reader")), "role": "admin", "type": "access"}
    claims |= {"exp": datetime.now(UTC) + timedelta(minutes=5)}
    boasting = jwt.encode(claims, security.signing_key(served), algorithm="HS256")
    assert client.get(admin_route, headers=bearer(boasting)).status_code == 403
    with session_factory(served)() as session:
        session.execute(update(User).where(User.name == name).values(role="user"))
        session.commit()
    assert client.get(admin_route, headers=bearer(token)).status_code == 403
    assert client.get("/auth/me", headers=bearer(token)).json()["role"] == "user"
    with session_factory(served)() as session:
        session.execute(update(User).where(User.name == name).values(is_active=False))
        session.commit()
    gone = client.get("/auth/me", headers=bearer(token))
    assert gone.status_code == 401 and "disabled" in gone.json()["detail"]


def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient) -> None:
    first = login(client, "reader", USER_PASSWORD)
    other = login(client, "reader", USER_PASSWORD)
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200 and second.headers["cache-control"] == "no-store"
    newest = second.json()
    assert newest["refresh_token"] != first["refresh_token"]
    assert client.get("/auth/me", headers=bearer(newest["access_token"])).status_code == 200
    # the spent token comes back: someone copied it, so the whole login is revoked
    reused = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and "reuse detected" in reused.json()["detail"]
    revoked = client.post("/auth/refresh", json={"refresh_token": newest["refresh_token"]})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    # another login of the same user is untouched
    again = client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert again.status_code == 200


# --- mass assignment and cross-origin reads ------------------------------------------------
def test_extra_fields_cannot_raise_a_sign_in(client: TestClient, served: Settings) -> None:
    admin_id = str(_user_id(served, "admin"))
    extra = {"role": "admin", "scope": "admin", "user_id": admin_id, "sub": admin_id}
    form = {"username": "reader", "password": USER_PASSWORD, **extra}
    tokens = client.post("/auth/token", data=form).json()
    refreshed = client.post(
        "/auth/refresh", json={"refresh_token": tokens["refresh_token"], **extra, "id": admin_id}
    )
    assert refreshed.status_code == 200
    for token in (tokens["access_token"], refreshed.json()["access_token"]):
        me = client.get("/auth/me", headers=bearer(token)).json()
        assert (me["name"], me["role"]) == ("reader", "user")
        assert client.get("/api/v1/admin/jobs/x", headers=bearer(token)).status_code == 403


def test_other_origins_never_read_with_credentials(client: TestClient) -> None:
    evil = "https://evil.example"
    token = login(client, "admin", ADMIN_PASSWORD)["access_token"]
    answers = [
        client.get(path, headers={"Origin": evil, "Cookie": "session=x", **bearer(token)})
        for path in ("/auth/me", "/api/v1/admin/jobs/x", "/api/v1/drivers/hamilton")
    ]
    answers.append(
        client.options(
            "/api/v1/drivers/hamilton",
            headers={
                "Origin": evil,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
    )
    for response in answers:
        assert "access-control-allow-credentials" not in response.headers
        assert response.headers.get("access-control-allow-origin") in (None, "*")


# --- hostile archives ----------------------------------------------------------------------
def test_zip_entries_cannot_escape_the_extraction(archive_dir: Path, tmp_path: Path) -> None:
    """``../`` and absolute names in a zip land nowhere outside undercut's work folder."""
    home, outside = tmp_path / "home", tmp_path / "outside"
    outside.mkdir()
    hostile = tmp_path / "hostile.zip"
    # unpacked under home/<work dir>/extracted, each of these would reach ``outside``
    escapes = [
        "data/../../../../outside/dots.csv",
        "../../../outside/escaped.csv",
        f"{outside}/absolute.csv",
    ]
    with zipfile.ZipFile(hostile, "w") as archive:
        for path in sorted(archive_dir.iterdir()):
            archive.write(path, f"data/{path.name}")
        for name in escapes:
            archive.writestr(name, "circuitId,circuitRef\n1,pwned\n")
    before = {p for p in tmp_path.rglob("*")}
    done = subprocess.run(
        [str(BIN / "undercut"), "ingest", "archive", "--source", str(hostile)],
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    appeared = {p for p in tmp_path.rglob("*") if p not in before}
    assert appeared and all(p.is_relative_to(home) for p in appeared), appeared
    assert not list(outside.iterdir())
    assert not [p for p in home.rglob("*.csv") if p.name in ("dots.csv", "escaped.csv")]
