"""``undercut stats``, ``sql`` and ``export`` on the real archive: shapes, facts, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from undercut.cli import main
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built")

CAREER = {"starts", "wins", "poles", "podiums", "fastest_laps", "points", "championships", "dnfs"}


def cli(capsys: pytest.CaptureFixture[str], settings: Settings, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "--home", settings.home])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], settings: Settings, *args: str) -> Any:
    code, out, err = cli(capsys, settings, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_driver_json_shape_and_career(
    capsys: pytest.CaptureFixture[str], built_settings: Settings
) -> None:
    doc = as_json(capsys, built_settings, "stats", "driver", "hamilton")
    assert {"driverId", "code", "givenName", "familyName", "career"} <= set(doc)
    assert set(doc["career"]) == CAREER
    assert (doc["driverId"], doc["code"], doc["givenName"], doc["familyName"]) == (
        "hamilton",
        "HAM",
        "Lewis",
        "Hamilton",
    )
    career = doc["career"]
    assert (career["wins"], career["poles"], career["championships"]) == (105, 104, 7)
    # Through 2024 (the archive runs into 2025): 356 starts, the 2007-2024 seasons.
    through_2024 = [s for s in doc["seasons"] if s["season"] <= 2024]
    assert sum(s["starts"] for s in through_2024) == 356
    assert sum(s["wins"] for s in through_2024) == 105
    assert sum(s["poles"] for s in through_2024) == 104
    assert [s["season"] for s in through_2024 if s["position"] == 1] == [
        2008,
        2014,
        2015,
        2017,
        2018,
        2019,
        2020,
    ]


def test_schumacher_seven_titles(
    capsys: pytest.CaptureFixture[str], built_settings: Settings
) -> None:
    doc = as_json(capsys, built_settings, "stats", "driver", "michael_schumacher")
    assert doc["career"]["championships"] == 7
    assert doc["career"]["wins"] == 91
    top = as_json(
        capsys, built_settings, "stats", "drivers", "--sort", "championships", "--limit", "2"
    )
    assert {d["driverId"] for d in top} == {"hamilton", "michael_schumacher"}
    assert all(d["championships"] == 7 for d in top)


def test_standings_json_shape(capsys: pytest.CaptureFixture[str], built_settings: Settings) -> None:
    doc = as_json(capsys, built_settings, "stats", "standings", "2023")
    assert set(doc) == {"season", "after_round", "drivers"}
    assert (doc["season"], doc["after_round"]) == (2023, 22)
    assert all(set(d) == {"position", "driverId", "points", "wins"} for d in doc["drivers"])
    assert doc["drivers"][0] == {
        "position": 1,
        "driverId": "max_verstappen",
        "points": 575.0,
        "wins": 19,
    }
    final_2021 = as_json(capsys, built_settings, "stats", "standings", "2021")
    first, second = final_2021["drivers"][:2]
    assert (first["driverId"], second["driverId"]) == ("max_verstappen", "hamilton")
    assert first["points"] - second["points"] == 8
    after_10 = as_json(capsys, built_settings, "stats", "standings", "2021", "--round", "10")
    assert after_10["after_round"] == 10
    assert after_10["drivers"][0]["driverId"] == "max_verstappen"


def test_standings_csv_matches_the_archive(
    capsys: pytest.CaptureFixture[str], built_settings: Settings
) -> None:
    code, out, _ = cli(
        capsys, built_settings, "stats", "standings", "2021", "--round", "10", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    with duckdb.connect(str(built_settings.warehouse_path), read_only=True) as con:
        expected = con.execute("""select driver_id, points from gold.driver_standings
            where season = 2021 and round = 10 order by position""").fetchall()
    assert [(r["driverId"], float(r["points"])) for r in rows] == expected


def test_constructor_and_circuit_documents(
    capsys: pytest.CaptureFixture[str], built_settings: Settings
) -> None:
    ferrari = as_json(capsys, built_settings, "stats", "constructor", "ferrari")
    assert set(ferrari["career"]) == CAREER
    assert ferrari["career"]["championships"] == 16
    monaco = as_json(capsys, built_settings, "stats", "circuit", "monaco")
    assert monaco["lap_record"] == {
        "time": "1:12.909",
        "ms": 72909,
        "driverId": "hamilton",
        "season": 2021,
    }
    assert sum(w["season"] <= 2024 for w in monaco["winners"]) == 70
    assert 0 < monaco["pole_to_win_rate"] < 1
    circuits = as_json(capsys, built_settings, "stats", "circuits")
    assert {c["circuitId"] for c in circuits} >= {"monaco", "monza", "silverstone"}


@pytest.mark.parametrize(
    "command",
    [
        ["stats", "drivers", "--limit", "5"],
        ["stats", "driver", "max_verstappen"],
        ["stats", "constructors", "--limit", "5"],
        ["stats", "constructor", "red_bull"],
        ["stats", "circuits", "--limit", "5"],
        ["stats", "circuit", "monza"],
        ["stats", "standings", "1988"],
    ],
)
@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_every_command_prints_a_table_and_csv(
    capsys: pytest.CaptureFixture[str], built_settings: Settings, command: list[str], fmt: str
) -> None:
    code, out, err = cli(capsys, built_settings, *command, "--format", fmt)
    assert code == 0, err
    assert out.count("\n") >= 2


@pytest.mark.parametrize(
    "command, names",
    [
        (["stats", "driver", "nobody_at_all"], "nobody_at_all"),
        (["stats", "constructor", "no_team"], "no_team"),
        (["stats", "circuit", "nowhere"], "nowhere"),
        (["stats", "standings", "2021", "--round", "23"], "round 23"),
        (["export", "gold.no_table", "--to", "out.csv"], "gold.no_table"),
        (["export", "gold.driver_summary", "--to", "out.xlsx"], "out.xlsx"),
        (["sql", "delete from gold.driver_summary"], "read-only"),
        (["sql", "select * from gold.no_table"], "no_table"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], built_settings: Settings, command: list[str], names: str
) -> None:
    code, out, err = cli(capsys, built_settings, *command)
    assert code == 2
    assert out == ""
    assert names in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_sql_formats(capsys: pytest.CaptureFixture[str], built_settings: Settings) -> None:
    query = "select driver_id, wins from gold.driver_summary order by wins desc, driver_id limit 2"
    assert as_json(capsys, built_settings, "sql", query) == [
        {"driver_id": "hamilton", "wins": 105},
        {"driver_id": "michael_schumacher", "wins": 91},
    ]
    code, out, _ = cli(capsys, built_settings, "sql", query, "--format", "csv")
    assert (code, out.splitlines()) == (
        0,
        ["driver_id,wins", "hamilton,105", "michael_schumacher,91"],
    )


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_export(
    capsys: pytest.CaptureFixture[str], built_settings: Settings, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"drivers.{suffix}"
    code, _, err = cli(capsys, built_settings, "export", "gold.driver_summary", "--to", str(target))
    assert code == 0, err
    if suffix == "parquet":
        table = pq.read_table(target)
        rows = table.to_pylist()
    else:
        rows = list(csv.DictReader(target.open()))
    with duckdb.connect(str(built_settings.warehouse_path), read_only=True) as con:
        count = con.execute("select count(*) from gold.driver_summary").fetchone()
    assert count is not None and len(rows) == count[0]
    hamilton = next(r for r in rows if r["driver_id"] == "hamilton")
    assert int(hamilton["wins"]) == 105
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
