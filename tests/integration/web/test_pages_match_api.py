"""Every dashboard page shows the numbers of its JSON twin in ``/api/v1``: drivers,
constructors, circuits, seasons, races (result, prediction, predicted vs actual) and the
model page, for a few representative entities each, on a home like ``make demo``'s."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.html import read_page, table
from undercut.web.pages import templates

# the predicted home is shared with the browser tests: one worker builds it once
pytestmark = pytest.mark.xdist_group("dashboard_browser")

FILTERS = templates().env.filters
CAREER = {  # the page's label → the JSON career field
    "Starts": "starts",
    "Wins": "wins",
    "Podiums": "podiums",
    "Poles": "poles",
    "Fastest laps": "fastest_laps",
    "Points": "points",
    "Titles": "championships",
    "DNFs": "dnfs",
}


def num(value: float | None, digits: int = 0) -> str:
    return str(FILTERS["num"](value, digits))


def _get(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
    return response.json() if path.startswith("/api/") else response.text


@pytest.fixture(scope="module")
def client(demo_app: dict[str, Any]) -> TestClient:
    return demo_app["client"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("kind", "ref"),
    [
        ("drivers", "hamilton"),
        ("drivers", "max_verstappen"),
        ("drivers", "farina"),
        ("drivers", "moss"),
        ("constructors", "ferrari"),
        ("constructors", "red_bull"),
        ("constructors", "maserati"),
    ],
)
def test_career_page_shows_the_api_career_and_seasons(
    client: TestClient, kind: str, ref: str
) -> None:
    body = _get(client, f"/api/v1/{kind}/{ref}")
    html = _get(client, f"/{kind}/{ref}")
    _, stats = read_page(html)
    assert {label: stats[label] for label in CAREER} == {
        label: num(body["career"][field], 1) for label, field in CAREER.items()
    }
    shown = [row[:1] + row[2:] for row in table(html, "Results per season").texts()]
    assert shown == [
        [
            str(s["season"]),
            str(s["starts"]),
            str(s["wins"]),
            str(s["podiums"]),
            str(s["poles"]),
            num(s["points"], 1),
            str(s["position"] or "\u2013"),
        ]
        for s in reversed(body["seasons"])
    ]


@pytest.mark.parametrize("ref", ["monza", "silverstone", "albert_park"])
def test_circuit_page_shows_the_api_circuit(client: TestClient, ref: str) -> None:
    body = _get(client, f"/api/v1/circuits/{ref}")
    html = _get(client, f"/circuits/{ref}")
    _, stats = read_page(html)
    held = body.get("races_held", body.get("racesHeld"))  # field renamed to snake_case
    assert stats["Grands Prix held"] == str(held) and held == len(body["winners"])
    record = body["lapRecord"] if "lapRecord" in body else body["lap_record"]
    assert stats["Race lap record"].startswith(f"{record['time']}, ")
    assert stats["Race lap record"].endswith(f"({record['season']})")
    shown = table(html, "Every winner")  # newest first
    winners = sorted(body["winners"], key=lambda w: (-w["season"], -w["round"]))
    assert [row[0] for row in shown.texts()] == [str(w["season"]) for w in winners]
    assert shown.ids(1) == [w["driverId"] for w in winners]
    assert shown.ids(2) == [w["constructorId"] for w in winners]


def _standings_rows(entries: list[dict[str, Any]]) -> list[list[str]]:
    return [[str(e["position"] or "\u2013"), num(e["points"], 1), str(e["wins"])] for e in entries]


@pytest.mark.parametrize("season", [1950, 1976, 2023, "last"])
def test_season_page_shows_the_api_standings(
    client: TestClient, demo_app: dict[str, Any], season: int | str
) -> None:
    year = demo_app["last_race"][0] if season == "last" else season
    html = _get(client, f"/seasons/{year}")
    drivers = _get(client, f"/api/v1/standings/{year}/drivers")
    shown = table(html, "driver-standings")
    assert shown.caption == f"After round {drivers['after_round']}"
    assert shown.ids(1) == [d["driverId"] for d in drivers["drivers"]]
    assert [r[:1] + r[2:] for r in shown.texts()] == _standings_rows(drivers["drivers"])
    response = client.get(f"/api/v1/standings/{year}/constructors")
    if year == 1950:  # no constructors' championship before 1958
        assert response.status_code == 404
        assert "constructor-standings" not in html
        return
    teams, shown = response.json(), table(html, "constructor-standings")
    assert shown.ids(1) == [t["constructorId"] for t in teams["constructors"]]
    assert [r[:1] + r[2:] for r in shown.texts()] == _standings_rows(teams["constructors"])


@pytest.mark.parametrize("race", [(1950, 1), (2023, 1), "last"])
def test_race_page_shows_the_api_result(
    client: TestClient, demo_app: dict[str, Any], race: tuple[int, int] | str
) -> None:
    season, rnd = demo_app["last_race"] if race == "last" else race
    body = _get(client, f"/api/v1/races/{season}/{rnd}/results")
    shown = table(_get(client, f"/races/{season}/{rnd}"), "Classification")
    assert shown.ids(1) == [r["driverId"] for r in body["results"]]
    assert shown.ids(2) == [r["constructorId"] for r in body["results"]]
    assert [[r[0], r[3], r[4], r[6]] for r in shown.texts()] == [
        [
            r["positionText"] or "\u2013",
            str(r["grid"]) if r["grid"] else "pit" if r["grid"] == 0 else "\u2013",
            str(r["laps"]) if r["laps"] is not None else "\u2013",
            num(r["points"], 1) if r["points"] else "",
        ]
        for r in body["results"]
    ]


def _finished(actual: dict[str, Any] | None) -> str:
    if actual is None:
        return "\u2013"
    return str(actual["position"] or f"NC ({actual['positionOrder']})")


def test_last_race_page_shows_the_api_comparison(
    client: TestClient, demo_app: dict[str, Any]
) -> None:
    season, rnd = demo_app["last_race"]
    body = _get(client, f"/api/v1/predictions/{season}/{rnd}/comparison")
    shown = table(_get(client, f"/races/{season}/{rnd}"), "Predicted order beside the result")
    drivers = sorted(body["drivers"], key=lambda d: d["expected_position"])
    actual = {a["driverId"]: a for a in body["actual"]}
    assert shown.ids(1) == [d["driverId"] for d in drivers]
    assert [[r[2], r[3], r[4]] for r in shown.texts()] == [
        [
            FILTERS["num"](d["expected_position"], 1, trim=False),
            FILTERS["pct"](d["p_win"]),
            _finished(actual.get(d["driverId"])),
        ]
        for d in drivers
    ]


def test_next_race_page_shows_the_api_prediction(
    client: TestClient, demo_app: dict[str, Any]
) -> None:
    season, rnd = demo_app["next_race"]
    body = _get(client, f"/api/v1/predictions/{season}/{rnd}")
    for html in (_get(client, "/"), _get(client, f"/races/{season}/{rnd}")):
        shown = table(html, "Predicted probabilities")
        assert shown.ids(1) == [d["driverId"] for d in body["drivers"]]
        assert [r[4:] for r in shown.texts()] == [
            [
                FILTERS["pct"](d["p_win"]),
                FILTERS["pct"](d["p_podium"]),
                FILTERS["pct"](d["p_points"]),
                FILTERS["num"](d["expected_position"], 1, trim=False),
            ]
            for d in body["drivers"]
        ]


def test_model_page_shows_the_api_models_and_backtest(client: TestClient) -> None:
    html = _get(client, "/model")
    models = _get(client, "/api/v1/models")
    versions = table(html, "Registered versions")
    assert [[r[0], r[1], r[3]] for r in versions.texts()] == [
        [m["version"], m["trained_until"], num(m["training_rows"])] for m in models
    ]
    backtest = _get(client, "/api/v1/backtest")
    summary = table(html, "backtest-summary").texts()
    shown = {row[0]: row[1:] for row in summary}
    assert shown == {
        values.get("label") or name: [num(values[m], 3) for m in backtest["metrics"]]
        for name, values in backtest["models"].items()
    }
    own = [backtest["models"][m]["label"] for m in ("lightgbm", "lightgbm_prequali")]
    assert [row[0] for row in summary[:2]] == own  # undercut's own rows first
    assert f"{backtest['races']} races" in html
