"""`undercut stats … --format json` and `/api/v1` give the same documents, and their
careers are gold's, for every driver and constructor."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.homes import warehouse_rows
from support.jobs import BIN
from undercut.cli import main
from undercut.config import Settings
from undercut.serving.v1.careers import CareerTotals

pytestmark = pytest.mark.xdist_group("built_home")


@pytest.mark.parametrize(
    "command, path",
    [
        (["driver", "hamilton"], "/api/v1/drivers/hamilton"),
        (["driver", "max_verstappen"], "/api/v1/drivers/max_verstappen"),
        (["constructor", "ferrari"], "/api/v1/constructors/ferrari"),
        (["standings", "2023"], "/api/v1/standings/2023/drivers"),
        (["standings", "2021", "--round", "10"], "/api/v1/standings/2021/drivers?round=10"),
    ],
)
def test_cli_json_equals_api(
    client: TestClient,
    built_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    path: str,
) -> None:
    capsys.readouterr()
    code = main(["stats", *command, "--format", "json", "--home", built_settings.home])
    out, err = capsys.readouterr()
    assert code == 0, err
    response = client.get(path)
    assert response.status_code == 200
    assert json.loads(out) == response.json()


CAREER_FIELDS = tuple(CareerTotals.model_fields)
SPAN_FIELDS = ("races_entered", "first_season", "last_season")
KINDS = {"driver": "driverId", "constructor": "constructorId"}


def gold_careers(settings: Settings, kind: str) -> dict[str, dict[str, Any]]:
    """Every row of gold's ``<kind>_summary``: the one definition of a career."""
    columns = ", ".join((*CAREER_FIELDS, *SPAN_FIELDS))
    rows = warehouse_rows(settings, f"select {kind}_id, {columns} from gold.{kind}_summary")
    return {row[0]: dict(zip((*CAREER_FIELDS, *SPAN_FIELDS), row[1:], strict=True)) for row in rows}


def stats_json(capsys: pytest.CaptureFixture[str], settings: Settings, *args: str) -> Any:
    capsys.readouterr()
    code = main(["stats", *args, "--format", "json", "--home", settings.home])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def career_of(document: dict[str, Any]) -> dict[str, Any]:
    """The career fields of a list item (flat) or a detail (``career`` nested)."""
    flat = {**document, **document.get("career", {})}
    return {field: flat[field] for field in (*CAREER_FIELDS, *SPAN_FIELDS)}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_career_is_golds_on_the_api_and_in_stats(
    client: TestClient,
    built_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    """For every driver and constructor of the archive: ``/api/v1`` = ``undercut stats``
    = gold, field by field."""
    gold = gold_careers(built_settings, kind)
    listed = client.get(f"/api/v1/{kind}s", params={"limit": 1000}).json()
    assert listed["total"] == len(gold) == len(listed["items"])
    api = {item[KINDS[kind]]: career_of(item) for item in listed["items"]}
    stats = {
        item[KINDS[kind]]: career_of(item)
        for item in stats_json(capsys, built_settings, f"{kind}s")
    }
    assert api == stats == gold


DETAILS = [
    ("driver", "farina"),
    ("driver", "moss"),
    ("driver", "fangio"),
    ("driver", "michael_schumacher"),
    ("driver", "hamilton"),
    ("constructor", "maserati"),
    ("constructor", "williams"),
]


@pytest.mark.parametrize("kind, ref", DETAILS)
def test_a_detail_gives_the_gold_career(
    client: TestClient,
    built_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    ref: str,
) -> None:
    gold = gold_careers(built_settings, kind)[ref]
    detail = client.get(f"/api/v1/{kind}s/{ref}").json()
    assert career_of(detail) == career_of(stats_json(capsys, built_settings, kind, ref)) == gold


@pytest.mark.parametrize("kind, ref", [("driver", "farina"), ("constructor", "maserati")])
def test_the_undercut_process_gives_the_gold_career(
    built_settings: Settings, kind: str, ref: str
) -> None:
    done = subprocess.run(
        [
            str(BIN / "undercut"),
            "stats",
            kind,
            ref,
            "--format",
            "json",
            "--home",
            built_settings.home,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert career_of(json.loads(done.stdout)) == gold_careers(built_settings, kind)[ref]


def test_season_positions_and_titles_are_the_standings(
    client: TestClient, built_settings: Settings
) -> None:
    """A driver's season position is his place in ``/api/v1/standings/{season}/drivers``,
    and his championships are the completed seasons he leads it."""
    complete = [
        season
        for (season,) in warehouse_rows(
            built_settings, "select season from gold.season_status where is_complete"
        )
    ]
    leaders: dict[str, int] = {}
    for season in complete:
        table = client.get(f"/api/v1/standings/{season}/drivers").json()["drivers"]
        leaders[table[0]["driverId"]] = leaders.get(table[0]["driverId"], 0) + 1
    titled = {
        item["driverId"]: item["championships"]
        for item in client.get("/api/v1/drivers", params={"limit": 1000}).json()["items"]
        if item["championships"]
    }
    assert titled == leaders
    for ref in ("farina", "moss", "michael_schumacher", "hamilton"):
        for season in client.get(f"/api/v1/drivers/{ref}").json()["seasons"]:
            table = client.get(f"/api/v1/standings/{season['season']}/drivers").json()
            place = {e["driverId"]: e["position"] for e in table["drivers"]}
            assert season["position"] == place.get(ref), (ref, season["season"])
