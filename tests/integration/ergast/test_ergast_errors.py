"""Paging and bad input on ``/ergast/f1``: the answers Ergast (and Jolpica) give, as JSON.

404: the path is not in the Ergast grammar (unknown endpoint or filter, a season after the
filters, a non-numeric value where a number belongs, characters no id has). 400: a
well-formed path the endpoint cannot answer (unsupported filter or final value, missing
season/round for laps and pit stops, a filter given twice). Bad ``limit``/``offset`` fall
back to the defaults, as the service does, and never fail.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("loaded_home")


def flat_results(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    races = body["MRData"]["RaceTable"]["Races"]
    return [
        (r["round"], e["position"], e["Driver"]["driverId"]) for r in races for e in r["Results"]
    ]


@pytest.mark.parametrize(
    ("query", "limit", "offset"),
    [
        ("", "30", "0"),
        ("?limit=5&offset=2", "5", "2"),
        ("?limit=100", "100", "0"),
        ("?limit=1000", "100", "0"),
        ("?limit=99999999999999999999999999", "100", "0"),
        ("?limit=0", "30", "0"),
        ("?limit=-5&offset=-3", "30", "0"),
        ("?limit=abc&offset=xyz", "30", "0"),
        ("?limit=1;drop%20table%20silver.drivers", "30", "0"),
        ("?offset=100000", "30", "100000"),
    ],
)
def test_limit_and_offset(client: Any, query: str, limit: str, offset: str) -> None:
    response = client.get(f"/ergast/f1/2023/results.json{query}")
    assert response.status_code == 200
    mrdata = response.json()["MRData"]
    assert (mrdata["limit"], mrdata["offset"], mrdata["total"]) == (limit, offset, "440")
    rows = sum(len(race["Results"]) for race in mrdata["RaceTable"]["Races"])
    assert rows == max(0, min(int(limit), 440 - int(offset)))


def test_an_absurd_offset_is_an_empty_page(client: Any) -> None:
    response = client.get("/ergast/f1/2023/results?offset=" + "9" * 40)
    assert response.status_code == 200
    mrdata = response.json()["MRData"]
    assert mrdata["total"] == "440" and mrdata["RaceTable"]["Races"] == []


def test_pages_add_up_to_the_whole_listing(client: Any) -> None:
    whole = flat_results(client.get("/ergast/f1/2023/results?limit=100").json())
    pages: list[tuple[str, str, str]] = []
    for offset in range(0, 100, 25):
        page = client.get(f"/ergast/f1/2023/results?limit=25&offset={offset}").json()
        pages += flat_results(page)
    assert pages == whole and len(whole) == 100


@pytest.mark.parametrize(
    "path",
    [
        "foo",
        "2023/foo",
        "2023/results.xml",
        "2023/results.json.json",
        "20233/results",
        "2023/123/results",
        "drivers/alonso/2008/results",
        "results/1/drivers/alonso/2008",
        "2023/results/1/2",
        "2023/sprint/1/results",
        "2023/qualifying/1/results",
        "2023/grid/abc/results",
        "2023/grid/-1/results",
        "2023/grid/99999999999/results",
        "2023/status/finished/results",
        "2023/driverStandings/first",
        "drivers/alonso';drop table silver.drivers;--/results",
        "drivers/alonso' or '1'='1/results",
        "drivers/1 or 1=1/results",
        "2023/grid/1;select 1/results",
        "circuits/%00monaco",
        "drivers/%E2%80%AEalonso",
    ],
)
def test_paths_outside_the_grammar_are_404(client: Any, path: str) -> None:
    response = client.get(f"/ergast/f1/{path}")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"].startswith("Not found")


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("2023/races/1", "Endpoint does not support final filter"),
        ("seasons/2010", "Endpoint does not support final filter"),
        ("2023/11/laps/1/races", "Unsupported filter for endpoint"),
        ("2023/11/laps/1/drivers", "Unsupported filter for endpoint"),
        ("2023/11/drivers/alonso/constructorstandings", "Unsupported filter for endpoint"),
        ("2023/11/constructors/ferrari/driverstandings", "Unsupported filter for endpoint"),
        ("2023/grid/1/driverStandings", "Unsupported filter for endpoint"),
        ("2023/11/circuits/monza/pitstops", None),
        ("2023/11/grid/1/pitstops", None),
        ("2023/11/status/1/laps", None),
        ("laps", "Missing one of the required parameters"),
        ("2023/laps", "Missing one of the required parameters"),
        ("pitstops", "Missing one of the required parameters"),
        ("2023/pitstops/1", "Missing one of the required parameters"),
        ("2023/drivers/alonso/drivers/hamilton/results", "the 'drivers' filter is given twice"),
        ("drivers/alonso/drivers/alonso", "the 'drivers' filter is given twice"),
        ("2023/results/1/results/2", "the 'results' filter is given twice"),
    ],
)
def test_requests_an_endpoint_cannot_answer_are_400(
    client: Any, path: str, detail: str | None
) -> None:
    response = client.get(f"/ergast/f1/{path}")
    if detail is None:  # a filter the endpoint does accept: just a (possibly empty) answer
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("Bad Request")
    assert detail in response.json()["detail"]


def test_sql_looking_values_change_nothing(client: Any) -> None:
    before = client.get("/ergast/f1/drivers?limit=1").json()["MRData"]["total"]
    for path in (
        "drivers/x'%20union%20select%201--/results",
        "drivers/x%22;delete%20from%20silver.drivers;--",
        "2023/results?limit=1);delete%20from%20silver.drivers;--",
    ):
        assert client.get(f"/ergast/f1/{path}").status_code in (200, 404)
    # Ids that look like SQL but are valid Ergast ids are looked up as plain values.
    response = client.get("/ergast/f1/drivers/select_1_or_1-1/results")
    assert response.status_code == 200 and response.json()["MRData"]["total"] == "0"
    assert client.get("/ergast/f1/drivers?limit=1").json()["MRData"]["total"] == before


ENDPOINTS = (
    "seasons",
    "races",
    "results",
    "sprint",
    "qualifying",
    "drivers",
    "constructors",
    "circuits",
    "status",
    "driverStandings",
    "constructorStandings",
    "pitstops",
    "laps",
)
FILTERS = {
    "circuits": ("silverstone", "circuitId"),
    "constructors": ("mclaren", "constructorId"),
    "drivers": ("norris", "driverId"),
    "grid": ("2", "grid"),
    "results": ("2", "position"),
    "fastest": ("1", "fastest"),
    "status": ("1", "status"),
    "laps": ("1", "lap"),
    "driverStandings": ("2", "driverStandings"),
    "constructorStandings": ("2", "constructorStandings"),
}


def accepted(endpoint: str, name: str) -> bool:
    """Which filter each endpoint takes, as Ergast documents it."""
    if name == "laps":  # a lap number filters pit stops; for laps it is the final value
        return endpoint == "pitstops"
    if name in ("driverStandings", "constructorStandings"):  # final championship places
        return endpoint == "seasons" or (endpoint, name) in (
            ("drivers", "driverStandings"),
            ("constructors", "constructorStandings"),
        )
    if endpoint == "driverStandings":
        return name == "drivers"
    if endpoint == "constructorStandings":
        return name == "constructors"
    return True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_on_every_endpoint(client: Any, name: str, endpoint: str) -> None:
    value, criterion = FILTERS[name]
    response = client.get(f"/ergast/f1/2023/10/{name}/{value}/{endpoint}")
    if not accepted(endpoint, name):
        assert response.status_code == 400, response.text
        assert response.json()["detail"].startswith("Bad Request")
        return
    assert response.status_code == 200, response.text
    (table,) = [value for key, value in response.json()["MRData"].items() if key.endswith("Table")]
    assert (table["season"], table["round"]) == ("2023", "10")
    assert table.get(criterion, value) == value
