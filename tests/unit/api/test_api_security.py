"""Passwords, access tokens, refresh rotation, lock-out and signing secrets, against a real
SQLite app DB."""

from __future__ import annotations

import secrets
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import fsspec
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


def test_access_token_round_trip(settings: Settings, session: Session) -> None:
    pair = security.login(settings, session, "ada", "s3cret-pass")
    principal = security.principal_for(settings, session, pair.access_token)
    assert principal.name == "ada" and principal.is_admin
    assert pair.expires_in == settings.access_token_minutes * 60


def test_expired_access_token_is_refused(settings: Settings, session: Session) -> None:
    user = user_store.get_user_by_name(session, "ada")
    assert user is not None
    expired = settings.model_copy(update={"access_token_minutes": -1})
    token, _ = security.create_access_token(expired, user)
    with pytest.raises(AuthError, match="expired"):
        security.decode_access_token(settings, token)


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
    session.expire_all()
    user = user_store.get_user_by_name(session, "ada")
    assert user is not None and user.locked_until is not None
    user.locked_until = user_store.utcnow() - timedelta(seconds=1)
    session.commit()
    assert security.login(settings, session, "ada", "s3cret-pass").access_token


def test_user_names_and_roles_are_validated(session: Session) -> None:
    with pytest.raises(InputError, match="role"):
        user_store.create_user(session, "bob", "x", "superuser")
    with pytest.raises(InputError, match="already exists"):
        user_store.create_user(session, "ada", "x", "user")


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        (DEV_SECRET, "placeholder"),
        (DEV_SECRET + " ", "placeholder"),
        ("please-change-me-" + "k3Yq9" * 8, "placeholder"),
        ("short", "5 characters"),
        ("a" * 32, "1 different"),
        ("  " + "ab" * 20 + "  ", "2 different"),
        ("a" * 30 + "bcdefghijk", "bits"),
    ],
)
def test_guessable_secrets_are_refused(tmp_path: Path, secret: str, problem: str) -> None:
    for environment in ("production", "development"):
        settings = get_settings(home=str(tmp_path), environment=environment, secret_key=secret)
        with pytest.raises(InputError, match=f"UNDERCUT_SECRET_KEY: refused, .*{problem}"):
            security.check_secret(settings)


@pytest.mark.parametrize(
    "secret",
    [
        secrets.token_urlsafe(48),
        secrets.token_hex(16),
        secrets.token_hex(32),
        "a-test-secret-that-is-long-enough-for-production",
    ],
    # fixed ids: random values must not name the tests (parallel workers collect them apart)
    ids=["token_urlsafe-48", "token_hex-16", "token_hex-32", "long-phrase"],
)
def test_random_secrets_pass(tmp_path: Path, secret: str) -> None:
    security.check_secret(get_settings(home=str(tmp_path), environment="prod", secret_key=secret))


def test_outside_development_a_secret_is_required(tmp_path: Path) -> None:
    security.check_secret(get_settings(home=str(tmp_path)))
    (tmp_path / "a-file").write_text("")
    unkeepable = get_settings(home=str(tmp_path / "a-file" / "home"))
    with pytest.raises(InputError, match=r"UNDERCUT_SECRET_KEY: unset, .*development\.secret"):
        security.check_secret(unkeepable)
    with pytest.raises(InputError, match="UNDERCUT_SECRET_KEY: required"):
        security.check_secret(get_settings(home=str(tmp_path), environment="production"))


def test_each_development_home_signs_with_its_own_private_key(tmp_path: Path) -> None:
    one, other = (get_settings(home=str(tmp_path / name)) for name in ("one", "other"))
    key = security.signing_key(one)
    assert security.secret_problem(key) is None and key != DEV_SECRET
    assert key != security.signing_key(other)
    kept = tmp_path / "one" / security.DEV_SECRET_FILE
    assert kept.read_text() == key and kept.stat().st_mode & 0o777 == 0o600
    remote = get_settings(home=f"memory://dev-secret-{uuid.uuid4().hex}/home")
    remote_key = security.signing_key(remote)
    assert security.secret_problem(remote_key) is None and remote_key not in (key, DEV_SECRET)
    stored = fsspec.filesystem("memory").cat_file(f"{remote.home}/{security.DEV_SECRET_FILE}")
    assert stored.decode() == remote_key


def test_processes_starting_together_share_one_development_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    program = (
        "import sys; from undercut.config import get_settings; "
        "from undercut.api.security import signing_key; "
        "print(signing_key(get_settings(home=sys.argv[1])))"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", program, str(home)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    keys = {child.communicate(timeout=60)[0].strip() for child in children}
    assert len(keys) == 1 and keys == {(home / security.DEV_SECRET_FILE).read_text()}
