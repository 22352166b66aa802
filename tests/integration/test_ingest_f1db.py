"""`undercut ingest f1db`: the real F1DB tree lands in silver keyed by the Ergast refs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from support.f1db import mini_tree
from support.homes import copy_home, warehouse_rows
from undercut.cli import main
from undercut.config import Settings, get_settings
from undercut.errors import ArchiveError
from undercut.ingest.f1db import ingest_f1db
from undercut.lake import Lake

BAHRAIN_2023 = "2023/01-bahrain"


def test_practice_best_laps_are_the_real_ones(f1db_settings: Settings) -> None:
    # 2024 Chinese GP, FP1: Stroll fastest in 1:36.302, Piastri +0.327 in 24 laps.
    rows = warehouse_rows(
        f1db_settings,
        "select driver_id, constructor_id, position, best_lap_ms, gap_ms, laps "
        "from silver.practice_results where source = 'f1db' and season = 2024 and round = 5 "
        "and session = 'fp1' order by position limit 2",
    )
    assert rows == [
        ("stroll", "aston_martin", 1, 96302, 0, 21),
        ("piastri", "mclaren", 2, 96629, 327, 24),
    ]


def test_circuit_layout_grid_sessions_and_votes(f1db_settings: Settings) -> None:
    layout = warehouse_rows(
        f1db_settings,
        "select circuit_id, course_length_km, turns, direction from silver.race_layouts "
        "where season = 2025 and round = 18",
    )
    assert layout == [("marina_bay", 4.927, 19, "ANTI_CLOCKWISE")]
    grid = warehouse_rows(
        f1db_settings,
        "select driver_id from silver.starting_grids where season = 2023 and round = 1 "
        "and session = 'race' order by grid_position limit 3",
    )
    assert [d for (d,) in grid] == ["max_verstappen", "perez", "leclerc"]
    penalties = warehouse_rows(
        f1db_settings,
        "select grid_penalty, grid_penalty_places from silver.starting_grids "
        "where season = 2024 and round = 3 and driver_id = 'perez'",
    )
    assert penalties == [("3", 3)]
    sprint = warehouse_rows(
        f1db_settings,
        "select driver_id from silver.sprint_qualifying_results "
        "where season = 2024 and round = 5 and position = 1",
    )
    assert sprint == [("norris",)]
    sessions = warehouse_rows(
        f1db_settings,
        "select session, strftime(starts_at, '%Y-%m-%d %H:%M') from silver.weekend_sessions "
        "where season = 2024 and round = 5 order by starts_at",
    )
    assert sessions == [
        ("fp1", "2024-04-19 03:30"),
        ("sprint-qualifying", "2024-04-19 07:30"),
        ("sprint", "2024-04-20 03:00"),
        ("qualifying", "2024-04-20 07:00"),
        ("race", "2024-04-21 07:00"),
    ]
    vote = warehouse_rows(
        f1db_settings,
        "select driver_id, vote_percentage from silver.driver_of_the_day "
        "where season = 2023 and round = 1 and position = 1",
    )
    assert vote == [("alonso", 53.28)]


def test_id_map_keeps_its_evidence_and_warns_of_unmatched_ids(f1db_settings: Settings) -> None:
    rows = warehouse_rows(
        f1db_settings,
        "select kind, f1db_id, ergast_id, method, evidence from silver.f1db_id_map "
        "where f1db_id in ('max-verstappen', 'red-bull', 'marina-bay', 'carlos-sainz-jr') "
        "order by kind, f1db_id",
    )
    by_id = {r[1]: r for r in rows}
    assert by_id["max-verstappen"][2:4] == ("max_verstappen", "surname+date_of_birth")
    assert "born 1997-09-30" in by_id["max-verstappen"][4]
    assert by_id["carlos-sainz-jr"][2] == "sainz"
    assert by_id["red-bull"][2:4] == ("red_bull", "shared_results")
    assert by_id["marina-bay"][2:4] == ("marina_bay", "coordinates")
    report = Lake.from_settings(f1db_settings).read_json("reports", "f1db-latest.json")
    assert report["license"] == "CC BY 4.0"
    unmatched = [c for c in report["checks"] if c["name"] == "ids_unmatched"]
    assert unmatched and unmatched[0]["failures"] > 0


def test_second_load_changes_nothing_and_openf1_rows_survive_a_reload(
    loaded_settings: Settings, f1db_dir: Path, tmp_path: Path
) -> None:
    tree = mini_tree(f1db_dir, tmp_path / "f1db", [BAHRAIN_2023])
    settings = copy_home(loaded_settings, tmp_path / "home")
    first = ingest_f1db(settings, str(tree))
    assert first.status == "loaded" and first.row_counts["practice_results"] == 60
    bronze = Lake.from_settings(settings).read_json(
        "bronze", "f1db", first.content_hash[:16], "manifest.json"
    )
    name = "seasons/2023/races/01-bahrain/free-practice-1-results.yml"
    assert name in bronze["files"]
    with zipfile.ZipFile(Path(first.bronze or "") / "files.zip") as kept:
        assert kept.read(name) == (tree / "src/data" / name).read_bytes()
    assert ingest_f1db(settings, str(tree)).status == "up_to_date"

    import duckdb

    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(
            "insert into silver.practice_results (source, season, round, session, driver_id) "
            "values ('openf1', 2023, 1, 'fp1', 'alonso')"
        )
    again = ingest_f1db(settings, str(tree), force=True)
    assert again.row_counts["practice_results"] == 60
    assert warehouse_rows(
        settings, "select count(*) from silver.practice_results where source = 'openf1'"
    ) == [(1,)]


def test_a_source_archive_zip_of_the_repository_loads(
    loaded_settings: Settings, f1db_dir: Path, tmp_path: Path
) -> None:
    tree = mini_tree(f1db_dir, tmp_path / "f1db", [BAHRAIN_2023])
    archive = tmp_path / "f1db-main.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(tree.rglob("*.yml")):
            handle.write(path, f"f1db-main/{path.relative_to(tree)}")
    settings = copy_home(loaded_settings, tmp_path / "home")
    result = ingest_f1db(settings, str(archive))
    assert result.row_counts["starting_grids"] == 20


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "free-practice-1-results.yml",
            'time: "1:33.',
            'time: "1:3x.',
            "free-practice-1-results.yml, entry 2, field 'time': '1:3x.196' is not a lap time",
        ),
        ("race.yml", "turns: 15", "turns: fifteen", "race.yml, field 'turns': 'fifteen'"),
        ("race.yml", "date: 2023-03-05", "date: 2023-03-5x", "field 'date': '2023-03-5x'"),
        ("starting-grid-positions.yml", "- position: 1\n", "- [position\n", "line"),
        ("driver-of-the-day-results.yml", "driverId: fernando-alonso", "driverId:", "driverId"),
    ],
)
def test_a_bad_value_is_one_line_naming_file_entry_and_field(
    loaded_settings: Settings,
    f1db_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    message: str,
) -> None:
    tree = mini_tree(f1db_dir, tmp_path / "f1db", [BAHRAIN_2023])
    path = tree / "src/data/seasons/2023/races/01-bahrain" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    settings = copy_home(loaded_settings, tmp_path / "home")
    code = main(["ingest", "f1db", "--source", str(tree), "--home", str(settings.local_dir)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert f"seasons/2023/races/01-bahrain/{file}" in err and message in err
    assert err.count("error:") == 1
    assert warehouse_rows(settings, "select count(*) from silver.practice_results") == [(0,)]


def test_a_folder_without_f1db_data_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    settings = get_settings(home=str(tmp_path / "home"))
    with pytest.raises(ArchiveError, match=r"circuits/monza\.yml found; not an F1DB source tree"):
        ingest_f1db(settings, str(tmp_path / "empty"))
