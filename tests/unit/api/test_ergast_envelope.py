"""The MRData envelope joins items that arrive as JSON text without parsing them."""

from __future__ import annotations

import json

from undercut.api.ergast.endpoints import by_race, standings
from undercut.api.ergast.envelope import Window, mrdata
from undercut.serving.ergast_wire import dumps


def test_items_given_as_json_text_land_in_the_table_after_its_criteria() -> None:
    items = [dumps({"driverId": "pérez", "code": "PER"}), dumps({"driverId": "alonso"})]
    body = mrdata(
        url="http://x/ergast/f1/2023/drivers.json",
        window=Window(30, 0),
        total=2,
        table="DriverTable",
        criteria={"season": "2023"},
        items_key="Drivers",
        items=items,
    )
    parsed = json.loads(body)["MRData"]
    assert (parsed["limit"], parsed["offset"], parsed["total"]) == ("30", "0", "2")
    assert parsed["DriverTable"] == {
        "season": "2023",
        "Drivers": [{"driverId": "pérez", "code": "PER"}, {"driverId": "alonso"}],
    }
    assert "pérez" in body.decode()  # UTF-8, not escaped, as FastAPI's JSONResponse sends


def test_an_empty_page_is_an_empty_list() -> None:
    body = mrdata(
        url="u",
        window=Window(30, 60),
        total=0,
        table="RaceTable",
        criteria={},
        items_key="Races",
        items=[],
    )
    assert json.loads(body)["MRData"]["RaceTable"] == {"Races": []}


def test_rows_of_one_race_nest_under_its_rendered_header() -> None:
    header = dumps({"season": "2023", "round": "1", "raceName": "Bahrain Grand Prix"})
    rows = [
        {"season": 2023, "round": 1, "race_item": header, "item": dumps({"position": str(p)})}
        for p in (1, 2)
    ] + [{"season": 2023, "round": 2, "race_item": dumps({"round": "2"}), "item": "{}"}]
    races = [json.loads(text) for text in by_race("Results")(rows)]
    assert races == [
        {
            "season": "2023",
            "round": "1",
            "raceName": "Bahrain Grand Prix",
            "Results": [{"position": "1"}, {"position": "2"}],
        },
        {"round": "2", "Results": [{}]},
    ]
    lists = standings("DriverStandings")(rows[:1])
    assert json.loads(lists[0]) == {
        "season": "2023",
        "round": "1",
        "DriverStandings": [{"position": "1"}],
    }
