"""Path filter combinations of ``/ergast/f1``, checked against facts of the real archive and
against each other (a filter must select exactly what filtering the unfiltered list does)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("loaded_home")

MRData = dict[str, Any]


def table(mrdata: MRData) -> dict[str, Any]:
    (name,) = [key for key in mrdata if key.endswith("Table")]
    return mrdata[name]


def items(mrdata: MRData) -> list[Any]:
    (values,) = [value for value in table(mrdata).values() if isinstance(value, list)]
    return values


def criteria(mrdata: MRData) -> dict[str, str]:
    return {key: value for key, value in table(mrdata).items() if isinstance(value, str)}


def results(mrdata: MRData, key: str = "Results") -> list[dict[str, Any]]:
    return [entry for race in items(mrdata) for entry in race[key]]


def all_pages(get: Any, path: str) -> list[Any]:
    """Every item of a listing with one row per item, page by page (100 at a time)."""
    found: list[Any] = []
    total = None
    while total is None or len(found) < total:
        mrdata = get(f"{path}?limit=100&offset={len(found)}")
        total = int(mrdata["total"])
        page = items(mrdata)
        if not page:
            break
        found += page
    return found


def test_season_driver_results(get: Any) -> None:
    mrdata = get("2023/drivers/alonso/results")
    assert criteria(mrdata) == {"season": "2023", "driverId": "alonso"}
    assert mrdata["total"] == "22"
    entries = results(mrdata)
    assert len(entries) == 22
    assert {entry["Driver"]["driverId"] for entry in entries} == {"alonso"}
    assert {entry["Constructor"]["constructorId"] for entry in entries} == {"aston_martin"}


def test_constructor_circuits_are_the_circuits_of_its_races(get: Any) -> None:
    circuits = {c["circuitId"] for c in items(get("constructors/brawn/circuits"))}
    raced = {race["Circuit"]["circuitId"] for race in items(get("constructors/brawn/races"))}
    assert circuits == raced
    assert {"monaco", "silverstone", "albert_park"} <= circuits
    assert len(items(get("constructors/brawn/races"))) == 17  # Brawn GP: the 2009 season


def test_pole_sitters_start_every_2023_race_from_grid_one(get: Any) -> None:
    mrdata = get("2023/grid/1/results")
    assert criteria(mrdata) == {"season": "2023", "grid": "1"}
    entries = results(mrdata)
    assert len(entries) == 22 and {entry["grid"] for entry in entries} == {"1"}
    assert sum(entry["Driver"]["driverId"] == "max_verstappen" for entry in entries) == 12


def test_verstappen_won_19_races_in_2023(get: Any) -> None:
    mrdata = get("2023/drivers/max_verstappen/results/1")
    assert mrdata["total"] == "19"
    winners = results(get("2023/results/1"))
    assert len(winners) == 22
    assert sum(w["Driver"]["driverId"] == "max_verstappen" for w in winners) == 19


def test_hamilton_105_wins_through_2024(get: Any) -> None:
    wins = all_pages(get, "drivers/hamilton/results/1")
    assert sum(int(race["season"]) <= 2024 for race in wins) == 105


@pytest.mark.parametrize("endpoint", ["results", "races", "circuits", "seasons"])
def test_fastest_lap_filter_matches_the_results(get: Any, endpoint: str) -> None:
    """``/drivers/alonso/fastest/1/...``: the races where his lap was the fastest."""
    races = all_pages(get, "drivers/alonso/results")
    fastest = [
        race for race in races if race["Results"][0].get("FastestLap", {}).get("rank") == "1"
    ]
    assert fastest, "Alonso set fastest laps"
    mrdata = get(f"drivers/alonso/fastest/1/{endpoint}?limit=100")
    assert criteria(mrdata) == {"driverId": "alonso", "fastest": "1"}
    listed = items(mrdata)
    if endpoint in ("results", "races"):
        assert [(r["season"], r["round"]) for r in listed] == [
            (r["season"], r["round"]) for r in fastest
        ]
    elif endpoint == "circuits":
        assert {c["circuitId"] for c in listed} == {r["Circuit"]["circuitId"] for r in fastest}
    else:
        assert [s["season"] for s in listed] == sorted({r["season"] for r in fastest})


def test_fastest_zero_means_any_rank(get: Any) -> None:
    plain = get("2008/drivers/alonso/circuits")
    zero = get("2008/drivers/alonso/fastest/0/circuits")
    assert items(zero) == items(plain)
    assert criteria(zero)["fastest"] == "0"


def test_filters_in_any_order_select_the_same(get: Any) -> None:
    paths = [
        "2008/circuits/monaco/drivers/alonso/constructors/renault/results",
        "2008/constructors/renault/drivers/alonso/circuits/monaco/results",
        "2008/drivers/alonso/circuits/monaco/constructors/renault/results.json",
    ]
    answers = [get(path) for path in paths]
    assert all(items(a) == items(answers[0]) for a in answers)
    assert all(criteria(a) == criteria(answers[0]) for a in answers)
    (race,) = items(answers[0])
    assert (race["round"], race["Results"][0]["Driver"]["driverId"]) == ("6", "alonso")


def test_json_suffix_trailing_slash_and_case_are_optional(client: Any) -> None:
    bodies = []
    for path in (
        "2023/5/driverStandings.json",
        "2023/5/driverstandings",
        "2023/5/DRIVERSTANDINGS/",
    ):
        response = client.get(f"/ergast/f1/{path}")
        assert response.status_code == 200
        mrdata = response.json()["MRData"]
        bodies.append({key: value for key, value in mrdata.items() if key != "url"})
    assert bodies[0] == bodies[1] == bodies[2]


def test_current_last_and_next_follow_the_data(get: Any) -> None:
    seasons = all_pages(get, "seasons")
    latest = seasons[-1]["season"]
    schedule = get("current")
    assert criteria(schedule) == {"season": latest}
    assert items(schedule) == items(get(latest))
    # The archive ends with 2025 round 18, the Singapore Grand Prix.
    (last,) = items(get("current/last"))
    assert (last["season"], last["round"], last["raceName"]) == (
        "2025",
        "18",
        "Singapore Grand Prix",
    )
    (upcoming,) = items(get("current/next"))
    assert (upcoming["season"], upcoming["round"]) == ("2025", "19")
    winner = results(get("current/last/results/1"))
    assert len(winner) == 1
    standings = get("current/driverStandings")
    assert items(standings)[0]["round"] == "18"


def test_status_counts_and_status_filter_agree(get: Any) -> None:
    statuses = {s["statusId"]: s for s in items(get("2023/status?limit=100"))}
    assert statuses["1"]["status"] == "Finished"
    finished = get("2023/status/1/results")
    assert finished["total"] == statuses["1"]["count"]
    assert {entry["status"] for entry in results(get("2023/status/1/results?limit=100"))} == {
        "Finished"
    }
    assert sum(int(s["count"]) for s in statuses.values()) == 440  # 22 races x 20 cars
    (one,) = items(get("2023/status/1"))
    assert one == statuses["1"]


def test_driver_standings_after_a_round_and_at_the_end(get: Any) -> None:
    final = get("2021/driverStandings")
    (standings,) = items(final)
    top = [
        (s["Driver"]["driverId"], s["points"], s["wins"]) for s in standings["DriverStandings"][:2]
    ]
    assert top == [("max_verstappen", "395.5", "10"), ("hamilton", "387.5", "8")]
    assert standings["round"] == "22"
    after_five = get("2023/5/driverStandings")
    assert criteria(after_five) == {"season": "2023", "round": "5"}
    (listing,) = items(after_five)
    assert listing["round"] == "5"
    assert int(listing["DriverStandings"][0]["wins"]) <= 5
    (leader,) = items(get("2023/driverStandings/1"))
    champion = leader["DriverStandings"][0]
    assert (champion["Driver"]["driverId"], champion["wins"]) == ("max_verstappen", "19")
    (alonso,) = items(get("2023/drivers/alonso/driverStandings"))
    assert [s["Driver"]["driverId"] for s in alonso["DriverStandings"]] == ["alonso"]


def test_champions_across_seasons(get: Any) -> None:
    champions = all_pages(get, "driverStandings/1")
    assert len(champions) == len(all_pages(get, "seasons"))
    by_season = {c["season"]: c["DriverStandings"][0]["Driver"]["driverId"] for c in champions}
    assert (by_season["2008"], by_season["2021"], by_season["2023"]) == (
        "hamilton",
        "max_verstappen",
        "max_verstappen",
    )
    titles = [s["season"] for s in items(get("drivers/hamilton/driverStandings/1/seasons"))]
    assert titles == ["2008", "2014", "2015", "2017", "2018", "2019", "2020"]
    assert titles == sorted(season for season, driver in by_season.items() if driver == "hamilton")
    drivers = {d["driverId"] for d in all_pages(get, "driverStandings/1/drivers")}
    assert drivers == set(by_season.values())
    teams = {c["constructorId"] for c in all_pages(get, "constructorStandings/1/constructors")}
    assert {"ferrari", "mclaren", "red_bull", "williams"} <= teams
    (red_bull,) = items(get("2023/constructorStandings/1"))
    assert red_bull["ConstructorStandings"][0]["Constructor"]["constructorId"] == "red_bull"
    assert red_bull["ConstructorStandings"][0]["wins"] == "21"


def test_pit_stop_filters(get: Any) -> None:
    stops = items(get("2023/10/pitstops?limit=100"))[0]["PitStops"]
    assert stops
    second = items(get("2023/10/pitstops/2"))[0]["PitStops"]
    assert second == [s for s in stops if s["stop"] == "2"]
    lap = items(get("2023/10/laps/7/pitstops"))[0]["PitStops"]
    assert lap == [s for s in stops if s["lap"] == "7"]
    alonso = items(get("2023/10/drivers/alonso/pitstops"))[0]["PitStops"]
    assert alonso == [s for s in stops if s["driverId"] == "alonso"]
    (pole,) = results(get("2023/10/grid/1/results"))
    from_pole = items(get("2023/10/grid/1/pitstops"))[0]["PitStops"]
    assert from_pole == [s for s in stops if s["driverId"] == pole["Driver"]["driverId"]]
    mclaren = items(get("2023/10/constructors/mclaren/pitstops"))[0]["PitStops"]
    assert mclaren == [s for s in stops if s["driverId"] in ("norris", "piastri")]


def test_lap_filters(get: Any) -> None:
    mrdata = get("2023/10/laps/1")
    assert criteria(mrdata) == {"season": "2023", "round": "10"}
    (race,) = items(mrdata)
    (lap,) = race["Laps"]
    assert lap["number"] == "1" and len(lap["Timings"]) == 20
    assert [t["position"] for t in lap["Timings"]] == [str(n) for n in range(1, 21)]
    (alonso,) = items(get("2023/10/drivers/alonso/laps"))
    assert [t["driverId"] for t in alonso["Laps"][0]["Timings"]] == ["alonso"]
    assert items(get("2023/10/constructors/aston_martin/laps/1"))[0]["Laps"][0]["Timings"] == [
        t for t in lap["Timings"] if t["driverId"] in ("alonso", "stroll")
    ]
    (winner,) = results(get("2023/10/results/1"))
    (won,) = items(get("2023/10/results/1/laps/1"))
    assert won["Laps"][0]["Timings"] == [
        t for t in lap["Timings"] if t["driverId"] == winner["Driver"]["driverId"]
    ]


def test_qualifying_sprint_and_schedule(get: Any) -> None:
    (race,) = items(get("2023/1/qualifying/1"))
    assert race["QualifyingResults"][0]["Driver"]["driverId"] == "max_verstappen"
    # Paging counts result rows (120 = 6 sprints x 20), not races: the 100-row page cuts
    # the fifth sprint short, the next page carries on with the same race.
    first, second = get("2023/sprint?limit=100"), get("2023/sprint?limit=100&offset=100")
    assert first["total"] == "120" and len(results(first, "SprintResults")) == 100
    sprints = items(first)
    if items(second)[0]["round"] == sprints[-1]["round"]:
        sprints[-1]["SprintResults"] += items(second)[0]["SprintResults"]
        sprints += items(second)[1:]
    else:
        sprints += items(second)
    assert len(sprints) == 6 and all(len(race["SprintResults"]) == 20 for race in sprints)
    assert items(get("2023/sprint/1?limit=100")) == [
        {**race, "SprintResults": [r for r in race["SprintResults"] if r["position"] == "1"]}
        for race in sprints
    ]
    schedule = items(get("2023/races"))
    assert len(schedule) == 22 and schedule[0]["raceName"] == "Bahrain Grand Prix"
    assert {"FirstPractice", "Qualifying"} <= set(schedule[0])


def test_unknown_ids_give_an_empty_listing(get: Any) -> None:
    for path in ("drivers/nobody", "drivers/nobody/results", "2023/circuits/atlantis/races"):
        mrdata = get(path)
        assert (mrdata["total"], items(mrdata)) == ("0", []), path
    assert items(get("1949/results")) == []
    assert items(get("2023/99/results")) == []
