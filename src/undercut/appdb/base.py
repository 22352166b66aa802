"""Declarative base and engine factory for the app database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from undercut.config import Settings
from undercut.sql import check_params


class Base(DeclarativeBase):
    """Base of every app-database table."""


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


SQLITE_BUSY_SECONDS = 30
_BIND_SUFFIX = re.compile(r"_\d+$")


def _refuse_nul(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    """Every value sent to the app database, from any route or command, goes through the
    warehouse's rule on NUL characters (``check_params``): PostgreSQL refuses them in text,
    and a NUL in a run id, a filter or a user name failed there with a 500 where SQLite
    took it. Values are named by their column (``status`` for ``status_1``)."""
    compiled = getattr(context, "compiled", None)
    positions = list(getattr(compiled, "positiontup", None) or [])
    for batch in parameters if executemany else [parameters]:
        named: Iterable[tuple[Any, Any]]
        if isinstance(batch, Mapping):
            named = batch.items()
        elif isinstance(batch, Sequence):
            names = positions if len(positions) == len(batch) else range(1, len(batch) + 1)
            named = zip(names, batch, strict=True)
        else:
            continue
        check_params({_BIND_SUFFIX.sub("", str(name)): value for name, value in named})


@cache
def _engine_for(url: str) -> Engine:
    url = normalise_url(url)
    # SQLite has one writer at a time: a burst of writes (parallel sign-ins) waits its
    # turn for up to SQLITE_BUSY_SECONDS instead of failing after the driver's 5 s.
    sqlite = url.startswith("sqlite")
    connect_args = {"timeout": SQLITE_BUSY_SECONDS} if sqlite else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("pragma journal_mode=wal")
            cursor.execute("pragma foreign_keys=on")
            cursor.close()

    return engine


def get_engine(settings: Settings) -> Engine:
    """One engine per database URL per process (engines pool connections)."""
    if not settings.database_url:
        settings.local_dir.mkdir(parents=True, exist_ok=True)
    return _engine_for(settings.app_database_url)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    return sessionmaker(get_engine(settings), expire_on_commit=False)
