"""A race page tells the race in charts: pole and fastest lap, grid to finish, places
gained, pit stops, and (with OpenF1 session timing) the lap chart and tyre stints; every
driver in their team's colours.

Expected facts are read from the archive's CSV files and the OpenF1 fixtures themselves,
not from the warehouse the page reads.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.replay import OPENF1
from undercut.api.app import create_app
from undercut.config import Settings

BUILT = pytest.mark.xdist_group("built_home")
SESSIONS = pytest.mark.xdist_group("sessions")


def _client(settings: Settings, tmp: Path) -> Iterator[TestClient]:
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp / 'app.sqlite'}", "rate_limit": "none"}
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def client(
    built_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from _client(built_settings, tmp_path_factory.mktemp("race-story"))


@pytest.fixture(scope="module")
def timed_client(
    sessions_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from _client(sessions_settings, tmp_path_factory.mktemp("race-story-timed"))


def _figures(html: str) -> dict[str, dict[str, Any]]:
    """The plotly figures a page embeds, by chart id."""
    return {
        m.group(1): json.loads(m.group(2).replace("<\\/", "</"))
        for m in re.finditer(
            r'<script type="application/json" id="(chart-[a-z-]+)-data">(.*?)</script>',
            html,
            re.S,
        )
    }


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, element_id: str) -> str:
    return _text(html.split(f'id="{element_id}"')[1].split("</div>")[0])


class Archive:
    """One race of the CSV archive, keyed by driver ref."""

    def __init__(self, directory: Path, season: int, round: int) -> None:
        def rows(name: str) -> list[dict[str, str]]:
            with (directory / f"{name}.csv").open(encoding="utf-8") as f:
                return list(csv.DictReader(f))

        race = next(
            r for r in rows("races") if (int(r["year"]), int(r["round"])) == (season, round)
        )
        self.drivers = {r["driverId"]: r for r in rows("drivers")}
        self.teams = {r["constructorId"]: r["constructorRef"] for r in rows("constructors")}
        self.results = [r for r in rows("results") if r["raceId"] == race["raceId"]]
        self.qualifying = [r for r in rows("qualifying") if r["raceId"] == race["raceId"]]
        self.pit_stops = [r for r in rows("pit_stops") if r["raceId"] == race["raceId"]]

    def ref(self, row: dict[str, str]) -> str:
        return self.drivers[row["driverId"]]["driverRef"]

    def code(self, row: dict[str, str]) -> str:
        return self.drivers[row["driverId"]]["code"]

    def name(self, row: dict[str, str]) -> str:
        d = self.drivers[row["driverId"]]
        return f"{d['forename']} {d['surname']}"


@pytest.fixture(scope="module")
def bahrain(archive_dir: Path) -> Archive:
    return Archive(archive_dir, 2023, 1)


@BUILT
def test_pole_and_fastest_lap_are_shown_at_the_top(client: TestClient, bahrain: Archive) -> None:
    html = client.get("/races/2023/1").text
    pole = next(r for r in bahrain.results if r["grid"] == "1")
    qualified = next(q for q in bahrain.qualifying if q["driverId"] == pole["driverId"])
    fastest = next(r for r in bahrain.results if r["rank"] == "1")
    assert qualified["q3"] == "1:29.708" and fastest["fastestLapTime"] == "1:33.996"
    shown = _section(html, "pole")
    assert bahrain.name(pole) in shown and qualified["q3"] in shown and "Red Bull" in shown
    shown = _section(html, "fastest-lap")
    assert bahrain.name(fastest) in shown and fastest["fastestLapTime"] in shown
    assert f"lap {fastest['fastestLap']}" in shown
    # the chip's text colour reads on the team colour
    chip = re.search(r'class="team-chip" style="background-color: (#\w+); color: (#\w+)"', html)
    assert chip is not None
    from undercut.serving.colours import TEXT_CONTRAST, contrast

    assert contrast(chip.group(1), chip.group(2)) >= TEXT_CONTRAST


@BUILT
def test_a_pole_awarded_by_the_sprint_shows_no_qualifying_time(
    client: TestClient, archive_dir: Path
) -> None:
    silverstone = Archive(archive_dir, 2021, 10)  # the first sprint weekend
    pole = next(r for r in silverstone.results if r["grid"] == "1")
    fastest = next(q for q in silverstone.qualifying if q["position"] == "1")
    assert pole["driverId"] != fastest["driverId"]  # Verstappen won the sprint
    shown = _section(client.get("/races/2021/10").text, "pole")
    assert silverstone.name(pole) in shown
    assert fastest["q3"] not in shown and re.search(r"\d:\d\d\.\d{3}", shown) is None


@BUILT
def test_the_slope_chart_connects_grid_and_finish_of_every_classified_driver(
    client: TestClient, bahrain: Archive
) -> None:
    figures = _figures(client.get("/races/2023/1").text)
    traces = figures["chart-slope"]["data"]
    classified = [r for r in bahrain.results if r["position"] != "\\N"]
    assert len(traces) == len(classified) == 17
    by_name = {t["name"]: t for t in traces}
    for r in classified:
        trace = by_name[bahrain.code(r)]
        assert trace["x"] == ["Grid", "Finish"] and "lines" in trace["mode"]
        start = int(r["grid"]) or len(bahrain.results)
        assert trace["y"] == [start, int(r["position"])]
    gained = figures["chart-gained"]["data"][0]
    places = dict(zip(gained["y"], gained["x"], strict=True))
    assert places["GAS"] == 20 - 9 and places["NOR"] == 11 - 17


@BUILT
def test_team_mates_share_a_colour_and_differ_by_dash(client: TestClient, bahrain: Archive) -> None:
    traces = _figures(client.get("/races/2023/1").text)["chart-slope"]["data"]
    team = {bahrain.code(r): bahrain.teams[r["constructorId"]] for r in bahrain.results}
    by_team: dict[str, list[dict[str, Any]]] = {}
    for t in traces:
        by_team.setdefault(team[t["name"]], []).append(t)
    pairs = [ts for ts in by_team.values() if len(ts) == 2]
    assert len(pairs) >= 6
    for first, second in pairs:
        assert first["line"]["color"] == second["line"]["color"]
        assert first["line"]["dash"] != second["line"]["dash"]
    colours = {team_id: ts[0]["line"]["color"] for team_id, ts in by_team.items()}
    assert len(set(colours.values())) == len(colours)  # ten teams, ten colours
    hamilton = next(t for t in traces if t["name"] == "HAM")
    alonso = next(t for t in traces if t["name"] == "ALO")
    assert hamilton["line"]["color"] != alonso["line"]["color"]


@BUILT
def test_a_driver_has_the_same_colour_on_every_chart(client: TestClient) -> None:
    race = _figures(client.get("/races/2023/1").text)["chart-slope"]["data"]
    season = _figures(client.get("/seasons/2023").text)["chart-progression"]["data"]
    on_race = {t["name"]: t["line"]["color"] for t in race}
    on_season = {t["name"]: t["line"]["color"] for t in season}
    assert on_season["Max Verstappen"] == on_race["VER"]
    assert on_season["Lewis Hamilton"] == on_race["HAM"]
    red_bull = _figures(client.get("/constructors/red_bull").text)["chart-seasons"]["data"][0]
    assert red_bull["marker"]["color"][-3] == on_race["VER"]  # 2023: third season from the end


@BUILT
def test_pit_stops_on_a_timeline_and_notes_for_what_is_missing(
    client: TestClient, bahrain: Archive
) -> None:
    html = client.get("/races/2023/1").text
    figures = _figures(html)
    stops = figures["chart-pits"]["data"]
    assert sum(len(t["x"]) for t in stops) == len(bahrain.pit_stops)
    verstappen = next(t for t in stops if t["name"] == "VER")
    mine = [p for p in bahrain.pit_stops if bahrain.ref(p) == "max_verstappen"]
    assert sorted(verstappen["x"]) == sorted(int(p["lap"]) for p in mine)
    first = next(p for p in mine if p["stop"] == "1")
    assert f"{int(first['milliseconds']) / 1000:.1f} s in the pit lane" in json.dumps(verstappen)
    # the shared archive has no lap times and no OpenF1 stints: said, not drawn
    assert not {"chart-laps", "chart-gaps", "chart-stints"} & figures.keys()
    text = _text(html)
    assert "No lap chart" in text and "No tyre stints" in text


def _crossings() -> dict[int, list[tuple[datetime, int]]]:
    """When each car completed each lap (in that order), from the raw OpenF1 laps."""
    laps = json.loads((OPENF1 / "laps_session_key=7953.json").read_text())
    done: dict[int, list[tuple[datetime, int]]] = {}
    for lap in laps:
        if lap["lap_duration"] is None:
            continue
        end = datetime.fromisoformat(lap["date_start"]) + timedelta(seconds=lap["lap_duration"])
        done.setdefault(lap["lap_number"], []).append((end, lap["driver_number"]))
    return {n: sorted(cars) for n, cars in done.items()}


@SESSIONS
def test_with_session_timing_the_lap_chart_and_tyre_stints_are_drawn(
    timed_client: TestClient,
) -> None:
    html = timed_client.get("/races/2023/1").text
    figures = _figures(html)
    drivers = json.loads((OPENF1 / "drivers_session_key=7953.json").read_text())
    code = {d["driver_number"]: d["name_acronym"] for d in drivers}
    laps, gaps = (
        {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in figures[chart]["data"]}
        for chart in ("chart-laps", "chart-gaps")
    )
    assert set(laps) == set(gaps) == set(code.values())
    for lap, cars in _crossings().items():
        assert [laps[code[n]][lap] for _, n in cars] == list(range(1, len(cars) + 1)), lap
        leader = cars[0][0]
        for at, n in cars:
            assert gaps[code[n]][lap] == pytest.approx((at - leader).total_seconds(), abs=0.002)
    assert laps["VER"][0] == 1  # lap 0 is the grid

    stints = json.loads((OPENF1 / "stints_session_key=7953.json").read_text())
    bars = figures["chart-stints"]["data"]
    assert sum(len(t["y"]) for t in bars) == len(stints)
    soft = next(t for t in bars if t["name"] == "Soft")
    assert soft["marker"]["color"] == "#da291c" and soft["textfont"]["color"] == "#ffffff"
    hard = next(t for t in bars if t["name"] == "Hard")
    assert hard["textfont"]["color"] == "#000000"  # black on the white hard tyre
    ver = [
        (base, width)
        for t in bars
        for y, base, width in zip(t["y"], t["base"], t["x"], strict=True)
        if y == "VER"
    ]
    expected = [
        (s["lap_start"] - 1, s["lap_end"] - s["lap_start"] + 1)
        for s in stints
        if s["driver_number"] == 1
    ]
    assert sorted(ver) == sorted(expected)
    assert "No lap chart" not in _text(html) and "No tyre stints" not in _text(html)


@SESSIONS
def test_without_ergast_pit_stops_the_timeline_uses_openf1s(
    sessions_settings: Settings, tmp_path: Path
) -> None:
    import duckdb

    from support.homes import copy_home
    from undercut.warehouse.build import build_gold

    settings = copy_home(sessions_settings, tmp_path / "home")
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("delete from silver.pit_stops where season = 2023 and round = 1")
    build_gold(settings)
    pits = json.loads((OPENF1 / "pit_session_key=7953.json").read_text())
    code = {
        d["driver_number"]: d["name_acronym"]
        for d in json.loads((OPENF1 / "drivers_session_key=7953.json").read_text())
    }
    with TestClient(create_app(settings.model_copy(update={"rate_limit": "none"}))) as client:
        html = client.get("/races/2023/1").text
    stops = _figures(html)["chart-pits"]["data"]
    drawn = sorted((t["name"], lap) for t in stops for lap in t["x"])
    assert drawn == sorted((code[p["driver_number"]], p["lap_number"]) for p in pits)
    first = next(p for p in pits if p["driver_number"] == 1)
    assert f"{first['pit_duration']:.1f} s in the pit lane" in json.dumps(stops)
