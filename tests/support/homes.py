"""Writable copies of prepared homes: the session fixtures are shared and read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from undercut.config import Settings, get_settings


def copy_home(settings: Settings, target: Path) -> Settings:
    """A writable copy of a prepared home, with settings pointing at it."""
    shutil.copytree(settings.local_dir, target)
    return get_settings(home=str(target))


def warehouse_rows(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of a query on a home's warehouse, read-only so that shared homes stay as
    they are."""
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
