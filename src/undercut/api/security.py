"""Passwords, access tokens and refresh tokens.

- Passwords are hashed with Argon2id. A login for an unknown name still verifies against
  a dummy hash, so response time does not reveal which names exist.
- Access tokens are short-lived JWTs (HS256, signed with ``signing_key``); they only say
  *who*: the role, and whether the account still exists and is active, are read from the
  user row on every request. Nothing else is stored server-side, so they cannot be revoked
  and are kept short for that reason.
- The signing key is ``UNDERCUT_SECRET_KEY``, which must look random (``secret_problem``).
  In development without one, each home gets its own random key on first use, kept in the
  home (``development.secret``, mode 0600), so no published key ever signs tokens.
- Refresh tokens are random strings, stored hashed, rotated on every use; presenting a
  spent one revokes its whole family (see ``undercut.appdb.users``).
- Repeated wrong passwords lock an account for ``settings.login_lockout_minutes``; the
  failures are counted atomically, so parallel guesses are each counted. A locked account
  answers exactly like an unknown name or a wrong password.
"""

from __future__ import annotations

import math
import os
import secrets
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from undercut.appdb import users as user_store
from undercut.appdb.users import User, utcnow
from undercut.config import DEV_SECRET, Settings
from undercut.errors import AuthError, InputError
from undercut.lake import Lake

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 10
MIN_SECRET_BITS = 96
SECRET_RULE = (
    f"at least {MIN_SECRET_LENGTH} characters after trimming spaces, "
    f"{MIN_SECRET_DISTINCT} of them different, about {MIN_SECRET_BITS} bits by a "
    "Shannon estimate, and not a published placeholder"
)
PLACEHOLDER_WORDS = ("changeme", "change-me", "change_me", "placeholder", "example")
DEV_SECRET_FILE = "development.secret"
LOGIN_REFUSED = "incorrect user name or password, or the account is locked for a while"


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


def secret_estimated_bits(secret: str) -> float:
    """Length times the Shannon entropy per character: a rough guess of the bits."""
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return len(secret) * per_char


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` is not fit to sign tokens, or None (the rule is ``SECRET_RULE``)."""
    trimmed = secret.strip()
    lowered = trimmed.lower()
    if trimmed == DEV_SECRET or any(word in lowered for word in PLACEHOLDER_WORDS):
        return "it is a published placeholder"
    if len(trimmed) < MIN_SECRET_LENGTH:
        return f"it is {len(trimmed)} characters long"
    if len(set(trimmed)) < MIN_SECRET_DISTINCT:
        return f"it uses only {len(set(trimmed))} different characters"
    if (bits := secret_estimated_bits(trimmed)) < MIN_SECRET_BITS:
        return f"it holds about {bits:.0f} bits"
    return None


def check_secret(settings: Settings) -> None:
    """Refuse a guessable secret, and a missing one outside development; in development
    without one, make sure the home's own key can be kept."""
    if settings.secret_key is None:
        if settings.environment == "development":
            try:
                signing_key(settings)
            except OSError as exc:
                where = Lake.from_settings(settings).url(DEV_SECRET_FILE)
                raise InputError(
                    f"UNDERCUT_SECRET_KEY: unset, and the development key {where} cannot be "
                    f"kept ({exc}); set UNDERCUT_SECRET_KEY"
                ) from exc
            return
        raise InputError(
            f"UNDERCUT_SECRET_KEY: required when UNDERCUT_ENVIRONMENT is "
            f"{settings.environment!r}; set a random one ({SECRET_RULE})"
        )
    problem = secret_problem(settings.secret_key)
    if problem is not None:
        raise InputError(f"UNDERCUT_SECRET_KEY: refused, {problem}; it needs {SECRET_RULE}")


def _create_once_local(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` (mode 0600) unless it exists; safe between processes:
    the file appears whole or not at all (a hard link never replaces a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mkstemp's mode is 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        Path(tmp).unlink(missing_ok=True)


@cache
def _home_secret(root: str) -> str:
    lake = Lake(root)
    target = lake.path(DEV_SECRET_FILE)
    fresh = secrets.token_urlsafe(48)
    if not lake.is_remote:
        _create_once_local(Path(target), fresh)
    elif not lake.fs.exists(target):
        try:
            with lake.fs.open(target, "xb") as handle:  # exclusive where the store has it
                handle.write(fresh.encode())
        except FileExistsError:
            pass
        except (ValueError, NotImplementedError):
            lake.fs.pipe_file(target, fresh.encode())
    return bytes(lake.fs.cat_file(target)).decode().strip()


def signing_key(settings: Settings) -> str:
    """``UNDERCUT_SECRET_KEY``, or in development without one, the home's own random key."""
    if settings.secret_key is not None:
        return settings.secret_key.strip()
    return _home_secret(Lake.from_settings(settings).root)


@dataclass(frozen=True)
class AccessToken:
    """What a valid access token claims: only whose it is is trusted."""

    user_id: int


@dataclass(frozen=True)
class Principal:
    """The account behind a valid access token, as the database has it now."""

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
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM), lifetime


def decode_access_token(settings: Settings, token: str) -> AccessToken:
    """Check signature, expiry and type; any failure is one ``AuthError``."""
    try:
        claims = jwt.decode(
            token,
            signing_key(settings),
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
        return AccessToken(int(claims["sub"]))
    except (TypeError, ValueError) as exc:
        raise AuthError("invalid access token") from exc


def principal_for(settings: Settings, session: Session, token: str) -> Principal:
    """The account a bearer token speaks for, with its role as stored now.

    Raises:
        AuthError: a bad token, or an account that no longer exists or is disabled.
    """
    user = user_store.get_user(session, decode_access_token(settings, token).user_id)
    if user is None:
        raise AuthError("invalid access token")
    if not user.is_active:
        raise AuthError("account disabled")
    return Principal(user.id, user.name, user.role)


def authenticate(settings: Settings, session: Session, name: str, password: str) -> User:
    """Check a name and password, with lock-out after repeated failures.

    An unknown name, a wrong password and a locked account get the same answer and about
    the same work (one Argon2 verification), so probing cannot tell which names exist.

    Raises:
        AuthError: any of those three (``LOGIN_REFUSED``), or a disabled account.
    """
    user = user_store.get_user_by_name(session, name)
    session.commit()  # the hash below is slow on purpose: hold no pooled connection over it
    now = utcnow()
    if user is None or (user.locked_until is not None and user.locked_until > now):
        verify_password(password, _dummy_hash())
        raise AuthError(LOGIN_REFUSED)
    if not verify_password(password, user.password_hash):
        until = now + timedelta(minutes=settings.login_lockout_minutes)
        user_store.count_failed_login(session, user.id, settings.login_max_failures, until)
        raise AuthError(LOGIN_REFUSED)
    if not user_store.clear_failed_logins(session, user.id, now):
        raise AuthError(LOGIN_REFUSED)
    if not user.is_active:
        raise AuthError("account disabled")
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
