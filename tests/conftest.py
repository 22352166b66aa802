"""Shared fixtures: the real data, a loaded home, local HTTP servers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from undercut.config import Settings, get_settings, test_data_dir

REQUIRE_DATA = os.environ.get("UNDERCUT_REQUIRE_TEST_DATA") == "1"


def _data_or_skip(sub: str) -> Path:
    path = test_data_dir() / sub
    if not path.exists():
        message = (
            f"REAL TEST DATA MISSING: {path} not found; set UNDERCUT_TEST_DATA to the shared "
            "data directory"
        )
        if REQUIRE_DATA:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def archive_dir() -> Path:
    """The real Ergast-format CSV archive."""
    return _data_or_skip("ergast")


@pytest.fixture(scope="session")
def api_responses_dir() -> Path:
    """Recorded real Ergast API responses."""
    return _data_or_skip("ergast-api-responses")


@pytest.fixture(scope="session")
def loaded_settings(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with the full real archive ingested once per test session (read-only use)."""
    from undercut.warehouse.load_archive import ingest_archive

    home = tmp_path_factory.mktemp("loaded-home")
    settings = get_settings(home=str(home))
    ingest_archive(settings, str(archive_dir))
    return settings


@pytest.fixture
def archive_copy(archive_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the archive, for tests that break it on purpose."""
    target = tmp_path / "archive"
    shutil.copytree(archive_dir, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture(scope="session")
def built_settings(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with the real archive ingested and the gold layer built, once per session
    (read-only use)."""
    from undercut.warehouse.build import build_gold
    from undercut.warehouse.load_archive import ingest_archive

    home = tmp_path_factory.mktemp("built-home")
    settings = get_settings(home=str(home))
    ingest_archive(settings, str(archive_dir))
    build_gold(settings)
    return settings
