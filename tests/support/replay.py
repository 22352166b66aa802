"""Local replays of OpenF1 and Open-Meteo built from the hand-written fixtures.

Fixture files are named after the request: ``tests/fixtures/openf1/<endpoint>_<query>.json``
with the query's parameters sorted (``laps_session_key=7953.json``), and Open-Meteo
responses are chosen by the requested latitude. ``overrides`` maps the same names to
other bodies, so a test can break one payload and keep the rest; the mapping is read
at each request, so a test may change it between pulls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from support.httpserver import Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OPENF1 = FIXTURES / "openf1"
OPENMETEO = FIXTURES / "openmeteo"
NO_RESULTS = b'{"detail": "No results found."}'

Handler = Callable[[str, dict[str, str]], Reply]


def openf1_name(path: str) -> str:
    parts = urlsplit(path)
    endpoint = parts.path.rstrip("/").rsplit("/", 1)[-1]
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query)))
    return f"{endpoint}_{query}.json"


def openf1_replay(overrides: dict[str, bytes | Reply] | None = None) -> Handler:
    """Answer ``/v1/<endpoint>?...`` from the fixtures; unknown queries get OpenF1's 404."""
    overrides = {} if overrides is None else overrides

    def handle(path: str, headers: dict[str, str]) -> Reply:
        name = openf1_name(path)
        if name in overrides:
            override = overrides[name]
            return override if isinstance(override, Reply) else Reply(200, override)
        file = OPENF1 / name
        if file.exists():
            return Reply(200, file.read_bytes(), {"Content-Type": "application/json"})
        return Reply(404, NO_RESULTS, {"Content-Type": "application/json"})

    return handle


# Requested latitude (silver.circuits, 4 decimals) → archive fixture.
ARCHIVE_BY_LATITUDE = {
    "26.0325": "archive_bahrain_2023.json",
    "21.6319": "archive_jeddah_2023.json",
}


def openmeteo_replay(overrides: dict[str, bytes] | None = None) -> Handler:
    """``/v1/archive`` by latitude, ``/v1/forecast`` from the forecast fixture."""
    overrides = {} if overrides is None else overrides

    def handle(path: str, headers: dict[str, str]) -> Reply:
        parts = urlsplit(path)
        query = dict(parse_qsl(parts.query))
        if parts.path.endswith("/forecast"):
            name = "forecast_singapore_2025.json"
        elif parts.path.endswith("/archive"):
            name = ARCHIVE_BY_LATITUDE.get(query.get("latitude", ""), "")
        else:
            name = ""
        if name in overrides:
            return Reply(200, overrides[name])
        if not name:
            return Reply(
                400, b'{"error": true, "reason": "No data is available for this location"}'
            )
        return Reply(200, (OPENMETEO / name).read_bytes(), {"Content-Type": "application/json"})

    return handle
