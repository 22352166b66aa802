"""An Ergast API over the real archive (plus the recorded 2023 laps), one per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.ergast import ergast_home
from undercut.api.app import create_app
from undercut.config import Settings


@pytest.fixture(scope="module")
def ergast_settings(
    loaded_settings: Settings, api_responses_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return ergast_home(loaded_settings, api_responses_dir, tmp_path_factory.mktemp("ergast-home"))


@pytest.fixture(scope="module")
def client(ergast_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ergast_settings)) as client:
        yield client


@pytest.fixture(scope="module")
def get(client: TestClient) -> Any:
    """``get(path)`` -> the ``MRData`` of a 200 answer for ``/ergast/f1/<path>``."""

    def fetch(path: str) -> dict[str, Any]:
        response = client.get("/ergast/f1/" + path.lstrip("/"))
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()["MRData"]

    return fetch
