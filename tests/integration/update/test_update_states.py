"""Race weekends after the archive, replayed one stage after another from hand-written
responses (tests/fixtures/jolpica): a new circuit, team and rookie; a sprint weekend;
qualifying with no result yet; a result corrected after a penalty; a cancelled race; a
season with no schedule yet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from support.ergast_replay import FIXTURES, files_replay
from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer, Reply
from undercut.cli import main
from undercut.config import Settings
from undercut.errors import SourceError
from undercut.ingest.update import update

CORRECTED = FIXTURES.parent / "jolpica-corrected"


def _count(settings: Settings, table: str, rnd: int) -> int:
    return warehouse_rows(
        settings, f"select count(*) from silver.{table} where season = 2026 and round = ?", [rnd]
    )[0][0]


@pytest.fixture
def home(built_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("UNDERCUT_JOLPICA_LIMITS", "none")
    return copy_home(built_settings, tmp_path / "home")


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_a_season_replayed_weekend_by_weekend(
    home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalServer(fallback=files_replay(FIXTURES)) as server:
        base = f"{server.url}/ergast/f1/"

        # After round 1: the schedule, a new circuit/team/rookie, laps and pit stops.
        first = update(home, 2026, base_url=base, now=at("2026-03-09T12:00"))
        assert first.races_added == ["2026:1"]
        assert first.races_scheduled == [f"2026:{r}" for r in (1, 2, 3, 4)]
        assert warehouse_rows(
            home, "select circuit_id, locality from silver.circuits where circuit_id = 'madring'"
        ) == [("madring", "Madrid")]
        assert warehouse_rows(
            home, "select constructor_id from silver.constructors where constructor_id = 'cadillac'"
        ) == [("cadillac",)]
        assert warehouse_rows(
            home,
            "select code, date_of_birth::varchar from silver.drivers where driver_id = 'lindblad'",
        ) == [("LIN", "2007-08-08")]
        assert warehouse_rows(
            home,
            "select driver_id, position, position_text, status from "
            "silver.race_results where season = 2026 and round = 1 and "
            "position_text = 'R'",
        ) == [("lindblad", 5, "R", "Retired")]
        assert warehouse_rows(
            home,
            "select count(*), min(source), max(source) from silver.lap_times where season = 2026",
        ) == [(10, "jolpica", "jolpica")]
        assert warehouse_rows(
            home,
            "select driver_id, duration_ms from silver.pit_stops where season = 2026 order by 1",
        ) == [("hamilton", 62004), ("norris", 22512)]
        # the API's laps give the race page its lap chart
        laps = json.loads((FIXTURES / "laps" / "2026@1@laps.json").read_text())
        timed = [
            (int(lap["number"]), int(t["position"]), t["driverId"])
            for lap in laps["MRData"]["RaceTable"]["Races"][0]["Laps"]
            for t in lap["Timings"]
        ]
        assert warehouse_rows(
            home,
            "select lap, position, driver_id from gold.race_lap_positions "
            "where season = 2026 and round = 1 and source = 'jolpica' order by lap, position",
        ) == sorted(timed)
        assert first.gold == "built"
        assert warehouse_rows(
            home,
            "select driver_id, points from gold.driver_standings where "
            "season = 2026 and round = 1 and position = 1",
        ) == [("max_verstappen", 25.0)]

        # Saturday of the sprint weekend: sprint and qualifying, the race still to come.
        sprint = update(home, 2026, base_url=base, now=at("2026-03-14T12:00"))
        assert sprint.races_added == [] and sprint.races_changed == []
        assert sprint.races_pending == ["2026:2"]
        assert _count(home, "sprint_results", 2) == 5
        assert _count(home, "qualifying", 2) == 5
        assert _count(home, "race_results", 2) == 0

        # Two weeks later: round 2 complete; round 3 has qualifying but no result yet.
        later = update(home, 2026, base_url=base, now=at("2026-03-28T20:00"))
        assert later.races_added == ["2026:2"]
        assert later.races_pending == ["2026:3"]
        assert _count(home, "qualifying", 3) == 5 and _count(home, "race_results", 3) == 0
        assert warehouse_rows(
            home, "select state from meta.api_races where season = 2026 order by round"
        ) == [("complete",), ("complete",), ("qualifying",)]
        assert warehouse_rows(
            home,
            "select driver_id, points, wins from gold.driver_standings where "
            "season = 2026 and round = 2 order by position limit 2",
        ) == [("norris", 51.0, 1), ("max_verstappen", 47.0, 1)]

    # A penalty after the race changes round 2; the calendar drops round 4.
    corrected = {path.name: [Reply(200, path.read_bytes())] for path in CORRECTED.rglob("*.json")}
    with LocalServer(fallback=files_replay(FIXTURES, overrides=corrected)) as server:
        code = main(
            [
                "update",
                "--home",
                home.home,
                "--season",
                "2026",
                "--round",
                "2",
                "--base-url",
                f"{server.url}/ergast/f1/",
            ]
        )
        err = capsys.readouterr().err
    assert code == 0, err
    assert "changed: 2026:2" in err and "cancelled: 2026:4" in err
    assert warehouse_rows(
        home,
        "select driver_id, position_order, points from silver.race_results "
        "where season = 2026 and round = 2 and driver_id = 'hamilton'",
    ) == [("hamilton", 4, 12.0)]
    changes = warehouse_rows(
        home,
        "select table_name, change, row_key from meta.update_changes "
        "where season = 2026 and round = 2 and table_name = 'race_results' "
        "order by row_key",
    )
    assert [c[2].split("/")[0] for c in changes] == ["hamilton", "lindblad", "max_verstappen"]
    assert {c[1] for c in changes} == {"changed"}
    assert warehouse_rows(
        home,
        "select driver_id, points from gold.driver_standings where season = "
        "2026 and round = 2 order by position limit 2",
    ) == [("norris", 51.0), ("max_verstappen", 50.0)]
    assert warehouse_rows(
        home, "select round from silver.races where season = 2026 order by 1"
    ) == [
        (1,),
        (2,),
        (3,),
    ]
    # Ids of corrected rows are kept: nothing downstream loses track of them.
    assert warehouse_rows(
        home, "select count(distinct result_id) from silver.race_results where season = 2026"
    ) == [(10,)]


def test_an_empty_season_changes_nothing(
    home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalServer(fallback=files_replay(FIXTURES)) as server:
        code = main(
            [
                "update",
                "--home",
                home.home,
                "--season",
                "2027",
                "--base-url",
                f"{server.url}/ergast/f1/",
                "--format",
                "json",
            ]
        )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert '"empty_seasons": [2027]' in captured.out and '"changes": 0' in captured.out
    assert "no schedule published yet for 2027" in captured.err


def test_bad_usage_exits_2(home: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update", "--home", home.home, "--round", "3"]) == 2
    assert "--round needs --season" in capsys.readouterr().err


def test_a_bad_value_names_its_url_and_keeps_the_race_out(home: Settings) -> None:
    good = (FIXTURES / "results" / "2026@1@results.json").read_text()
    bad = good.replace('"points": "18"', '"points": "eighteen"', 1).encode()
    overrides = {"2026@1@results.json": [Reply(200, bad)]}
    with (
        LocalServer(fallback=files_replay(FIXTURES, overrides=overrides)) as server,
        pytest.raises(SourceError) as raised,
    ):
        update(home, 2026, base_url=f"{server.url}/ergast/f1/", now=at("2026-03-09T12:00"))
    assert str(raised.value).startswith(
        f"{server.url}/ergast/f1/2026/1/results.json?limit=100: "
        "Results[1].points: 'eighteen' is not a number"
    )
    assert _count(home, "race_results", 1) == 0 and _count(home, "qualifying", 1) == 0
    assert warehouse_rows(home, "select count(*) from silver.races where season = 2026") == [(4,)]
