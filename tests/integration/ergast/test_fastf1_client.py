"""FastF1's Ergast client, unchanged, reading from a real ``undercut serve`` on 127.0.0.1.

The only thing changed is where the client points (``fastf1.ergast.interface.BASE_URL``,
the one place FastF1 keeps the service's address). Its HTTP cache is off and every other
HTTP(S) request goes to a dead local proxy, so the test can never reach the internet.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import fastf1
import pytest
from fastf1.ergast import Ergast, interface
from fastf1.exceptions import ErgastInvalidRequestError

from support.jobs import cli_env, free_port, kill_group, start_cli, wait_for
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("loaded_home")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def served_url(
    ergast_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``undercut serve`` (uvicorn) over the real archive on a free port."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = cli_env(Path(ergast_settings.home), UNDERCUT_RATE_LIMIT="none")
    process = start_cli(
        ["serve", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)], env, log
    )
    base = f"http://127.0.0.1:{port}/ergast/f1"
    try:
        wait_for(
            lambda: process.poll() is not None or _answers(base + "/seasons.json"),
            timeout=60,
            what=f"undercut serve on port {port}",
        )
        assert process.poll() is None, log.read_text()
        yield base
    finally:
        kill_group(process)


@pytest.fixture
def ergast(served_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ergast]:
    """FastF1's client aimed at the local server, with no cache and no way out."""
    monkeypatch.setattr(interface, "BASE_URL", served_url)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    fastf1.Cache.configure(cache_dir=str(tmp_path))
    fastf1.Cache.set_disabled()
    try:
        yield Ergast()
    finally:
        fastf1.Cache.set_enabled()


def test_race_results(ergast: Ergast) -> None:
    winners = ergast.get_race_results(season=2023, results_position=1, limit=100)
    assert winners.is_complete and len(winners.content) == 22
    assert list(winners.description["round"]) == list(range(1, 23))
    wins = sum(int((frame["driverId"] == "max_verstappen").sum()) for frame in winners.content)
    assert wins == 19

    bahrain = ergast.get_race_results(season=2023, round=1)
    assert bahrain.description.loc[0, "raceName"] == "Bahrain Grand Prix"
    result = bahrain.content[0]
    assert len(result) == 20
    assert list(result.loc[:1, "driverId"]) == ["max_verstappen", "perez"]
    assert result.loc[0, "totalRaceTime"].total_seconds() > 3600


def test_paging_through_a_season(ergast: Ergast) -> None:
    page = ergast.get_race_results(season=2023)
    assert not page.is_complete and page.total_results == 440
    rows = sum(len(frame) for frame in page.content)
    for _ in range(440 // 30):
        page = page.get_next_result_page()
        rows += sum(len(frame) for frame in page.content)
    assert rows == 440
    with pytest.raises(ValueError, match="No more data"):
        page.get_next_result_page()


def test_standings(ergast: Ergast) -> None:
    drivers = ergast.get_driver_standings(season=2021)
    assert drivers.description.loc[0, "round"] == 22
    table = drivers.content[0]
    assert list(table.loc[:1, "driverId"]) == ["max_verstappen", "hamilton"]
    assert list(table.loc[:1, "points"]) == [395.5, 387.5]
    assert table.loc[0, "constructorIds"] == ["red_bull"]

    teams = ergast.get_constructor_standings(season=2023)
    leader = teams.content[0].iloc[0]
    assert (leader["constructorId"], leader["wins"]) == ("red_bull", 21)

    champion = ergast.get_driver_standings(season=2023, standings_position=1)
    row = champion.content[0].iloc[0]
    assert (row["driverId"], row["wins"]) == ("max_verstappen", 19)


def test_schedule_and_reference_data(ergast: Ergast) -> None:
    schedule = ergast.get_race_schedule(season=2023)
    assert len(schedule) == 22
    assert schedule.loc[0, "raceName"] == "Bahrain Grand Prix"
    assert schedule.loc[21, "circuitId"] == "yas_marina"
    assert str(schedule.loc[0, "raceDate"].date()) == "2023-03-05"

    seasons = ergast.get_seasons(limit=100)
    assert int(seasons["season"].iloc[0]) == 1950
    drivers = ergast.get_driver_info(season=2023)
    assert len(drivers) == 22 and "max_verstappen" in set(drivers["driverId"])
    status = ergast.get_finishing_status(season=2023)
    assert int(status["count"].sum()) == 440
    stops = ergast.get_pit_stops(season=2023, round=10)
    assert len(stops.content[0]) > 0


def test_lap_times_and_errors(ergast: Ergast) -> None:
    laps = ergast.get_lap_times(season=2023, round=10, lap_number=1)
    timings = laps.content[0]
    assert len(timings) == 20 and list(timings["position"]) == list(range(1, 21))
    with pytest.raises(ErgastInvalidRequestError):
        ergast.get_lap_times(season=2023, round=None)  # laps need a round: 400
