"""Passwords, access tokens, refresh rotation and lock-out, against a real SQLite app DB."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy.orm import Session

from undercut.api import security
from undercut.appdb import migrate
from undercut.appdb import users as user_store
from undercut.appdb.base import session_factory
from undercut.config import DEV_SECRET, Settings, get_settings
from undercut.errors import AuthError, InputError


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = get_settings(home=str(tmp_path), login_max_failures=3)
    migrate.upgrade(settings)
    return settings


@pytest.fixture
def session(settings: Settings) -> Session:
    with session_factory(settings)() as session:
        user_store.create_user(session, "ada", security.hash_password("s3cret-pass"), "admin")
        yield session


def test_passwords_are_argon2_and_verify() -> None:
    hashed = security.hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert security.verify_password("correct horse", hashed)
    assert not security.verify_password("wrong horse", hashed)
    assert not security.verify_password("anything", "not-a-hash")


def test_access_token_round_trip_and_forgery(settings: Settings, session: Session) -> None:
    pair = security.login(settings, session, "ada", "s3cret-pass")
    principal = security.decode_access_token(settings, pair.access_token)
    assert principal.name == "ada" and principal.is_admin
    assert pair.expires_in == settings.access_token_minutes * 60
    forged = jwt.encode(
        {"sub": "1", "role": "admin", "type": "access", "exp": 9999999999},
        "some-other-secret-that-is-long-enough-32",
        algorithm="HS256",
    )
    with pytest.raises(AuthError, match="invalid"):
        security.decode_access_token(settings, forged)
    with pytest.raises(AuthError, match="invalid"):
        security.decode_access_token(settings, pair.refresh_token)


def test_expired_access_token_is_refused(settings: Settings, session: Session) -> None:
    user = user_store.get_user_by_name(session, "ada")
    assert user is not None
    expired = settings.model_copy(update={"access_token_minutes": -1})
    token, _ = security.create_access_token(expired, user)
    with pytest.raises(AuthError, match="expired"):
        security.decode_access_token(settings, token)


def test_refresh_rotates_and_reuse_revokes_the_family(settings: Settings, session: Session) -> None:
    first = security.login(settings, session, "ada", "s3cret-pass")
    second = security.refresh(settings, session, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    third = security.refresh(settings, session, second.refresh_token)
    # the first token is replayed: the whole login is revoked, including the newest token
    with pytest.raises(AuthError, match="reuse"):
        security.refresh(settings, session, first.refresh_token)
    with pytest.raises(AuthError, match="revoked"):
        security.refresh(settings, session, third.refresh_token)
    # another login is unaffected
    other = security.login(settings, session, "ada", "s3cret-pass")
    assert security.refresh(settings, session, other.refresh_token).access_token


def test_expired_refresh_token_is_refused(settings: Settings, session: Session) -> None:
    pair = security.login(settings, session, "ada", "s3cret-pass")
    row = user_store.find_refresh_token(session, pair.refresh_token)
    assert row is not None
    row.expires_at = user_store.utcnow() - timedelta(seconds=1)
    session.commit()
    with pytest.raises(AuthError, match="expired"):
        security.refresh(settings, session, pair.refresh_token)


def test_logout_revokes(settings: Settings, session: Session) -> None:
    pair = security.login(settings, session, "ada", "s3cret-pass")
    assert security.logout(session, pair.refresh_token)
    with pytest.raises(AuthError, match="revoked"):
        security.refresh(settings, session, pair.refresh_token)
    assert not security.logout(session, "never-issued")


def test_wrong_password_locks_the_account(settings: Settings, session: Session) -> None:
    for _ in range(settings.login_max_failures):
        with pytest.raises(AuthError, match="incorrect"):
            security.login(settings, session, "ada", "wrong")
    with pytest.raises(AuthError, match="locked"):
        security.login(settings, session, "ada", "s3cret-pass")
    user = user_store.get_user_by_name(session, "ada")
    assert user is not None and user.locked_until is not None
    user.locked_until = user_store.utcnow() - timedelta(seconds=1)
    session.commit()
    assert security.login(settings, session, "ada", "s3cret-pass").access_token


def test_unknown_user_gets_the_same_answer(settings: Settings, session: Session) -> None:
    with pytest.raises(AuthError, match="incorrect user name or password"):
        security.login(settings, session, "nobody", "whatever")


def test_user_names_and_roles_are_validated(session: Session) -> None:
    with pytest.raises(InputError, match="role"):
        user_store.create_user(session, "bob", "x", "superuser")
    with pytest.raises(InputError, match="already exists"):
        user_store.create_user(session, "ada", "x", "user")


def test_placeholder_secret_refused_outside_development(tmp_path: Path) -> None:
    security.check_secret(get_settings(home=str(tmp_path)))
    with pytest.raises(InputError, match="UNDERCUT_SECRET_KEY"):
        security.check_secret(get_settings(home=str(tmp_path), environment="production"))
    with pytest.raises(InputError, match="UNDERCUT_SECRET_KEY"):
        security.check_secret(
            get_settings(home=str(tmp_path), environment="production", secret_key="short")
        )
    security.check_secret(
        get_settings(home=str(tmp_path), environment="production", secret_key="x" * 40)
    )
    assert DEV_SECRET != "x" * 40
