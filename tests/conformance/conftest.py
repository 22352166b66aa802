"""Fixtures for the Ergast conformance tests: a home serving the real archive plus the
recorded lap times the archive lacks. (The pass rate is printed by the root conftest, so
that it also appears under pytest-xdist.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.ergast import ergast_home, published
from undercut.config import Settings


@pytest.fixture(scope="session")
def ergast_settings(
    loaded_settings: Settings, api_responses_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A copy of the loaded home whose silver.lap_times holds the recorded 2023 laps."""
    return ergast_home(loaded_settings, api_responses_dir, tmp_path_factory.mktemp("ergast-home"))


@pytest.fixture(scope="session")
def ergast_client(ergast_settings: Settings) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    with TestClient(create_app(ergast_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def ergast_pg_client(ergast_settings: Settings) -> Iterator[object]:
    """The same home in the production profile: the API reads the published copy."""
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    with published(ergast_settings) as settings, TestClient(create_app(settings)) as client:
        assert client.app.state.store.kind == "postgresql"
        yield client
