"""One read-only DuckDB connection per warehouse file, shared by the requests of a process.

Opening DuckDB costs tens of milliseconds, far more than an Ergast query, so the service
keeps a connection and gives each request its own cursor (DuckDB cursors are safe to use
from several threads). ``undercut ingest`` swaps in a new warehouse file atomically; the
store notices the new file and reopens.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from undercut.errors import WarehouseError


class WarehouseReader:
    """Hands out cursors on the current warehouse file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        try:
            stat = self.path.stat()
        except FileNotFoundError as exc:
            raise WarehouseError(
                f"{self.path}: no warehouse yet; run `undercut ingest archive` first"
            ) from exc
        identity = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if self._con is None or identity != self._identity:
                if self._con is not None:
                    self._con.close()
                try:
                    self._con = duckdb.connect(str(self.path), read_only=True)
                except duckdb.Error as exc:
                    raise WarehouseError(f"{self.path}: cannot open the warehouse: {exc}") from exc
                self._identity = identity
            return self._con.cursor()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
