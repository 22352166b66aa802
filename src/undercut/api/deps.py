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

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from undercut.api.security import Principal, principal_for
from undercut.config import Settings
from undercut.errors import AuthError, PermissionDeniedError
from undercut.serving.store import Reader, SnapshotStore

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
    and another to close it, about a sixth of a small ``/api/v1`` read. A PostgreSQL
    reader waits for a pooled connection, and a snapshot not loaded yet loads in the
    request, so those are opened in the thread pool."""
    store = request.app.state.store
    if isinstance(store, SnapshotStore) and store.loaded:
        with store.reader() as reader:
            yield reader
    else:
        async with contextmanager_in_threadpool(store.reader()) as reader:
            yield reader


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
