"""Open-Meteo hourly parsing: rows by hour, and warnings for what is wrong."""

from __future__ import annotations

import json
from datetime import datetime

from support.replay import OPENMETEO
from undercut.sources.openmeteo import parse_hourly
from undercut.sources.records import IssueLog


def _payload(name: str = "archive_bahrain_2023.json") -> dict:
    return json.loads((OPENMETEO / name).read_text())


def test_archive_fixture_parses_to_24_hours_in_utc() -> None:
    log = IssueLog()
    rows = parse_hourly(_payload(), where="x", log=log)
    assert len(rows) == 24 and len(log) == 0
    assert rows[15]["hour_at"] == datetime(2023, 3, 5, 15)
    assert rows[15]["precipitation_probability_pct"] is None  # archive has no probability
    assert rows[15]["wind_speed_kph"] == 18.0


def test_forecast_has_rain_probability() -> None:
    rows = parse_hourly(_payload("forecast_singapore_2025.json"), where="x", log=IssueLog())
    assert rows[13]["precipitation_probability_pct"] == 40.0
    assert rows[13]["precipitation_mm"] == 0.6


def test_nulls_wrong_lengths_and_units_are_warnings_not_errors() -> None:
    payload = _payload()
    payload["hourly"]["temperature_2m"][3] = None
    payload["hourly"]["relative_humidity_2m"] = payload["hourly"]["relative_humidity_2m"][:5]
    payload["hourly_units"]["wind_speed_10m"] = "m/s"
    payload["hourly"]["precipitation"][4] = "wet"
    log = IssueLog()
    rows = parse_hourly(payload, where="bahrain", log=log)
    assert len(rows) == 24
    assert rows[3]["temperature_c"] is None and rows[2]["temperature_c"] is not None
    assert all(r["relative_humidity_pct"] is None for r in rows)
    assert all(r["wind_speed_kph"] is None for r in rows)
    assert rows[4]["precipitation_mm"] is None
    found = {(r["column"], r["message"]) for r in log.results()}
    assert found == {
        ("temperature_2m", "null hourly value"),
        ("relative_humidity_2m", "array length differs from time; variable dropped"),
        ("wind_speed_10m", "unit is not km/h; variable dropped"),
        ("precipitation", "not a number; value set to null"),
    }


def test_an_error_document_yields_no_rows_and_a_warning() -> None:
    log = IssueLog()
    assert parse_hourly({"error": True, "reason": "bad"}, where="x", log=log) == []
    assert [r["message"] for r in log.results()] == ["response has no hourly block"]


def test_missing_requested_variables_and_repeated_hours_are_warnings() -> None:
    payload = _payload()
    del payload["hourly"]["wind_speed_10m"]
    hourly = payload["hourly"]
    for variable in ("time", "temperature_2m", "precipitation", "relative_humidity_2m"):
        hourly[variable].insert(6, hourly[variable][5])  # 05:00 twice
    hourly["temperature_2m"][6] = 99.0
    log = IssueLog()
    rows = parse_hourly(
        payload, where="x", log=log, expected=("temperature_2m", "precipitation", "wind_speed_10m")
    )
    assert len(rows) == 24 and rows[5]["temperature_c"] == hourly["temperature_2m"][5]
    assert all(r["wind_speed_kph"] is None for r in rows)
    found = {(r["column"], r["message"]): r["failures"] for r in log.results()}
    assert found == {
        ("wind_speed_10m", "requested variable missing; column left null"): 1,
        ("time", "repeated hour; first values kept"): 1,
    }
    # Without the list of requested variables an absent one is not an error: the archive
    # API never has precipitation_probability.
    quiet = IssueLog()
    parse_hourly(_payload(), where="x", log=quiet, expected=("temperature_2m",))
    assert len(quiet) == 0
