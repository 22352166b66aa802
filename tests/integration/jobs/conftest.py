"""The pipeline's update step asks the Ergast-compatible API: point it at a local
server that has no new races, so the pipeline tests never touch the network. Homes on an
object store use an emulator of each provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.ergast_replay import files_replay
from support.httpserver import LocalServer
from support.object_stores import PROVIDERS, ObjectStore, running_store


@pytest.fixture(autouse=True)
def _no_new_races(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with LocalServer(fallback=files_replay()) as server:
        monkeypatch.setenv("UNDERCUT_JOLPICA_URL", f"{server.url}/ergast/f1/")
        monkeypatch.setenv("UNDERCUT_JOLPICA_LIMITS", "none")
        yield


@pytest.fixture(scope="session", params=PROVIDERS)
def object_store(request: pytest.FixtureRequest) -> Iterator[ObjectStore]:
    """One emulator per provider (s3: moto, azure: Azurite, gcs: gcp-storage-emulator) on
    127.0.0.1, shared by the tests of that provider; each test makes its own bucket."""
    with running_store(request.param) as store:
        yield store
