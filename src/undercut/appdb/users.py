"""Accounts and refresh tokens.

Refresh tokens are stored only as SHA-256 digests: a leaked database cannot be replayed.
Each login starts a token *family*; every refresh spends one token and issues the next in
the same family, so a spent token presented again means it was stolen, and the whole
family is revoked (the thief and the victim both have to sign in again).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from undercut.appdb.base import Base
from undercut.errors import InputError

ROLES = ("admin", "user")


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no time zone, so every timestamp is stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, name: str, password_hash: str, role: str) -> User:
    """Add an account; names are unique and roles are ``admin`` or ``user``."""
    if role not in ROLES:
        raise InputError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if not name or len(name) > 64 or not name.isprintable() or name.strip() != name:
        raise InputError(f"name: {name!r} must be 1-64 printable characters")
    if get_user_by_name(session, name) is not None:
        raise InputError(f"name: a user called {name!r} already exists")
    user = User(
        name=name,
        password_hash=password_hash,
        role=role,
        is_active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(user)
    session.commit()
    return user


def get_user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def count_failed_login(
    session: Session, user_id: int, max_failures: int, lock_until: datetime
) -> bool:
    """Count one wrong password and lock the account once ``max_failures`` are reached.

    The count is one ``UPDATE … RETURNING`` so that parallel attempts each see their own
    number (a read-then-write would lose most of them); the one that reaches the limit
    locks and starts the next count from zero. Returns True when this attempt locked.
    """
    count = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    locked = count >= max_failures
    if locked:
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(locked_until=lock_until, failed_logins=0)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return locked


def clear_failed_logins(session: Session, user_id: int, now: datetime) -> bool:
    """Forget earlier failures after a right password, unless a parallel attempt locked
    the account meanwhile (then False: the sign-in is refused)."""
    cleared = session.execute(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=0, locked_until=None)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    return cleared is not None


def store_refresh_token(
    session: Session, user_id: int, family_id: str, token: str, expires_at: datetime
) -> RefreshToken:
    row = RefreshToken(
        user_id=user_id,
        family_id=family_id,
        token_hash=token_digest(token),
        issued_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.commit()
    return row


def find_refresh_token(session: Session, token: str) -> RefreshToken | None:
    return session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(token))
    )


def spend_refresh_token(session: Session, row: RefreshToken) -> bool:
    """Mark a token used; False when another request spent it first (a race is a reuse)."""
    result = session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == row.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_family(session: Session, family_id: str) -> int:
    """Revoke every token of a login; returns how many were still live."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
