"""The pipeline's update step asks the Ergast-compatible API: point it at a local
server that has no new races, so the pipeline tests never touch the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.ergast_replay import files_replay
from support.httpserver import LocalServer


@pytest.fixture(autouse=True)
def _no_new_races(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with LocalServer(fallback=files_replay()) as server:
        monkeypatch.setenv("UNDERCUT_JOLPICA_URL", f"{server.url}/ergast/f1/")
        monkeypatch.setenv("UNDERCUT_JOLPICA_LIMITS", "none")
        yield
