"""Fixtures for ``undercut update``: a home whose archive lacks the last races, and the
reference Ergast-compatible API (``undercut serve`` over the full archive) holding them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.ergast_replay import (
    CUT_FIRST as FIRST_CUT,
)
from support.ergast_replay import (
    CUT_LAST as LAST_CUT,
)
from support.ergast_replay import (
    CUT_SEASON as SEASON,
)
from support.ergast_replay import (
    Handler,
    app_replay,
    truncate_archive,
)
from undercut.config import Settings, get_settings


@pytest.fixture(scope="session")
def reference_api(
    loaded_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Handler]:
    """``/ergast/f1`` answers from the full archive (a private copy of the home)."""
    home = tmp_path_factory.mktemp("reference-home")
    shutil.copy2(loaded_settings.warehouse_path, home / "warehouse.duckdb")
    handler, close = app_replay(get_settings(home=str(home)))
    yield handler
    close()


@pytest.fixture(scope="session")
def truncated_settings(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home loaded from the archive without 2025 rounds 16-18 (read-only use)."""
    from undercut.ingest.archive import ingest_archive

    base = tmp_path_factory.mktemp("truncated")
    removed = truncate_archive(archive_dir, base / "archive", SEASON, FIRST_CUT, LAST_CUT)
    assert len(removed) == LAST_CUT - FIRST_CUT + 1
    settings = get_settings(home=str(base / "home"))
    ingest_archive(settings, str(base / "archive"))
    return settings


@pytest.fixture
def fresh_home(
    truncated_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """A writable copy of the truncated home; no client-side limits (a local server)."""
    from support.homes import copy_home

    monkeypatch.setenv("UNDERCUT_JOLPICA_LIMITS", "none")
    monkeypatch.setenv("UNDERCUT_HTTP_TIMEOUT", "5")
    return copy_home(truncated_settings, tmp_path / "home")
