"""Telemetry units: the generated circuit, corners, delta time, down-sampling, the OpenF1
time-window request and the lake's Parquet read in place on an fsspec (remote) lake."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from support.httpserver import LocalServer
from support.telemetry import COURSE_LENGTH_M, driver_streams, telemetry_replay, track
from undercut.lake import Lake
from undercut.serving.v1.telemetry import spread
from undercut.sources.openf1 import OpenF1Client
from undercut.telemetry import store
from undercut.telemetry.aggregates import find_corners, trace_length_m
from undercut.telemetry.laps import LapTelemetry, delta_time


def _lap(time_s: np.ndarray, speed_kph: np.ndarray, x=None, y=None) -> LapTelemetry:
    distance = np.concatenate(
        [[0.0], np.cumsum(np.diff(time_s) * (speed_kph[1:] + speed_kph[:-1]) / 2 / 3.6)]
    )
    nan = np.full(len(time_s), np.nan)
    lap = LapTelemetry(
        2023, 1, "Q", "max_verstappen", "VER", 1, None, dt.datetime(2023, 3, 4), False, False, {}
    )
    lap.columns = {
        "time_s": time_s,
        "speed_kph": speed_kph,
        "distance_m": distance,
        "relative_distance": distance / distance[-1],
        "x": nan if x is None else x,
        "y": nan if y is None else y,
    }
    return lap


def test_the_generated_circuit_is_the_real_length_and_closes() -> None:
    circuit = track()
    assert circuit.length == pytest.approx(COURSE_LENGTH_M)
    gap = np.hypot(circuit.x[0] - circuit.x[-1], circuit.y[0] - circuit.y[-1])
    assert gap < 5  # metres: the last point is one step before the first
    assert 60 < circuit.speed.min() * 3.6 < 140 and 300 < circuit.speed.max() * 3.6 < 340


def test_generated_samples_come_at_about_3_7_hz_on_two_clocks() -> None:
    streams = driver_streams(1)
    steps = np.diff(streams.car_t)
    assert 1 / 3.9 < np.median(steps) < 1 / 3.5
    assert not np.array_equal(streams.car_t[:100], streams.loc_t[:100])


def test_corners_are_the_prominent_speed_minima() -> None:
    t = np.linspace(0, 90, 901)
    # three slow corners, and a 5 km/h ripple that is no corner
    speed = 300 - 200 * np.exp(-(((t - 20) / 2) ** 2)) - 150 * np.exp(-(((t - 50) / 2) ** 2))
    speed = speed - 120 * np.exp(-(((t - 75) / 2) ** 2)) - 5 * np.exp(-(((t - 35) / 0.5) ** 2))
    corners = find_corners(_lap(t, speed))
    assert [c["corner"] for c in corners] == [1, 2, 3]
    assert [round(c["apex_speed_kph"]) for c in corners] == [100, 150, 180]
    assert corners[0]["relative_distance"] < corners[1]["relative_distance"]


def test_delta_time_is_measured_at_the_same_point_of_the_lap() -> None:
    t = np.linspace(0, 100, 1001)
    quick = _lap(t, np.full(len(t), 200.0))
    slow = _lap(t * 1.01, np.full(len(t), 200.0 / 1.01))
    delta = delta_time(quick, slow)
    assert delta[0] == 0 and delta[-1] == pytest.approx(1.0)
    assert delta[500] == pytest.approx(0.5)


def test_position_trace_length_of_a_square() -> None:
    t = np.arange(5.0)
    x = np.array([0, 1000, 1000, 0, 0.0] * 3)[:5]
    y = np.array([0, 0, 1000, 1000, 0.0])
    lap = _lap(t, np.full(5, 100.0), x, y)
    assert trace_length_m(lap) is None  # too few positions to trust
    many = np.linspace(0, 4, 41)
    xs, ys = np.interp(many, t, x), np.interp(many, t, y)
    assert trace_length_m(_lap(many, np.full(41, 100.0), xs, ys)) == pytest.approx(400)


def test_down_sampling_keeps_both_ends() -> None:
    assert list(spread(10, 3)) == [0, 4, 9]
    assert list(spread(5, None)) == [0, 1, 2, 3, 4]
    assert list(spread(5, 50)) == [0, 1, 2, 3, 4]


def test_a_telemetry_window_is_one_bounded_request(tmp_path: Path) -> None:
    start = dt.datetime(2023, 3, 5, 15, 10)
    with LocalServer(fallback=telemetry_replay()) as server:
        with OpenF1Client(f"{server.url}/v1/", limits="none") as client:
            answer = client.telemetry("car_data", 7953, 1, start, start + dt.timedelta(seconds=60))
            with pytest.raises(ValueError, match="not an OpenF1 telemetry endpoint"):
                client.telemetry("laps", 7953, 1, start, start)
        path = unquote(server.requests[0][0])
    assert path.endswith(
        "car_data?session_key=7953&driver_number=1"
        "&date>=2023-03-05T15:10:00.000&date<=2023-03-05T15:11:00.000"
    )
    dates = [r["date"] for r in answer.records]
    assert dates[0] >= "2023-03-05T15:10:00" and dates[-1] <= "2023-03-05T15:11:00"
    assert 200 < len(dates) < 245  # 60 s at ~3.7 Hz


def test_parquet_on_a_remote_lake_is_written_and_read_in_place() -> None:
    lake = Lake(f"memory://{uuid.uuid4().hex}")
    parts = store.Partition(2023, 1, "R", "max_verstappen").parts("car_data")
    with store.connect(lake) as con:
        size = store.copy_to_lake(
            lake,
            con,
            "select timestamp '2023-03-05 15:00:00' + to_milliseconds(i * 270) as date, "
            "(i % 300)::smallint as speed_kph from range(1000) as r(i)",
            parts,
        )
        assert size > 0 and lake.exists(*parts)
        rows = store.query(
            con,
            "lap_samples",
            {
                "path": lake.url(*parts),
                "since": dt.datetime(2023, 3, 5, 15, 0, 1),
                "until": dt.datetime(2023, 3, 5, 15, 0, 2),
            },
        ).fetchall()
    assert [r[1] for r in rows] == [4, 5, 6, 7]
