"""Serving stores: where API requests read silver/gold from.

``SnapshotStore`` (embedded profile) copies the warehouse into an in-memory DuckDB and
swaps in a fresh copy, in a background thread, whenever the warehouse file changes and is
not locked by a writer; until then the previous copy keeps answering. A built snapshot is
only ever replaced by another built one: a warehouse that ``ingest archive`` has just
swapped in holds no gold until ``undercut build`` has run (``meta.builds`` records a build
newer than the last ingest), so until then the previous snapshot keeps answering and
``/health`` says a newer warehouse is waiting. ``PostgresStore`` (production profile)
reads the copy that ``undercut publish`` keeps in PostgreSQL.

Either store cancels a request's queries after ``serving_query_timeout`` seconds (503 with
``Retry-After``), and no error it raises names a file or quotes a database's message.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol

import duckdb
import sqlalchemy as sa

from undercut.config import Settings
from undercut.errors import WarehouseError
from undercut.serving.derived import SCHEMA as DERIVED_SCHEMA
from undercut.serving.derived import derive_duckdb
from undercut.serving.sql import duckdb_params
from undercut.sql import check_params
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
    with db.attach_read_only(path, alias="wh") as con:
        yield con


class Reader(Protocol):
    """One request's read access to the served tables."""

    @property
    def dialect(self) -> str: ...

    @property
    def tables(self) -> frozenset[str]: ...

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


class QueryTimeoutError(WarehouseError):
    """A serving query ran longer than ``serving_query_timeout`` and was cancelled."""


def query_failed(exc: Exception, timeout: float | None = None) -> WarehouseError:
    """What a failed serving query tells the client: what happened, never the database's
    own message (which names tables, files and internals); that goes to the log."""
    if isinstance(exc, WarehouseError):
        return exc
    original = getattr(exc, "orig", exc)
    if isinstance(original, duckdb.InterruptException) or type(original).__name__ in (
        "QueryCanceled",
        "QueryCanceledError",
    ):
        after = f" after {timeout:g}s" if timeout else ""
        return QueryTimeoutError(f"the query was cancelled{after}; try again in a moment")
    log.warning("serving query failed: %s", str(exc).splitlines()[0] if str(exc) else exc)
    if isinstance(original, duckdb.CatalogException):
        return WarehouseError("the served warehouse has no gold tables yet; run `undercut build`")
    return WarehouseError("the served warehouse could not answer this request")


class Watchdog:
    """One thread that calls each registered ``cancel`` once its deadline passes.

    A serving query's time limit used to be a ``threading.Timer`` per request: a thread
    started and torn down for every cache miss, which under load cost more than many of
    the queries it guarded. Here a request adds a deadline to a heap and removes it when
    done; the thread sleeps until the earliest deadline. Every query has the same limit, so a
    new deadline is almost never the earliest: the thread is woken only when it is, and
    ``done`` takes no lock (a set's ``discard`` is atomic). Measured under load, waking the
    thread for each request and locking twice per request made requests queue for the lock.
    """

    def __init__(self) -> None:
        self._deadlines: list[tuple[float, int, Callable[[], Any]]] = []
        self._pending: set[int] = set()
        self._condition = threading.Condition()
        self._next = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float, cancel: Callable[[], Any]) -> int:
        """Call ``cancel`` after ``seconds`` unless ``done`` is called first."""
        ticket = next(self._next)
        deadline = time.monotonic() + seconds
        with self._condition:
            earliest = not self._deadlines or deadline < self._deadlines[0][0]
            heapq.heappush(self._deadlines, (deadline, ticket, cancel))
            self._pending.add(ticket)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="undercut-query-watchdog"
                )
                self._thread.start()
            if earliest:
                self._condition.notify()
        return ticket

    def done(self, ticket: int) -> None:
        self._pending.discard(ticket)

    def _run(self) -> None:
        while True:
            due: list[Callable[[], Any]] = []
            with self._condition:
                while self._deadlines and self._deadlines[0][1] not in self._pending:
                    heapq.heappop(self._deadlines)  # finished in time
                wait = self._deadlines[0][0] - time.monotonic() if self._deadlines else None
                if wait is None or wait > 0:
                    self._condition.wait(wait)
                    continue
                while self._deadlines and self._deadlines[0][0] <= time.monotonic():
                    _, ticket, cancel = heapq.heappop(self._deadlines)
                    if ticket in self._pending:
                        self._pending.discard(ticket)
                        due.append(cancel)
            for cancel in due:
                try:
                    cancel()
                except Exception as exc:  # a closed cursor: the query ended meanwhile
                    log.debug("query cancel failed: %s", exc)


WATCHDOG = Watchdog()


@contextmanager
def _cancelled_after(seconds: float, cancel: Any = None) -> Iterator[None]:
    """Call ``cancel`` (when given) if the block still runs after ``seconds`` (0: never),
    and turn a cancelled query (by ``cancel`` or the database's own timeout) into
    ``QueryTimeoutError`` and other database failures into ``WarehouseError``."""
    ticket = WATCHDOG.watch(seconds, cancel) if cancel is not None and seconds > 0 else None
    try:
        yield
    except QueryTimeoutError as exc:  # raised by a reader, which does not know the limit
        cause = exc.__cause__
        raise query_failed(cause if isinstance(cause, Exception) else exc, seconds) from cause
    except (duckdb.Error, sa.exc.SQLAlchemyError) as exc:
        raise query_failed(exc, seconds) from exc
    finally:
        if ticket is not None:
            WATCHDOG.done(ticket)


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
            raise query_failed(exc) from exc
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
        self._built_at: datetime | None = None
        self._built = False
        # A newer warehouse file that is not served because gold is not built in it yet.
        self._held: tuple[int, ...] | None = None
        self._held_since: datetime | None = None

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

        Returns False (keeping the previous copy) when there is no warehouse yet, a
        writer holds its lock, or a built snapshot is served and the new file's gold is
        not built yet; the next check (after the file changes) tries again.
        """
        signature = self._file_signature()
        if signature is None:
            self._last_error = "no warehouse yet"
            return False
        con = duckdb.connect(":memory:")
        try:
            db.install_macros(con)
            path = str(self.settings.warehouse_path).replace("'", "''")
            con.execute(f"attach '{path}' as wh (read_only)")
            built_at = built_at_of(con)
            if built_at is None and self._built:
                con.close()
                if self._held != signature:
                    log.info("newer warehouse not served until `undercut build` has run")
                    self._held, self._held_since = signature, datetime.now(UTC)
                return False
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
            copied = {f"{s}.{n}" for s, n in rows}
            derived = {f"{DERIVED_SCHEMA}.{name}" for name in derive_duckdb(con, copied)}
            # Requests run one small query each, and the service runs a process per core:
            # a query runs best in the thread that asked for it. With DuckDB's default (a
            # thread per core in each process) a page of the Ergast API cost 15% more CPU
            # in-process, and served uncached the shapes ran at 551 req/s against 584
            # (means of four alternated runs).
            con.execute("set threads = 1")
            con.execute("set enable_progress_bar = false")
        except duckdb.Error as exc:
            con.close()
            log.info("warehouse snapshot not refreshed: %s", str(exc).splitlines()[0])
            self._last_error = (
                "locked by a writer (an update or build is running)"
                if "lock" in str(exc).lower()
                else "could not be read"
            )
            return False
        tables = frozenset(copied | derived)
        with self._lock:
            self._con = con
            self._tables = tables
            self._signature = signature
            self._version = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
            self._loaded_at = datetime.now(UTC)
            self._built_at = built_at
            self._built = built_at is not None
            self._held = self._held_since = None
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
        if signature is None or signature in (self._signature, self._held):
            return
        if self._loading is not None:
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

    @property
    def loaded(self) -> bool:
        """Whether a copy is being served, so that ``reader`` never loads one itself (its
        refresh check is then a ``stat`` at most, and a newer copy loads in the background)."""
        return self._con is not None

    @contextmanager
    def reader(self) -> Iterator[DuckReader]:
        self.maybe_refresh()
        with self._lock:
            con, tables = self._con, self._tables
        if con is None:
            raise WarehouseError(
                "no warehouse to serve yet; run `undercut ingest archive` and `undercut build`"
            )
        cursor = con.cursor()
        try:
            with _cancelled_after(self.settings.serving_query_timeout, cursor.interrupt):
                yield DuckReader(cursor, tables)
        finally:
            cursor.close()

    def status(self) -> dict[str, Any]:
        """What is served (never where it lives on disk): the snapshot's version, when its
        gold was built and loaded, and whether a newer, not yet built warehouse waits."""
        waiting = None
        if self._held_since is not None:
            waiting = {
                "since": self._held_since.isoformat(),
                "reason": "gold not built yet; run `undercut build`",
            }
        return {
            "source": "snapshot",
            "version": self._version,
            "built": self._built,
            "built_at": self._built_at.isoformat() if self._built_at else None,
            "loaded_at": self._loaded_at.isoformat() if self._loaded_at else None,
            "waiting": waiting,
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
            raise query_failed(exc) from exc
        return [dict(row) for row in result.mappings()]

    def has_table(self, qualified: str) -> bool:
        return qualified in self.tables


class PostgresStore:
    """Reads the tables ``undercut publish`` keeps in PostgreSQL (schemas silver/gold/meta)."""

    kind = "postgresql"

    def __init__(self, settings: Settings, engine: sa.Engine, catalog: sa.Engine) -> None:
        self.settings = settings
        self.engine = engine
        # What was published is looked up without the clients' statement timeout: under a
        # timeout of a millisecond even the lookup would be cancelled, and the service would
        # take a cancelled lookup for an empty database.
        self.catalog = catalog
        self._version = "empty"
        self._tables: frozenset[str] = frozenset()
        self._published_at: str | None = None
        self._last_check = -float("inf")
        self._looked = False
        self._checking = False
        # Reentrant: the first look-up reads the catalog while holding it.
        self._lock = threading.RLock()

    def _refresh(self) -> None:
        """Look for a newer publish at most every ``serving_refresh_seconds``: in the
        request the first time (nothing to serve before), afterwards in a background
        thread, so no request (cache hits run on the event loop) waits for PostgreSQL.
        The first look-up holds the lock: requests arriving while it runs wait for its
        answer instead of finding no published copy."""
        now = time.monotonic()
        if self._looked and now - self._last_check < self.settings.serving_refresh_seconds:
            return
        with self._lock:
            if self._looked and now - self._last_check < self.settings.serving_refresh_seconds:
                return
            self._last_check = now
            if "meta.publishes" in self._tables:
                if not self._checking:
                    self._checking = True
                    threading.Thread(
                        target=self._read_catalog, daemon=True, name="undercut-publish-check"
                    ).start()
                return
            self._read_catalog()
            self._looked = True

    def _read_catalog(self) -> None:
        try:
            with self.catalog.connect() as conn:
                rows = conn.execute(sa.text(_CATALOG)).fetchall()
                tables = frozenset(f"{s}.{n}" for s, n in rows)
                latest = None
                if "meta.publishes" in tables:
                    latest = conn.execute(
                        sa.text(
                            "select publish_id, published_at from meta.publishes "
                            "order by published_at desc limit 1"
                        )
                    ).fetchone()
        except sa.exc.SQLAlchemyError as exc:
            log.warning("published copy not checked: %s", str(exc).splitlines()[0])
            return
        finally:
            self._checking = False
        with self._lock:
            self._tables = tables
            if latest is not None:
                self._version = str(latest[0])[:16]
                self._published_at = str(latest[1])

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
        # The serving engine's connections carry the statement timeout from their start.
        try:
            connection = self.engine.connect()
        except sa.exc.TimeoutError as exc:
            raise WarehouseError(
                "PostgreSQL is busy: every serving connection stayed in use; retry shortly"
            ) from exc
        with connection, _cancelled_after(self.settings.serving_query_timeout):
            yield PgReader(connection, self._tables)

    def status(self) -> dict[str, Any]:
        return {
            "source": "postgresql",
            "published_at": self._published_at,
            "version": self._version,
        }

    def close(self) -> None:
        return None


# What the published copy holds: its tables and the materialised views `publish` makes.
_CATALOG = """
    select table_schema, table_name from information_schema.tables
    where table_schema in ('silver', 'gold', 'meta', 'serving')
    union all
    select schemaname, matviewname from pg_matviews where schemaname = 'serving'
"""


def built_at_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When gold was last built on the attached warehouse ``wh``, if after its last
    ingest (a freshly ingested warehouse holds silver only)."""
    names = {
        str(name)
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'wh' and table_schema = 'meta'"
        ).fetchall()
    }
    if "builds" not in names:
        return None
    built = con.execute("select max(built_at) from wh.meta.builds").fetchone()
    if built is None or built[0] is None:
        return None
    if "ingests" in names:
        ingested = con.execute("select max(loaded_at) from wh.meta.ingests").fetchone()
        if ingested is not None and ingested[0] is not None and ingested[0] > built[0]:
            return None
    return built[0].replace(tzinfo=UTC)


def serving_engine(settings: Settings) -> sa.Engine:
    """The pool the API reads the published copy through, apart from the app database's.

    Measured under load, each round trip to PostgreSQL costs a request milliseconds (the
    server process must be scheduled): a read used to make five (the pool's liveness ping,
    BEGIN, setting the statement timeout, the query, ROLLBACK). Here the statement timeout
    is set once per connection, when it is made, and there is no ping per checkout: a
    connection PostgreSQL dropped fails one request (503, retry) and the pool is renewed.
    """
    from undercut.appdb.base import normalise_url

    return _serving_engine(normalise_url(settings.app_database_url), settings.serving_query_timeout)


def catalog_engine(settings: Settings) -> sa.Engine:
    """A small pool without the serving statement timeout, for the service's own lookups."""
    from undercut.appdb.base import normalise_url

    return _serving_engine(normalise_url(settings.app_database_url), 0.0, pool_size=1)


# Connections a serving process keeps open to PostgreSQL, so that none is opened and
# closed per request. With 8 kept and 8 more allowed on top, a second set was opened and
# dropped again and again at 32 connections (a backend started per request), and the tail
# of uncached reads reached seconds. A read now holds one only while a thread runs it
# (``serving_threads``, see ``api.deps.DeferredReader``), so fewer would do; more requests
# than this wait for a connection.
SERVING_POOL = 16


@cache
def _serving_engine(url: str, timeout: float, pool_size: int = SERVING_POOL) -> sa.Engine:
    # A read waits for a connection no longer than it may run (then 503 and Retry-After).
    engine = sa.create_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_recycle=600,
        pool_timeout=timeout if timeout > 0 else 30,
    )
    if timeout > 0:
        limit = f"{max(1, round(timeout * 1000))}ms"

        # Set once a connection is made, after SQLAlchemy's own first queries on it (a
        # timeout given at connect would apply to those too, and a short one cancels them).
        @sa.event.listens_for(engine, "connect")
        def _statement_timeout(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("select set_config('statement_timeout', %s, false)", (limit,))
            dbapi_connection.commit()

    return engine


def open_store(settings: Settings) -> SnapshotStore | PostgresStore:
    """The store for this configuration (PostgreSQL when the app database is PostgreSQL)."""
    url = settings.app_database_url
    if url.startswith(("postgresql", "postgres")):
        return PostgresStore(settings, serving_engine(settings), catalog_engine(settings))
    store = SnapshotStore(settings)
    store.load()
    return store
