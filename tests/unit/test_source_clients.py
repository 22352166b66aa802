"""OpenF1 and Open-Meteo clients against local servers: URLs, quirks, retries, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from support.httpserver import LocalServer, Reply
from support.replay import openf1_replay, openmeteo_replay
from undercut.config import Settings
from undercut.errors import InputError, SourceError
from undercut.sources.http import RateLimit, RateLimitError, http_cache_dir
from undercut.sources.jolpica import JolpicaClient
from undercut.sources.openf1 import OpenF1Client
from undercut.sources.openmeteo import OpenMeteoClient


def test_openf1_endpoints_return_body_and_records() -> None:
    with (
        LocalServer(fallback=openf1_replay()) as server,
        OpenF1Client(f"{server.url}/v1") as client,
    ):
        laps = client.laps(7953)
        meetings = client.meetings(2023)
        stints = client.stints(7953)
    assert len(laps.records) == 228
    assert laps.body.startswith(b"[")
    assert [m["meeting_key"] for m in meetings.records] == [1141, 1142]
    assert {s["compound"] for s in stints.records} == {"SOFT", "HARD"}
    path, headers = server.requests[0]
    assert path == "/v1/laps?session_key=7953"
    assert headers["user-agent"].startswith("undercut/")


def test_openf1_no_results_404_is_an_empty_list() -> None:
    with (
        LocalServer(fallback=openf1_replay()) as server,
        OpenF1Client(f"{server.url}/v1/") as client,
    ):
        response = client.intervals(1)
    assert response.records == [] and response.body == b"[]"


def test_openf1_retries_server_errors_then_succeeds() -> None:
    routes = {
        "/v1/pit?session_key=1": [
            Reply(503),
            Reply(429, headers={"Retry-After": "0"}),
            Reply(200, b"[]"),
        ]
    }
    with LocalServer(routes) as server, OpenF1Client(f"{server.url}/v1/", base_wait=0.01) as client:
        assert client.pit(1).records == []
    assert len(server.requests) == 3


def test_openf1_client_errors_name_the_url() -> None:
    routes = {"/v1/laps?session_key=abc": [Reply(422, b'{"detail": "invalid session_key"}')]}
    with (
        LocalServer(routes) as server,
        OpenF1Client(f"{server.url}/v1/") as client,
        pytest.raises(SourceError, match=r"laps\?session_key=abc: HTTP 422"),
    ):
        client.get("laps", session_key="abc")
    assert len(server.requests) == 1


def test_openf1_gives_up_after_attempts() -> None:
    with (
        LocalServer({"/v1/laps?session_key=1": [Reply(500)]}) as server,
        OpenF1Client(f"{server.url}/v1/", attempts=2, base_wait=0.01) as client,
        pytest.raises(SourceError, match="gave up after 2 attempts"),
    ):
        client.laps(1)
    assert len(server.requests) == 2


def test_openf1_non_json_body_is_returned_undecoded() -> None:
    routes = {"/v1/weather?session_key=1": [Reply(200, b"<html>oops</html>")]}
    with LocalServer(routes) as server, OpenF1Client(f"{server.url}/v1/") as client:
        response = client.weather(1)
    assert response.records is None and response.body == b"<html>oops</html>"


def test_openmeteo_archive_request_and_response() -> None:
    with (
        LocalServer(fallback=openmeteo_replay()) as server,
        OpenMeteoClient(f"{server.url}/v1/", f"{server.url}/v1/") as client,
    ):
        response = client.archive(26.0325, 50.5106, date(2023, 3, 5), date(2023, 3, 5))
    assert response.payload["hourly"]["time"][0] == "2023-03-05T00:00"
    path = server.requests[0][0]
    assert path.startswith("/v1/archive?latitude=26.0325&longitude=50.5106&start_date=2023-03-05")
    assert "timezone=GMT" in path and "precipitation_probability" not in path


def test_openmeteo_forecast_asks_for_rain_probability() -> None:
    with (
        LocalServer(fallback=openmeteo_replay()) as server,
        OpenMeteoClient(f"{server.url}/v1/", f"{server.url}/v1/") as client,
    ):
        client.forecast(1.2914, 103.864, date(2025, 10, 5), date(2025, 10, 5))
    assert server.requests[0][0].startswith("/v1/forecast?")
    assert "precipitation_probability" in server.requests[0][0]


def test_openmeteo_error_reason_is_in_the_message() -> None:
    with (
        LocalServer(fallback=openmeteo_replay()) as server,
        OpenMeteoClient(f"{server.url}/v1/", f"{server.url}/v1/") as client,
        pytest.raises(SourceError, match="HTTP 400 No data is available"),
    ):
        client.archive(0.0, 0.0, date(2023, 3, 5), date(2023, 3, 5))


def test_openf1_client_uses_the_shared_cache_and_limits(tmp_path: Path) -> None:
    settings = Settings(home=str(tmp_path / "home"), openf1_limits="2/min")
    with LocalServer(fallback=openf1_replay()) as server:
        settings = settings.model_copy(update={"openf1_url": f"{server.url}/v1/"})
        with OpenF1Client.from_settings(settings) as client:
            first = client.stints(7953)
            again = client.stints(7953)
            assert client.api.limiter.limits == (RateLimit(2, 60.0),)
            assert (client.requests, client.stats.from_cache) == (1, 1)
        with OpenF1Client.from_settings(settings) as client:  # a later command
            client.stints(7953)
            assert (client.requests, client.stats.from_cache) == (0, 1)
    assert first.body == again.body and len(server.requests) == 1
    assert (http_cache_dir(settings) / "openf1.sqlite").exists()


def test_openf1_non_json_body_is_not_kept_in_the_cache(tmp_path: Path) -> None:
    routes = {"/v1/pit?session_key=1": [Reply(200, b"<html>oops</html>"), Reply(200, b"[]")]}
    with (
        LocalServer(routes) as server,
        OpenF1Client(f"{server.url}/v1/", cache_dir=tmp_path) as client,
    ):
        assert client.pit(1).records is None
        assert client.pit(1).records == []
    assert len(server.requests) == 2


def test_openf1_client_is_held_to_its_rate_limit() -> None:
    with (
        LocalServer(fallback=openf1_replay()) as server,
        OpenF1Client(f"{server.url}/v1/", limits="1/h") as client,
    ):
        client.api.limiter.max_wait = 0.0
        client.pit(7953)
        with pytest.raises(RateLimitError, match="client rate limit 1/h"):
            client.stints(7953)
    assert len(server.requests) == 1


def test_openmeteo_client_from_settings_caches_each_api(tmp_path: Path) -> None:
    with LocalServer(fallback=openmeteo_replay()) as server:
        settings = Settings(
            home=str(tmp_path / "home"),
            openmeteo_url=f"{server.url}/v1/",
            openmeteo_forecast_url=f"{server.url}/v1/",
        )
        with OpenMeteoClient.from_settings(settings) as client:
            for _ in range(2):
                client.archive(26.0325, 50.5106, date(2023, 3, 5), date(2023, 3, 5))
                client.forecast(1.2914, 103.864, date(2025, 10, 5), date(2025, 10, 5))
            assert client.requests == 2
    assert len(server.requests) == 2


def test_unreadable_limits_setting_is_bad_input(tmp_path: Path) -> None:
    settings = Settings(
        home=str(tmp_path), openf1_limits="3 per s", openmeteo_limits="x", jolpica_limits="four"
    )
    with pytest.raises(InputError, match=r"UNDERCUT_OPENF1_LIMITS: .*cannot read '3 per s'"):
        OpenF1Client.from_settings(settings)
    with pytest.raises(InputError, match="UNDERCUT_OPENMETEO_LIMITS"):
        OpenMeteoClient.from_settings(settings)
    with pytest.raises(InputError, match=r"UNDERCUT_JOLPICA_LIMITS: .*'four'"):
        JolpicaClient.from_settings(settings)


def test_two_api_client_adds_up_both_apis(tmp_path: Path) -> None:
    """Open-Meteo's client spans two APIs: its stats and request count are their sum."""
    with LocalServer(fallback=openmeteo_replay()) as server:
        client = OpenMeteoClient(f"{server.url}/v1/", f"{server.url}/v1/", limits="none")
        with client:
            client.archive(26.0325, 50.5106, date(2023, 3, 5), date(2023, 3, 5))
            client.forecast(1.2914, 103.864, date(2025, 10, 5), date(2025, 10, 5))
            assert client.requests == 2
            assert client.stats.network == 2 and len(client.stats.urls) == 2
