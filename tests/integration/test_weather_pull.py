"""Open-Meteo pull against a local replay: hourly and race-level weather, forecasts."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer, Reply
from support.replay import OPENMETEO, openmeteo_replay
from undercut.cli import main
from undercut.config import Settings
from undercut.errors import InputError
from undercut.ingest.weather import pull_missing_weather, pull_weather

pytestmark = pytest.mark.usefixtures("local_mirrors")
SHARED = pytest.mark.xdist_group("sessions")
LATER = datetime(2024, 1, 1)


@pytest.fixture
def home(loaded_settings: Settings, tmp_path: Path) -> Settings:
    return copy_home(loaded_settings, tmp_path / "home")


@SHARED
def test_race_weather_at_the_start_and_in_the_window(sessions_settings: Settings) -> None:
    hourly = json.loads((OPENMETEO / "archive_bahrain_2023.json").read_text())["hourly"]
    rows = warehouse_rows(
        sessions_settings,
        """
        select season, round, circuit_id, basis, race_start_at, temperature_c,
               relative_humidity_pct, wind_speed_kph, precipitation_mm,
               window_max_precipitation_mm, window_total_precipitation_mm, is_wet
        from silver.race_weather order by round""",
    )
    bahrain, jeddah = rows
    assert bahrain[:5] == (2023, 1, "bahrain", "observed", datetime(2023, 3, 5, 15))
    assert bahrain[5:8] == (
        hourly["temperature_2m"][15],
        hourly["relative_humidity_2m"][15],
        hourly["wind_speed_10m"][15],
    )
    assert bahrain[8:] == (0.0, 0.0, 0.0, False)
    # Jeddah (17:00 UTC start): 2.4 mm in each of the two hours after the start.
    assert jeddah[2:4] == ("jeddah", "observed")
    assert jeddah[8:] == (2.4, 2.4, 4.8, True)
    hours = warehouse_rows(
        sessions_settings,
        "select min(hour_at), max(hour_at), count(*) from silver.weather_hourly where round = 1",
    )
    assert hours == [(datetime(2023, 3, 5, 12), datetime(2023, 3, 5, 19), 8)]


def test_archive_is_not_fetched_twice_unless_incomplete(home: Settings) -> None:
    payload = json.loads((OPENMETEO / "archive_bahrain_2023.json").read_text())
    payload["hourly"]["temperature_2m"][16] = None  # not yet in the archive
    partial = json.dumps(payload).encode()
    with LocalServer(fallback=openmeteo_replay({"archive_bahrain_2023.json": partial})) as s:
        first = pull_weather(home, 2023, 1, f"{s.url}/v1/", now=LATER)
    assert first.fetched == 1
    assert any(
        w.message == "null hourly value" and w.column == "temperature_2m" for w in first.warnings
    )
    with LocalServer(fallback=openmeteo_replay()) as server:
        second = pull_weather(home, 2023, 1, f"{server.url}/v1/", now=LATER)
        third = pull_weather(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    assert (second.fetched, second.cached, second.warnings) == (1, 0, [])
    assert (third.fetched, third.cached, third.requests) == (0, 1, 0)
    assert third.row_counts == {"weather_hourly": 8, "race_weather": 1}


def test_forecast_for_the_next_race(home: Settings) -> None:
    now = datetime(2025, 10, 1, 9)
    with LocalServer(fallback=openmeteo_replay()) as server:
        result = pull_weather(home, forecast=True, forecast_url=f"{server.url}/v1/", now=now)
    assert result.races_in_scope == 1 and result.fetched == 1
    assert server.requests[0][0].startswith("/v1/forecast?latitude=1.2914&longitude=103.8640")
    rows = warehouse_rows(
        home,
        "select season, round, basis, precipitation_probability_pct, "
        "window_max_precipitation_probability_pct, window_total_precipitation_mm, "
        "fetched_at from silver.race_weather",
    )
    assert rows == [(2025, 18, "forecast", 40.0, 40.0, 0.6, now)]


def test_forecast_scope_errors(home: Settings) -> None:
    with pytest.raises(InputError, match="no upcoming race"):
        pull_weather(home, 2023, 1, forecast=True, now=LATER)
    with pytest.raises(InputError, match="forecasts reach only 16 days"):
        pull_weather(home, 2025, 18, forecast=True, now=datetime(2025, 8, 1))
    with pytest.raises(InputError, match="no race 2023 round 40"):
        pull_weather(home, 2023, 40, now=LATER)


def test_cli_weather_pull(home: Settings, capsys: pytest.CaptureFixture) -> None:
    with LocalServer(fallback=openmeteo_replay()) as server:
        code = main(
            [
                "weather",
                "pull",
                "--season",
                "2023",
                "--round",
                "2",
                "--base-url",
                f"{server.url}/v1/",
                "--home",
                str(home.local_dir),
                "--format",
                "json",
            ]
        )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["row_counts"] == {"weather_hourly": 8, "race_weather": 1}
    code = main(
        [
            "weather",
            "pull",
            "--season",
            "2023",
            "--round",
            "1",
            "--forecast",
            "--home",
            str(home.local_dir),
        ]
    )
    assert code == 2 and "no upcoming race" in capsys.readouterr().err


def test_pull_missing_weather_fetches_only_incomplete_races(home: Settings) -> None:
    replay = openmeteo_replay()

    def handle(path: str, headers: dict[str, str]) -> Reply:
        """Bahrain and Jeddah from the fixtures; elsewhere the archive has the hours of
        the requested days but no values yet (it lags a few days)."""
        reply = replay(path, headers)
        if reply.status == 200:
            return reply
        query = dict(parse_qsl(urlsplit(path).query))
        first = date.fromisoformat(query["start_date"])
        days = (date.fromisoformat(query["end_date"]) - first).days + 1
        hours = [
            datetime(first.year, first.month, first.day) + timedelta(hours=h)
            for h in range(24 * days)
        ]
        lagging = json.loads((OPENMETEO / "archive_bahrain_2023.json").read_text())
        lagging["hourly"] = {"time": [h.strftime("%Y-%m-%dT%H:%M") for h in hours]}
        for variable in query["hourly"].split(","):
            lagging["hourly"][variable] = [None] * len(hours)
        return Reply(200, json.dumps(lagging).encode())

    calls: list[tuple[str, int, int]] = []
    with LocalServer(fallback=handle) as server:
        settings = home.model_copy(update={"openmeteo_url": f"{server.url}/v1/"})
        first = pull_missing_weather(settings, 2023, progress=lambda *a: calls.append(a))
        second = pull_missing_weather(settings, 2023)
    races = len(warehouse_rows(home, "select 1 from silver.races where season = 2023"))
    assert (first.races_in_scope, first.fetched) == (races, races)
    assert ("weather: done", races, races) in calls
    # Bahrain and Jeddah are complete; the others still lack the race window's hours.
    assert (second.fetched, second.cached) == (races - 2, 2)
    assert any(w.message == "null hourly value" for w in second.warnings)
    assert warehouse_rows(
        home,
        "select count(*) from silver.race_weather where season = 2023 "
        "and temperature_c is not null",
    ) == [(2,)]


def test_impossible_values_are_nulled_with_a_warning(home: Settings) -> None:
    payload = json.loads((OPENMETEO / "archive_bahrain_2023.json").read_text())
    payload["hourly"]["temperature_2m"][14] = 96.0  # Fahrenheit, say
    payload["hourly"]["precipitation"][16] = -1.0
    broken = json.dumps(payload).encode()
    with LocalServer(fallback=openmeteo_replay({"archive_bahrain_2023.json": broken})) as s:
        result = pull_weather(home, 2023, 1, f"{s.url}/v1/", now=LATER)
    found = {w.name: w for w in result.warnings}
    assert [s["value"] for s in found["hourly_out_of_range"].samples] == [
        datetime(2023, 3, 5, 14),
        datetime(2023, 3, 5, 16),
    ]
    assert warehouse_rows(
        home,
        "select hour(hour_at), temperature_c, precipitation_mm from "
        "silver.weather_hourly where hour(hour_at) in (14, 16) order by 1",
    ) == [
        (14, None, payload["hourly"]["precipitation"][14]),
        (16, payload["hourly"]["temperature_2m"][16], None),
    ]


def test_refresh_fetches_again_past_the_http_cache(home: Settings) -> None:
    with LocalServer(fallback=openmeteo_replay()) as server:
        pull_weather(home, 2023, 1, f"{server.url}/v1/", now=LATER)
        again = pull_weather(home, 2023, 1, f"{server.url}/v1/", now=LATER, refresh=True)
    assert (again.fetched, again.cached, again.requests) == (1, 0, 1)
    assert len(server.requests) == 2


@SHARED
def test_race_weather_reaches_the_prediction_features(sessions_settings: Settings) -> None:
    from undercut.features.build import FEATURES_BY_BASIS, build_features
    from undercut.features.inputs import load_inputs

    frame, _ = build_features(load_inputs(sessions_settings))
    assert {"rain_mm", "air_temp_c"} <= set(FEATURES_BY_BASIS["pre-qualifying"])
    season = frame[frame["season"] == 2023]
    by_round = season.groupby("round")[["rain_mm", "air_temp_c"]]
    # every driver of a race sees the same weather: dry Bahrain, 4.8 mm in Jeddah
    assert by_round.nunique().loc[[1, 2]].eq(1).all().all()
    assert by_round.first().loc[1, "rain_mm"] == 0.0
    assert by_round.first().loc[2, "rain_mm"] == pytest.approx(4.8)
    (temperature,) = warehouse_rows(
        sessions_settings, "select temperature_c from silver.race_weather where round = 1"
    )[0:1]
    assert by_round.first().loc[1, "air_temp_c"] == pytest.approx(temperature[0])
    # no weather pulled for round 3: missing, not zero
    assert season.loc[season["round"] == 3, "rain_mm"].isna().all()
