"""Serving stores: where API requests read silver/gold from.

``SnapshotStore`` (embedded profile) copies the warehouse into an in-memory DuckDB and
swaps in a fresh copy, in a background thread, whenever the warehouse file changes and is
not locked by a writer; until then the previous copy keeps answering. ``PostgresStore``
(production profile) reads the copy that ``undercut publish`` keeps in PostgreSQL.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import duckdb
import sqlalchemy as sa

from undercut.config import Settings
from undercut.errors import InputError, WarehouseError
from undercut.serving.sql import duckdb_params
from undercut.warehouse import db

log = logging.getLogger(__name__)

SERVED_SCHEMAS = ("silver", "gold", "meta")


@contextmanager
def attach_readonly(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the warehouse attached read-only as ``wh`` (and in
    use, so ``silver.x`` names resolve). Never takes a writer's lock; fails while a writer
    holds one."""
    path = settings.warehouse_path
    if not path.exists():
        raise WarehouseError(f"{path}: no warehouse yet; run `undercut ingest archive` first")
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        try:
            con.execute(f"attach '{quoted}' as wh (read_only)")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"{path}: cannot be opened ({str(exc).splitlines()[0]}); is an update or "
                "build running?"
            ) from exc
        con.execute("use wh")
        yield con
    finally:
        con.close()


class Reader(Protocol):
    """One request's read access to the served tables."""

    dialect: str
    tables: frozenset[str]

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dicts, SQL with ``:name`` placeholders."""
        ...

    def has_table(self, qualified: str) -> bool: ...


class ServingStore(Protocol):
    kind: str

    @property
    def version(self) -> str:
        """Changes whenever the served data changes (part of cache keys and ETags)."""
        ...

    def reader(self) -> Any:
        """Context manager yielding a ``Reader``."""
        ...

    def status(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def check_params(params: Mapping[str, Any] | None) -> None:
    """No stored value contains a NUL character, and PostgreSQL refuses them in text: say
    so as bad input in both profiles rather than failing in one."""
    for name, value in (params or {}).items():
        if isinstance(value, str) and "\x00" in value:
            raise InputError(f"{name}: NUL characters are not allowed")


@dataclass
class DuckReader:
    cursor: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    dialect: str = "duckdb"

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        check_params(params)
        text, values = duckdb_params(sql, params)
        try:
            result = self.cursor.execute(text, values)
        except duckdb.Error as exc:
            raise WarehouseError(f"serving query failed: {str(exc).splitlines()[0]}") from exc
        columns = [d[0] for d in result.description or []]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def has_table(self, qualified: str) -> bool:
        return qualified in self.tables


class SnapshotStore:
    """An in-memory copy of the warehouse, refreshed when the file changes."""

    kind = "snapshot"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._tables: frozenset[str] = frozenset()
        self._signature: tuple[int, ...] | None = None
        self._version = "empty"
        self._loaded_at: datetime | None = None
        self._last_check = 0.0
        self._loading: threading.Thread | None = None
        self._last_error: str | None = None

    # -- loading ---------------------------------------------------------------------------
    def _file_signature(self) -> tuple[int, ...] | None:
        path = self.settings.warehouse_path
        try:
            main = path.stat()
        except FileNotFoundError:
            return None
        wal = path.with_name(path.name + ".wal")
        wal_sig: tuple[int, ...] = ()
        if wal.exists():
            st = wal.stat()
            wal_sig = (st.st_mtime_ns, st.st_size)
        return (main.st_ino, main.st_mtime_ns, main.st_size, *wal_sig)

    def load(self) -> bool:
        """Copy the warehouse into a new in-memory database and swap it in.

        Returns False (keeping the previous copy) when there is no warehouse yet or a
        writer holds its lock; the next check tries again.
        """
        signature = self._file_signature()
        if signature is None:
            self._last_error = f"{self.settings.warehouse_path}: no warehouse yet"
            return False
        con = duckdb.connect(":memory:")
        try:
            db.install_macros(con)
            path = str(self.settings.warehouse_path).replace("'", "''")
            con.execute(f"attach '{path}' as wh (read_only)")
            rows = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = 'wh' and table_schema in ('silver', 'gold', 'meta') "
                "and table_type = 'BASE TABLE'"
            ).fetchall()
            for schema in SERVED_SCHEMAS:
                con.execute(f"create schema if not exists {schema}")
            for schema, name in rows:
                con.execute(f'create table {schema}."{name}" as select * from wh.{schema}."{name}"')
            con.execute("detach wh")
        except duckdb.Error as exc:
            con.close()
            self._last_error = str(exc).splitlines()[0]
            log.info("warehouse snapshot not refreshed: %s", self._last_error)
            return False
        tables = frozenset(f"{s}.{n}" for s, n in rows)
        with self._lock:
            self._con = con
            self._tables = tables
            self._signature = signature
            self._version = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
            self._loaded_at = datetime.now(UTC)
            self._last_error = None
        return True

    def _background_load(self) -> None:
        try:
            self.load()
        finally:
            self._loading = None

    def maybe_refresh(self) -> None:
        """Cheap check (a ``stat``) at most every ``serving_refresh_seconds``."""
        now = time.monotonic()
        if now - self._last_check < self.settings.serving_refresh_seconds:
            return
        self._last_check = now
        signature = self._file_signature()
        if signature is None or signature == self._signature or self._loading is not None:
            return
        if self._con is None:
            self.load()  # nothing to serve meanwhile: load in the request
            return
        thread = threading.Thread(
            target=self._background_load, daemon=True, name="undercut-snapshot"
        )
        self._loading = thread
        thread.start()

    # -- reading ---------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self._version

    @contextmanager
    def reader(self) -> Iterator[DuckReader]:
        self.maybe_refresh()
        with self._lock:
            con, tables = self._con, self._tables
        if con is None:
            raise WarehouseError(
                f"{self.settings.warehouse_path}: no warehouse to serve yet; run "
                "`undercut ingest archive` and `undercut build`"
                + (f" ({self._last_error})" if self._last_error else "")
            )
        cursor = con.cursor()
        try:
            yield DuckReader(cursor, tables)
        finally:
            cursor.close()

    def status(self) -> dict[str, Any]:
        return {
            "source": "snapshot",
            "path": str(self.settings.warehouse_path),
            "loaded_at": self._loaded_at.isoformat() if self._loaded_at else None,
            "version": self._version,
            "last_error": self._last_error,
        }

    def close(self) -> None:
        with self._lock:
            self._con = None


@dataclass
class PgReader:
    connection: sa.Connection
    tables: frozenset[str]
    dialect: str = "postgresql"

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        check_params(params)
        try:
            result = self.connection.execute(sa.text(sql), dict(params or {}))
        except sa.exc.SQLAlchemyError as exc:
            raise WarehouseError(f"serving query failed: {str(exc).splitlines()[0]}") from exc
        return [dict(row) for row in result.mappings()]

    def has_table(self, qualified: str) -> bool:
        return qualified in self.tables


class PostgresStore:
    """Reads the tables ``undercut publish`` keeps in PostgreSQL (schemas silver/gold/meta)."""

    kind = "postgresql"

    def __init__(self, settings: Settings, engine: sa.Engine) -> None:
        self.settings = settings
        self.engine = engine
        self._version = "empty"
        self._tables: frozenset[str] = frozenset()
        self._published_at: str | None = None
        self._last_check = 0.0
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._last_check < self.settings.serving_refresh_seconds:
            return
        with self._lock:
            self._last_check = now
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.text(
                        "select table_schema, table_name from information_schema.tables "
                        "where table_schema in ('silver', 'gold', 'meta')"
                    )
                ).fetchall()
                self._tables = frozenset(f"{s}.{n}" for s, n in rows)
                if "meta.publishes" in self._tables:
                    row = conn.execute(
                        sa.text(
                            "select publish_id, published_at from meta.publishes "
                            "order by published_at desc limit 1"
                        )
                    ).fetchone()
                    if row is not None:
                        self._version = str(row[0])[:16]
                        self._published_at = str(row[1])

    @property
    def version(self) -> str:
        self._refresh()
        return self._version

    @contextmanager
    def reader(self) -> Iterator[PgReader]:
        self._refresh()
        if "meta.publishes" not in self._tables:
            raise WarehouseError(
                "PostgreSQL holds no published warehouse yet; run `undercut publish`"
            )
        with self.engine.connect() as conn:
            yield PgReader(conn, self._tables)

    def status(self) -> dict[str, Any]:
        return {
            "source": "postgresql",
            "published_at": self._published_at,
            "version": self._version,
        }

    def close(self) -> None:
        return None


def open_store(settings: Settings) -> SnapshotStore | PostgresStore:
    """The store for this configuration (PostgreSQL when the app database is PostgreSQL)."""
    from undercut.appdb.base import get_engine

    url = settings.app_database_url
    if url.startswith(("postgresql", "postgres")):
        return PostgresStore(settings, get_engine(settings))
    store = SnapshotStore(settings)
    store.load()
    return store
