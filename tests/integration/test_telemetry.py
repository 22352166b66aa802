"""Car telemetry from a local OpenF1 replay of a generated Bahrain 2023 race: the lake
layout, resuming, lap telemetry, comparisons, gold aggregates, the physical checks, the
CLI, the API and the dashboard page; and every kind of bad input a real feed has."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from fastapi.testclient import TestClient

from support.api import api_settings
from support.httpserver import LocalServer, Reply
from support.telemetry import (
    COURSE_LENGTH_M,
    RACE,
    chain,
    driver_streams,
    gap,
    implausible,
    missing_fields,
    pull_race,
    shuffled_and_duplicated,
    telemetry_home,
    telemetry_replay,
)
from undercut.api.app import create_app
from undercut.cli import main
from undercut.config import Settings
from undercut.errors import InputError, NotFoundError
from undercut.telemetry.laps import compare, lap_telemetry
from undercut.telemetry.pull import TelemetryResult, pull_missing_telemetry, pull_telemetry

pytestmark = [pytest.mark.usefixtures("local_mirrors"), pytest.mark.xdist_group("sessions")]


@pytest.fixture(scope="module")
def faulty(
    sessions_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Settings, TelemetryResult]:
    """The same race from a feed with faults: VER's samples shuffled and partly sent
    twice, PER's records missing values and dates, HAM's streams with a 20 s hole,
    speeds 10 % high, impossible rpm and a position trace that jumps 300 m."""
    settings = telemetry_home(sessions_settings, tmp_path_factory.mktemp("faulty") / "home")
    faults = {
        1: shuffled_and_duplicated,
        11: missing_fields,
        44: chain(
            gap("2023-03-05T15:40:00+00:00", 20),
            implausible("2023-03-05T16:00:00+00:00"),
        ),
    }
    return settings, pull_race(settings, telemetry_replay(faults), session="R")


def _warnings(result: TelemetryResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in result.warnings:
        found.setdefault(warning.name, []).append(warning.where)
    return found


# -- storage ---------------------------------------------------------------------------------
def test_silver_is_hive_partitioned_zstd_parquet_read_in_place(pulled: tuple) -> None:
    settings, result = pulled
    root = settings.local_dir / "silver" / "telemetry"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))
    assert files == [
        f"{stream}/season=2023/round=1/session=R/driver={driver}/data.parquet"
        for stream in ("car_data", "location")
        for driver in ("hamilton", "max_verstappen", "perez")
    ]
    with duckdb.connect() as con:
        meta = con.execute(
            "select distinct compression from parquet_metadata(?)",
            [str(root / "car_data/season=2023/round=1/session=R/driver=perez/data.parquet")],
        ).fetchall()
        rows = con.execute(
            "select driver, count(*), min(speed_kph), max(speed_kph), max(gear), "
            "count(*) - count(distinct date) from read_parquet(?, hive_partitioning = true) "
            "group by driver order by driver",
            [str(root / "car_data/**/*.parquet")],
        ).fetchall()
        types = dict(
            con.execute(
                "select column_name, column_type from (describe select * from "
                "read_parquet(?, hive_partitioning = false))",
                [str(root / "car_data/season=2023/round=1/session=R/driver=perez/data.parquet")],
            ).fetchall()
        )
    assert meta == [("ZSTD",)]
    assert types == {
        "date": "TIMESTAMP",
        "speed_kph": "SMALLINT",
        "rpm": "SMALLINT",
        "gear": "TINYINT",
        "throttle_pct": "TINYINT",
        "brake_pct": "TINYINT",
        "drs": "TINYINT",
    }
    # every generated sample once (window boundaries overlap on purpose), nothing else
    for driver_id, count, low, high, top_gear, duplicates in rows:
        number = {"hamilton": 44, "max_verstappen": 1, "perez": 11}[driver_id]
        assert count == len(driver_streams(number).car_t)
        assert (low, duplicates, top_gear) == (0, 0, 8) and 300 < high < 340
    # the whole race, both streams, three cars: well inside 15 MB for twenty
    size = result.bytes_per_session["2023 R1 R"]
    assert 100_000 < size < 15_000_000 * 3 / 20
    assert result.samples["2023 R1 R"] == sum(r[1] for r in rows)


def test_bronze_keeps_every_answer_verbatim_and_compressed(pulled: tuple) -> None:
    settings, _result = pulled
    folder = settings.local_dir / "bronze/openf1/2023/telemetry/7953/11/car_data"
    windows = sorted(folder.glob("*.json.gz"))
    assert len(windows) >= 7  # 2 h 45 min of race window in 15-minute pieces
    records = [r for w in windows for r in json.loads(gzip.decompress(w.read_bytes()))]
    assert set(records[0]) == {
        "date",
        "session_key",
        "meeting_key",
        "driver_number",
        "speed",
        "rpm",
        "n_gear",
        "throttle",
        "brake",
        "drs",
    }
    assert len(records) >= len(driver_streams(11).car_t)


def test_a_second_pull_resumes_from_the_lake_without_asking_again(pulled: tuple) -> None:
    settings, _result = pulled
    requests: list[str] = []
    handler = telemetry_replay()

    def counting(path: str, headers: dict[str, str]) -> Reply:
        requests.append(path)
        return handler(path, headers)

    again = pull_race(settings, counting, session="R")
    assert again.partitions_written == 0
    assert again.partitions_cached == 3
    # Alonso, with no telemetry, is asked again (his data may still come)
    assert {p.split("driver_number=")[1].split("&")[0] for p in requests} == {"14"}


# -- lap telemetry and comparisons -------------------------------------------------------------
def test_a_lap_has_distance_positions_and_every_channel(pulled: tuple) -> None:
    settings, _result = pulled
    lap = lap_telemetry(settings, *RACE, "R", "VER", 20)
    columns = lap.columns
    assert lap.lap_time_ms == 95511 and lap.warnings == []
    assert columns["time_s"][0] == 0 and columns["time_s"][-1] == pytest.approx(95.511)
    assert np.all(np.diff(columns["time_s"]) > 0)
    assert abs(lap.length_m - COURSE_LENGTH_M) < 0.03 * COURSE_LENGTH_M
    assert columns["relative_distance"][-1] == 1.0
    # the position trace closes: start and end of the lap within 50 m (x, y in dm)
    start = np.array([columns["x"][0], columns["y"][0]])
    end = np.array([columns["x"][-1], columns["y"][-1]])
    assert np.hypot(*(start - end)) / 10 < 50
    assert not np.isnan(columns["x"]).any()
    assert set(np.unique(columns["brake_pct"])) <= {0.0, 100.0} | set(np.linspace(0, 100, 101))


def test_fastest_laps_compared_by_distance(pulled: tuple) -> None:
    settings, _result = pulled
    found = compare(settings, *RACE, "R", "VER", "hamilton")
    assert (found.reference.lap, found.other.lap) == (57, 55)
    lost = (found.other.lap_time_ms - found.reference.lap_time_ms) / 1000
    assert found.final_delta_s == pytest.approx(lost, abs=0.01)
    assert found.delta_s[0] == 0
    # Hamilton's lap is uniformly slower here: he loses time all the way round
    assert np.all(np.diff(found.delta_s[:: max(1, len(found.delta_s) // 20)]) > -0.01)


def test_unknown_laps_sessions_and_drivers_are_not_found(pulled: tuple) -> None:
    settings, _result = pulled
    with pytest.raises(NotFoundError, match="no car telemetry for driver ALO"):
        lap_telemetry(settings, *RACE, "R", "ALO", 10)
    with pytest.raises(NotFoundError, match="no lap 99"):
        lap_telemetry(settings, *RACE, "R", "VER", 99)
    with pytest.raises(NotFoundError, match="no car telemetry for 2023 R1 Q"):
        lap_telemetry(settings, *RACE, "Q", "VER")
    with pytest.raises(NotFoundError, match="before 2023"):
        lap_telemetry(settings, 2022, 1, "R", "VER")
    with pytest.raises(InputError, match="not a session code"):
        lap_telemetry(settings, *RACE, "XX", "VER")


# -- gold and physical checks ---------------------------------------------------------------
def test_gold_aggregates_per_lap_session_and_corner(pulled: tuple) -> None:
    settings, _result = pulled
    gold = settings.local_dir / "gold"
    with duckdb.connect() as con:
        laps = con.execute(
            "select driver_id, lap, top_speed_kph, full_throttle_pct, braking_events, "
            "drs_activations, gear_shifts, distance_m, st_speed_kph "
            "from read_parquet(?) where driver_id = 'max_verstappen' order by lap",
            [str(gold / "telemetry_laps/**/*.parquet")],
        ).fetchall()
        sessions = con.execute(
            "select driver_id, laps, fastest_lap, fastest_lap_ms, top_speed_kph, drs_activations "
            "from read_parquet(?) order by driver_id",
            [str(gold / "telemetry_sessions/**/*.parquet")],
        ).fetchall()
        corners = con.execute(
            "select corner, min(min_speed_kph), max(min_speed_kph), count(*) "
            "from read_parquet(?) group by corner order by corner",
            [str(gold / "telemetry_corners/**/*.parquet")],
        ).fetchall()
    assert len(laps) == 57
    for _driver, lap, top, throttle, brakes, drs, shifts, distance, trap in laps:
        assert 250 < top < 340 and 50 < throttle < 90
        assert 8 <= brakes <= 20 and 20 <= shifts <= 80
        assert abs(distance - COURSE_LENGTH_M) < 0.03 * COURSE_LENGTH_M
        assert trap is not None
        assert (drs == 0) == (lap <= 2)  # DRS is enabled from lap 3
    assert [s[:4] for s in sessions] == [
        ("hamilton", 57, 55, 94911),
        ("max_verstappen", 57, 57, 93752),
        ("perez", 57, 56, 94093),
    ]
    # corners: the slow ones of the outline, each met on every lap of every driver
    assert 8 <= len(corners) <= 18
    assert all(count == 3 * 57 and 60 < low <= high < 260 for _c, low, high, count in corners)


def test_the_generated_race_passes_every_physical_check(pulled: tuple) -> None:
    _settings, result = pulled
    assert _warnings(result) == {
        "telemetry_absent": ["2023 R1 R ALO car_data", "2023 R1 R ALO location"]
    }
    report = json.loads(Path(result.report_path or "").read_text())
    assert report["bytes_per_session"] == result.bytes_per_session
    assert len(report["warnings"]) == 2


# -- bad input ------------------------------------------------------------------------------
def test_shuffled_and_duplicated_samples_are_sorted_and_kept_once(faulty: tuple) -> None:
    settings, result = faulty
    warned = _warnings(result)
    assert "2023 R1 R VER car_data" in warned["telemetry_duplicates"]
    assert "2023 R1 R VER car_data" in warned["telemetry_out_of_order"]
    clean = lap_telemetry(settings, *RACE, "R", "VER", 20)
    assert np.all(np.diff(clean.columns["time_s"]) > 0)
    assert abs(clean.length_m - COURSE_LENGTH_M) < 0.03 * COURSE_LENGTH_M


def test_records_missing_fields_are_warned_about_and_kept_as_null(faulty: tuple) -> None:
    settings, result = faulty
    warned = _warnings(result)
    assert "2023 R1 R PER car_data" in warned["telemetry_no_date"]
    assert "2023 R1 R PER car_data" in warned["telemetry_missing_values"]
    assert "2023 R1 R PER location" in warned["telemetry_missing_values"]
    lap = lap_telemetry(settings, *RACE, "R", "PER", 20)
    assert not np.isnan(lap.columns["speed_kph"]).any()  # interpolated over the holes
    assert abs(lap.length_m - COURSE_LENGTH_M) < 0.03 * COURSE_LENGTH_M


def test_a_gap_in_a_stream_is_marked_on_the_lap(faulty: tuple) -> None:
    settings, _result = faulty
    # HAM's lap 23 starts at 15:39:35: the hole is 25 to 45 s into it
    lap = lap_telemetry(settings, *RACE, "R", "HAM", 23)
    assert any("gap of" in w for w in lap.warnings)
    untouched = lap_telemetry(settings, *RACE, "R", "HAM", 10)
    assert untouched.warnings == []


def test_physical_checks_flag_what_no_car_can_do(faulty: tuple) -> None:
    _settings, result = faulty
    warned = {w.name: w for w in result.warnings if "HAM" in w.where or "hamilton" in w.where}
    assert "rpm outside its physical range (20000 to 20000)" in (
        warned["telemetry_out_of_range"].message
    )
    long_laps = [w.where for w in result.warnings if w.name == "telemetry_lap_distance"]
    # every complete lap of Hamilton's is 10 % long; nobody else's is
    assert len(long_laps) >= 50 and all("hamilton" in where for where in long_laps)
    assert "position trace (5" in warned["telemetry_lap_distance"].message
    # HAM's lap 35 is under way at 16:00 (the jump): its trace does not close; no other
    open_loops = [w.where for w in result.warnings if w.name == "telemetry_open_loop"]
    assert open_loops == ["2023 R1 R hamilton lap 35"]


def test_a_session_without_telemetry_warns_and_writes_nothing(pulled: tuple) -> None:
    settings, _result = pulled
    with LocalServer(fallback=telemetry_replay()) as server:
        result = pull_telemetry(settings, 2023, 2, "R", base_url=f"{server.url}/v1/")
    assert result.partitions_written == 0
    assert set(_warnings(result)) == {"telemetry_absent", "telemetry_none"}
    assert not (settings.local_dir / "silver/telemetry/car_data/season=2023/round=2").exists()
    with pytest.raises(NotFoundError):
        compare(settings, 2023, 2, "R", "VER", "HAM")


def test_an_answer_that_is_not_json_is_not_stored_and_asked_again(
    sessions_settings: Settings, tmp_path: Path
) -> None:
    settings = telemetry_home(sessions_settings, tmp_path / "home")
    broken = telemetry_replay()

    def handler(path: str, headers: dict[str, str]) -> Reply:
        if "car_data" in path and "driver_number=1&" in path:
            return Reply(200, b"<html>busy</html>")
        return broken(path, headers)

    first = pull_race(settings, handler, session="R", driver="VER")
    assert "telemetry_not_json" in _warnings(first)
    assert first.partitions_written == 1  # the positions; car data is missing
    second = pull_race(settings, telemetry_replay(), session="R", driver="VER")
    assert second.partitions_written == 2 and second.partitions_cached == 0


def test_seasons_before_openf1_and_bad_arguments_are_refused(pulled: tuple) -> None:
    settings, _result = pulled
    with pytest.raises(InputError, match="from 2023 on"):
        pull_telemetry(settings, 2022, 1)
    with pytest.raises(InputError, match="not a session code"):
        pull_telemetry(settings, *RACE, "FP9")
    with pytest.raises(InputError, match="--driver SCH"):
        pull_telemetry(settings, *RACE, "R", "SCH")


# -- CLI, API, dashboard -----------------------------------------------------------------------
def test_cli_compare_prints_json_csv_and_html(
    pulled: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _result = pulled
    home = ["--home", str(settings.local_dir)]
    base = ["telemetry", "compare", "2023", "1", "R", "VER", "HAM", *home]
    assert main([*base, "--format", "json", "--points", "50"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["reference"]["driverId"] == "max_verstappen"
    assert document["delta_s"] == pytest.approx(1.159, abs=0.01)
    assert len(document["points"]) == 50 and len(document["mini_sectors"]) == 10
    assert main([*base, "--lap", "20", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("distance_m,relative_distance,speed_kph,other_speed_kph")
    assert len(lines) > 300
    assert main([*base, "--format", "html"]) == 0
    assert "Plotly.newPlot" in capsys.readouterr().out
    assert main([*base, "--lap", "first"]) == 2
    assert "--lap first" in capsys.readouterr().err
    assert main(["telemetry", "pull", "2022", "3", *home]) == 2
    assert "from 2023 on" in capsys.readouterr().err


@pytest.fixture(scope="module")
def client(pulled: tuple, tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = api_settings(pulled[0], tmp_path_factory.mktemp("appdb") / "app.sqlite")
    with TestClient(create_app(settings)) as client:
        yield client


def test_api_serves_a_lap_down_sampled_and_a_comparison(client: TestClient) -> None:
    lap = client.get("/api/v1/telemetry/2023/1/R/VER/laps/20", params={"points": 100})
    assert lap.status_code == 200, lap.text
    body = lap.json()
    assert body["lap"]["lap_time_ms"] == 95511 and len(body["points"]) == 100
    assert body["points"][-1]["relative_distance"] == 1.0
    full = client.get("/api/v1/telemetry/2023/1/R/max_verstappen/laps/fastest").json()
    assert full["lap"]["lap"] == 57 and len(full["points"]) > 300
    pair = client.get("/api/v1/telemetry/2023/1/R/compare/VER/PER", params={"points": 200})
    assert pair.status_code == 200 and len(pair.json()["points"]) == 200
    for url in (
        "/api/v1/telemetry/2023/1/R/ALO/laps/3",
        "/api/v1/telemetry/2023/2/R/VER/laps/3",
        "/api/v1/telemetry/2023/1/Q/compare/VER/HAM",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/telemetry/2023/1/X/VER/laps/3").status_code == 422
    spec = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/telemetry/{season}/{round}/{session}/{driver}/laps/{lap}" in spec


def test_dashboard_page_draws_the_comparison(client: TestClient) -> None:
    page = client.get("/telemetry/2023/1/R")
    assert page.status_code == 200, page.text
    for chart in ("chart-speed", "chart-delta", "chart-throttle", "chart-brake", "chart-map"):
        assert f'id="{chart}"' in page.text
    assert "VER lap 57" in page.text and "PER lap 56" in page.text
    gear = client.get("/telemetry/2023/1/R", params={"a": "HAM", "b": "VER", "colour": "gear"})
    assert gear.status_code == 200 and "Track map coloured by gear" in gear.text
    missing = client.get("/telemetry/2023/2/R")  # a race without telemetry: how to pull it
    assert missing.status_code == 404
    assert "`undercut telemetry pull 2023 2 --session R` fetches it" in missing.text


def test_the_race_page_links_each_session_with_telemetry(client: TestClient) -> None:
    race = client.get("/races/2023/1").text
    assert re.findall(r'href="(/telemetry/[^"]+)"', race) == ["/telemetry/2023/1/R"]
    assert "/telemetry/" not in client.get("/races/2023/2").text  # nothing pulled for it


def test_update_pulls_what_is_missing_for_every_round(
    pulled: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _result = pulled
    with LocalServer(fallback=telemetry_replay()) as server:
        settings = settings.model_copy(update={"openf1_url": f"{server.url}/v1/"})
        results = pull_missing_telemetry(settings, 2023)
    by_session = {label: r for r in results for label in r.sessions}
    assert "2023 R1 R" in by_session and "2023 R2 R" in by_session
    assert by_session["2023 R1 R"].partitions_written == 0  # already on the lake
    assert by_session["2023 R1 R"].partitions_cached == 3
    assert main(["update", "--telemetry", "--home", str(settings.local_dir)]) == 2
    assert "--telemetry needs --sessions" in capsys.readouterr().err
