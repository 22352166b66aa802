"""Shared fixtures: the real data, a loaded home, local HTTP servers."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
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
def f1db_dir() -> Path:
    """The real F1DB source tree (CC BY 4.0), cut after 2025 round 18."""
    return _data_or_skip("f1db")


@pytest.fixture(scope="session")
def loaded_settings(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with the full real archive ingested once per test session (read-only use)."""
    from undercut.ingest.archive import ingest_archive

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
    from undercut.ingest.archive import ingest_archive
    from undercut.warehouse.build import build_gold

    home = tmp_path_factory.mktemp("built-home")
    settings = get_settings(home=str(home))
    ingest_archive(settings, str(archive_dir))
    build_gold(settings)
    return settings


@pytest.fixture(scope="session")
def predicted(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The built home as ``make demo`` leaves it: a (small) model trained, the last race
    predicted and scored, the next race predicted, a one-season backtest; once per session
    (read-only use). See ``support.dashboard.predicted_home`` for what the dict holds."""
    from support.dashboard import predicted_home

    return predicted_home(built_settings, tmp_path_factory.mktemp("predicted") / "home")


@pytest.fixture(scope="module")
def demo_app(predicted: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """An app over the predicted home with a copy of its app database (stored predictions
    included) holding the ``admin``/``reader`` accounts and one queued job: what the
    predicted dict holds, plus ``client`` (a TestClient) and ``job`` (the run id)."""
    from fastapi.testclient import TestClient

    from support.api import add_users, api_settings
    from undercut.api.app import create_app
    from undercut.jobs import ledger

    app_db = tmp_path_factory.mktemp("demo-appdb") / "app.sqlite"
    with (
        closing(sqlite3.connect(predicted["settings"].local_dir / "app.sqlite")) as source,
        closing(sqlite3.connect(app_db)) as copy,
    ):
        source.backup(copy)  # a consistent copy, whatever the write-ahead log still holds
    settings = api_settings(predicted["settings"], app_db)
    add_users(settings)
    job = ledger.create_run(settings, ["build"], kind="job", trigger="api")
    with TestClient(create_app(settings)) as client:
        yield {**predicted, "settings": settings, "client": client, "job": job}


# --- services on this machine: PostgreSQL and Redis (a unique database / key prefix each) --
@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    from support.services import postgres_database

    with postgres_database() as url:
        yield url


@pytest.fixture
def redis_settings() -> Iterator[dict[str, str]]:
    """``redis_url`` and a unique ``redis_prefix``; every key under it is deleted after."""
    from support.services import redis_prefix

    with redis_prefix() as values:
        yield values


@pytest.fixture
def local_mirrors(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenF1 and Open-Meteo replays are local mirrors: no client-side rate limits."""
    monkeypatch.setenv("UNDERCUT_OPENF1_LIMITS", "none")
    monkeypatch.setenv("UNDERCUT_OPENMETEO_LIMITS", "none")


@pytest.fixture(scope="session")
def sessions_settings(
    loaded_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The real archive plus OpenF1 sessions (2023 rounds 1-2) and Open-Meteo weather
    replayed from tests/fixtures, with gold built; once per session (read-only use)."""
    from datetime import datetime

    from support.homes import copy_home
    from support.httpserver import LocalServer
    from support.replay import openf1_replay, openmeteo_replay
    from undercut.ingest.sessions import pull_sessions
    from undercut.ingest.weather import pull_weather
    from undercut.warehouse.build import build_gold

    settings = copy_home(loaded_settings, tmp_path_factory.mktemp("sessions") / "home")
    settings = settings.model_copy(update={"openf1_limits": "none", "openmeteo_limits": "none"})
    with (
        LocalServer(fallback=openf1_replay()) as openf1,
        LocalServer(fallback=openmeteo_replay()) as meteo,
    ):
        pull_sessions(settings, 2023, base_url=f"{openf1.url}/v1/", now=datetime(2024, 1, 1))
        pull_weather(settings, 2023, 1, f"{meteo.url}/v1/", now=datetime(2024, 1, 1))
        pull_weather(settings, 2023, 2, f"{meteo.url}/v1/", now=datetime(2024, 1, 1))
    build_gold(settings)
    return settings


@pytest.fixture(scope="session")
def f1db_settings(
    loaded_settings: Settings, f1db_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The real archive plus the real F1DB tree, once per session (read-only use)."""
    from support.homes import copy_home
    from undercut.ingest.f1db import ingest_f1db

    settings = copy_home(loaded_settings, tmp_path_factory.mktemp("f1db") / "home")
    ingest_f1db(settings, str(f1db_dir))
    return settings


@pytest.fixture(scope="module")
def pulled(sessions_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The sessions home with the 2023 round 1 race's car telemetry (VER, PER, HAM; ALO
    has none) pulled from a local replay of generated OpenF1 streams, once per module:
    ``(settings, TelemetryResult)``."""
    from support.telemetry import pulled_home

    return pulled_home(sessions_settings, tmp_path_factory.mktemp("telemetry") / "home")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The Ergast conformance pass rate, when the conformance tests ran."""
    from support.ergast import conformance_summary

    conformance_summary(terminalreporter)


def pytest_sessionstart(session: pytest.Session) -> None:
    """A run's ``axe.json`` holds the pages it checked: the test processes each add theirs
    to it, so the run's first step (the controller, before any worker) clears the last
    run's."""
    if not hasattr(session.config, "workerinput"):
        from support.browser import ARTIFACTS

        (ARTIFACTS / "axe.json").unlink(missing_ok=True)
