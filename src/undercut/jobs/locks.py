"""Leases that keep two schedulers or workers from doing the same thing at once.

A lease has an owner token and an expiry; its holder renews it while working (the step
heartbeat does), so a process that dies frees it within one lease time instead of never.
With ``UNDERCUT_REDIS_URL`` the lease is a Redis key (``SET NX PX``, released and renewed
by compare-and-set scripts); without Redis it is a row in the app database's
``job_locks`` table, inserted under its primary key — the database's own uniqueness is
the mutual exclusion.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Protocol

import redis.exceptions
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, OperationalError

from undercut.appdb.ledger import JobLock
from undercut.config import Settings
from undercut.jobs import ledger

TRANSIENT_ERRORS = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OperationalError,
)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""


class Lease(Protocol):
    name: str

    def acquire(self) -> bool: ...

    def renew(self) -> bool: ...

    def release(self) -> None: ...


class RedisLease:
    """A lease on a Redis key; safe against a holder releasing someone else's lease."""

    def __init__(self, url: str, name: str, ttl: float, prefix: str = "undercut:") -> None:
        import redis

        self.name = name
        self.key = f"{prefix}lock:{name}"
        self.token = uuid.uuid4().hex
        self.ttl_ms = max(1, int(ttl * 1000))
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def acquire(self) -> bool:
        return bool(self._redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        return bool(self._redis.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        self._redis.eval(_RELEASE, 1, self.key, self.token)


class DatabaseLease:
    """A lease as a row of ``job_locks``; an expired row may be taken over."""

    def __init__(self, settings: Settings, name: str, ttl: float) -> None:
        self.name = name
        self.settings = settings
        self.token = uuid.uuid4().hex
        self.ttl = timedelta(seconds=ttl)

    def acquire(self) -> bool:
        now = ledger.utcnow()
        with ledger.session(self.settings) as db:
            db.execute(delete(JobLock).where(JobLock.name == self.name, JobLock.expires_at < now))
        try:
            with ledger.session(self.settings) as db:
                db.add(
                    JobLock(
                        name=self.name, owner=self.token, acquired_at=now, expires_at=now + self.ttl
                    )
                )
        except IntegrityError:
            return False
        return True

    def renew(self) -> bool:
        with ledger.session(self.settings) as db:
            result = db.execute(
                update(JobLock)
                .where(JobLock.name == self.name, JobLock.owner == self.token)
                .values(expires_at=ledger.utcnow() + self.ttl)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self) -> None:
        with ledger.session(self.settings) as db:
            db.execute(
                delete(JobLock).where(JobLock.name == self.name, JobLock.owner == self.token)
            )


def lease(settings: Settings, name: str, ttl: float) -> Lease:
    """A Redis lease when Redis is configured, else a database lease."""
    if settings.redis_url:
        return RedisLease(settings.redis_url, name, ttl, settings.redis_prefix)
    return DatabaseLease(settings, name, ttl)


def acquire_waiting(
    held: Lease, *, wait: float | None, poll: float = 0.25, retry_errors: float = 30.0
) -> bool:
    """Try until acquired or ``wait`` seconds passed (``None`` waits for ever).

    Connection errors (Redis restarting) are retried for ``retry_errors`` seconds.
    """
    deadline = None if wait is None else time.monotonic() + wait
    error_deadline = time.monotonic() + retry_errors
    while True:
        try:
            if held.acquire():
                return True
        except TRANSIENT_ERRORS:
            if time.monotonic() > error_deadline:
                raise
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(poll)
