"""Dependencies every route declares through ``Annotated`` aliases.

Everything comes from ``request.app.state`` (set up once in ``create_app``'s lifespan), so
nothing is created at import time and each app serves its own home and database:

- ``SettingsDep``: the app's ``Settings``.
- ``SessionDep``: an app-database session (users, tokens, jobs, predictions), closed after
  the request.
- ``WarehouseDep``: a ``Reader`` over the served silver/gold tables (an in-memory warehouse
  snapshot, or the PostgreSQL copy); ``reader.fetch(sql, {"name": value})`` with ``:name``
  placeholders.
- ``OptionalUser`` / ``CurrentUser``: the ``Principal`` of the bearer access token, its
  role read from the user row (401 when required and missing, expired or forged, or when
  the account is gone or disabled).
- ``AdminUser`` (or ``dependencies=[Depends(require_admin)]``): 403 unless role is admin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from undercut.api.security import Principal, principal_for
from undercut.config import Settings
from undercut.errors import AuthError, PermissionDeniedError
from undercut.serving.store import Reader, ServingStore, SnapshotStore

T = TypeVar("T")

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


async def get_reader(request: Request) -> AsyncIterator[Reader]:
    """A reader, opened and closed on the event loop when that cannot block: a cursor of
    the loaded in-memory snapshot. A sync dependency would cost a thread hop to open it
    and another to close it, about a sixth of a small ``/api/v1`` read. Any other reader
    (a pooled PostgreSQL connection, a snapshot not loaded yet) opens in the thread that
    first reads through it (``DeferredReader``)."""
    store = request.app.state.store
    if isinstance(store, SnapshotStore) and store.loaded:
        with store.reader() as reader:
            yield reader
        return
    deferred = DeferredReader(store)
    try:
        yield deferred
    finally:
        if deferred.opened:  # a route that does not close its reader itself (``ReadRouter``)
            # A limiter of its own: giving a connection back never waits for a thread.
            await to_thread.run_sync(deferred.close, limiter=CapacityLimiter(1))


class DeferredReader:
    """A ``Reader`` that opens the store's own in the thread that first reads through it.

    A PostgreSQL reader holds a pooled connection. Opened in one thread before the route
    ran in another, it held its connection while waiting for a thread, as the threads
    waited for a connection: a burst of reads larger than the pool deadlocked a process
    until the pool gave up. Opened where the route runs, a connection is held only by a
    running thread, and ``close`` there gives it back before the answer is encoded.
    """

    def __init__(self, store: ServingStore) -> None:
        self._store = store
        self._opened: ExitStack | None = None
        self._reader: Reader | None = None

    @property
    def opened(self) -> bool:
        return self._opened is not None

    @property
    def dialect(self) -> str:
        return self._read(lambda reader: reader.dialect)

    @property
    def tables(self) -> frozenset[str]:
        return self._read(lambda reader: reader.tables)

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._read(lambda reader: reader.fetch(sql, params))

    def has_table(self, qualified: str) -> bool:
        return self._read(lambda reader: reader.has_table(qualified))

    def close(self) -> None:
        opened, self._opened, self._reader = self._opened, None, None
        if opened is not None:
            opened.close()

    def _read(self, read: Callable[[Reader], T]) -> T:
        if self._reader is None:
            with ExitStack() as stack:
                self._reader = stack.enter_context(self._store.reader())
                self._opened = stack.pop_all()
        try:
            return read(self._reader)
        except BaseException as exc:
            # Out through the store's reader, which names what failed (a query cancelled
            # after its time limit) as it would for a reader opened with ``with``.
            opened, self._opened, self._reader = self._opened, None, None
            if opened is not None:
                opened.__exit__(type(exc), exc, exc.__traceback__)
            raise


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
WarehouseDep = Annotated[Reader, Depends(get_reader)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


def get_optional_user(
    settings: SettingsDep, session: SessionDep, token: TokenDep
) -> Principal | None:
    """The signed-in principal, or None for anonymous requests (a bad token is still 401)."""
    if not token:
        return None
    return principal_for(settings, session, token)


OptionalUser = Annotated[Principal | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> Principal:
    if user is None:
        raise AuthError("not authenticated: send `Authorization: Bearer <access token>`")
    return user


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_admin(user: CurrentUser) -> Principal:
    """Only admins may trigger work (update, build, train) or manage the service."""
    if not user.is_admin:
        raise PermissionDeniedError(f"user {user.name!r} is not an admin")
    return user


AdminUser = Annotated[Principal, Depends(require_admin)]
