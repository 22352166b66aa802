"""Passwords, access tokens and refresh tokens.

- Passwords are hashed with Argon2id. A login for an unknown name still verifies against
  a dummy hash, so response time does not reveal which names exist.
- Access tokens are short-lived JWTs (HS256, ``settings.secret_key``); nothing is stored
  server-side, so they cannot be revoked and are kept short for that reason.
- Refresh tokens are random strings, stored hashed, rotated on every use; presenting a
  spent one revokes its whole family (see ``undercut.appdb.users``).
- Repeated wrong passwords lock an account for ``settings.login_lockout_minutes``.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from undercut.appdb import users as user_store
from undercut.appdb.users import User, utcnow
from undercut.config import DEV_SECRET, Settings
from undercut.errors import AuthError, InputError

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A real Argon2 hash of a random password, compared against when the name is unknown."""
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if not password:
        raise InputError("password: must not be empty")
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_secret(settings: Settings) -> None:
    """Refuse to serve outside development with the placeholder or a short secret."""
    if settings.environment == "development":
        return
    if settings.secret_key == DEV_SECRET or len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise InputError(
            "UNDERCUT_SECRET_KEY: set a random secret of at least "
            f"{MIN_SECRET_LENGTH} characters when UNDERCUT_ENVIRONMENT is "
            f"{settings.environment!r} (the built-in one is for development only)"
        )


@dataclass(frozen=True)
class Principal:
    """Who a valid access token speaks for."""

    user_id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def create_access_token(settings: Settings, user: User) -> tuple[str, int]:
    """A signed JWT for ``user``; returns the token and its lifetime in seconds."""
    lifetime = settings.access_token_minutes * 60
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "name": user.name,
        "role": user.role,
        "type": "access",
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), lifetime


def decode_access_token(settings: Settings, token: str) -> Principal:
    """Check signature, expiry and type; any failure is one ``AuthError``."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("access token expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthError("invalid access token") from exc
    if claims.get("type") != "access":
        raise AuthError("invalid access token")
    try:
        return Principal(
            int(claims["sub"]), str(claims.get("name", "")), str(claims.get("role", "user"))
        )
    except (TypeError, ValueError) as exc:
        raise AuthError("invalid access token") from exc


def authenticate(settings: Settings, session: Session, name: str, password: str) -> User:
    """Check a name and password, with lock-out after repeated failures.

    Raises:
        AuthError: unknown name, wrong password, disabled or locked account (one message
            for the first two, so the answer does not reveal which names exist).
    """
    user = user_store.get_user_by_name(session, name)
    if user is None:
        verify_password(password, _dummy_hash())
        raise AuthError("incorrect user name or password")
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        verify_password(password, _dummy_hash())
        raise AuthError("account locked after repeated failed logins; try again later")
    if not verify_password(password, user.password_hash):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
        session.commit()
        raise AuthError("incorrect user name or password")
    if not user.is_active:
        raise AuthError("account disabled")
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
        session.commit()
    return user


def _issue(settings: Settings, session: Session, user: User, family_id: str) -> TokenPair:
    access, lifetime = create_access_token(settings, user)
    refresh = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=settings.refresh_token_days)
    user_store.store_refresh_token(session, user.id, family_id, refresh, expires)
    return TokenPair(access, refresh, lifetime)


def login(settings: Settings, session: Session, name: str, password: str) -> TokenPair:
    """Password grant: a fresh access token and the first refresh token of a new family."""
    user = authenticate(settings, session, name, password)
    return _issue(settings, session, user, uuid.uuid4().hex)


def refresh(settings: Settings, session: Session, token: str) -> TokenPair:
    """Spend a refresh token for a new pair; a reused token revokes its whole family."""
    row = user_store.find_refresh_token(session, token)
    if row is None:
        raise AuthError("invalid refresh token")
    if row.revoked_at is not None:
        raise AuthError("refresh token revoked")
    if row.used_at is not None or not user_store.spend_refresh_token(session, row):
        user_store.revoke_family(session, row.family_id)
        raise AuthError("refresh token reuse detected; every session of this login is revoked")
    if row.expires_at <= utcnow():
        raise AuthError("refresh token expired")
    user = user_store.get_user(session, row.user_id)
    if user is None or not user.is_active:
        raise AuthError("account disabled")
    return _issue(settings, session, user, row.family_id)


def logout(session: Session, token: str) -> bool:
    """Revoke the login the refresh token belongs to; False when the token is unknown."""
    row = user_store.find_refresh_token(session, token)
    if row is None:
        return False
    user_store.revoke_family(session, row.family_id)
    return True
