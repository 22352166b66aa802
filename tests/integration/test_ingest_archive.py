"""Full-history ingest of the real archive: counts, facts, idempotence, lineage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from undercut.config import Settings, get_settings
from undercut.ingest.archive import ingest_archive


def _query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        ("races", 1149),
        ("race_results", 27118),
        ("qualifying", 10854),
        ("pit_stops", 12016),
        ("driver_standings", 35235),
        ("sprint_results", 420),
        ("drivers", 864),
        ("circuits", 77),
    ],
)
def test_row_counts(loaded_settings: Settings, table: str, rows: int) -> None:
    assert _query(loaded_settings, f"select count(*) from silver.{table}") == [(rows,)]


def test_career_wins_through_2024(loaded_settings: Settings) -> None:
    rows = _query(
        loaded_settings,
        "select driver_id, count(*) from silver.race_results "
        "where position = 1 and season <= 2024 and driver_id in (?, ?) group by 1 order by 1",
        ["hamilton", "michael_schumacher"],
    )
    assert rows == [("hamilton", 105), ("michael_schumacher", 91)]


def test_verstappen_2023(loaded_settings: Settings) -> None:
    wins = _query(
        loaded_settings,
        "select count(*) from silver.race_results where season = 2023"
        " and position = 1 and driver_id = 'max_verstappen'",
    )
    races = _query(loaded_settings, "select count(*) from silver.races where season = 2023")
    assert (wins, races) == ([(19,)], [(22,)])


def test_types_and_times(loaded_settings: Settings) -> None:
    row = _query(
        loaded_settings,
        "select q1_text, q1_ms, typeof(q1_ms) from silver.qualifying "
        "where season = 2008 and round = 1 and driver_id = 'hamilton'",
    )
    assert row == [("1:26.572", 86572, "INTEGER")]
    date_type = _query(loaded_settings, "select typeof(race_date) from silver.races limit 1")
    assert date_type == [("DATE",)]
    # 2025 rows of races.csv carry 8 of 18 columns: loaded, with null session dates
    late = _query(
        loaded_settings,
        "select race_name, fp1_date from silver.races where season = 2025 and round = 18",
    )
    assert late == [("Singapore Grand Prix", None)]


def test_shared_drive_results_are_kept(loaded_settings: Settings) -> None:
    # 1950s shared drives: the same driver twice in one race, both rows kept.
    dupes = _query(
        loaded_settings,
        "select count(*) from (select season, round, driver_id "
        "from silver.race_results group by all having count(*) > 1)",
    )
    assert dupes[0][0] > 0


def test_bronze_manifest_and_silver_parquet(loaded_settings: Settings, archive_dir: Path) -> None:
    home = loaded_settings.local_dir
    manifests = list((home / "bronze" / "archive").glob("*/manifest.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text())
    assert manifest["files"]["results.csv"]["rows"] == 27118
    assert manifest["files"]["results.csv"]["bytes"] == (archive_dir / "results.csv").stat().st_size
    assert (manifests[0].parent / "files" / "virtual_safety_car_estimates.json").exists()
    assert pq.read_metadata(home / "silver" / "race_results.parquet").num_rows == 27118
    report = json.loads((home / "reports" / "ingest-latest.json").read_text())
    assert report["errors"] == 0


def test_second_run_is_a_no_op(archive_dir: Path, tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path / "home"))
    first = ingest_archive(settings, str(archive_dir))
    assert first.status == "loaded"
    stamp = settings.warehouse_path.stat().st_mtime_ns
    parquet = settings.local_dir / "silver" / "races.parquet"
    parquet_stamp = parquet.stat().st_mtime_ns
    second = ingest_archive(settings, str(archive_dir))
    assert second.status == "up_to_date"
    assert settings.warehouse_path.stat().st_mtime_ns == stamp
    assert parquet.stat().st_mtime_ns == parquet_stamp


def test_lap_times_loaded_when_present(archive_copy: Path, tmp_path: Path) -> None:
    (archive_copy / "lap_times.csv").write_text(
        "raceId,driverId,lap,position,time,milliseconds\n"
        '841,20,1,1,"1:38.109",98109\n841,20,2,1,"1:33.006",93006\n'
    )
    settings = get_settings(home=str(tmp_path / "home"))
    ingest_archive(settings, str(archive_copy))
    rows = _query(
        settings,
        "select season, round, driver_id, lap, time_ms, source from silver.lap_times order by lap",
    )
    assert rows == [
        (2011, 1, "vettel", 1, 98109, "archive"),
        (2011, 1, "vettel", 2, 93006, "archive"),
    ]


def test_zip_with_csvs_in_a_subfolder(archive_dir: Path, tmp_path: Path) -> None:
    staging = tmp_path / "zip-src" / "RaceData" / "data"
    shutil.copytree(archive_dir, staging)
    zipped = shutil.make_archive(str(tmp_path / "data"), "zip", tmp_path / "zip-src")
    settings = get_settings(home=str(tmp_path / "home"))
    result = ingest_archive(settings, zipped)
    assert result.row_counts["race_results"] == 27118


@pytest.mark.parametrize("home", ["built_settings", "sessions_settings"])
def test_lake_parquet_is_the_warehouse(home: str, request: pytest.FixtureRequest) -> None:
    """Every silver and gold table, read back from its Parquet file in the lake, equals the
    warehouse table: names, types and rows (archive ingest, API-fed silver, gold build)."""
    settings: Settings = request.getfixturevalue(home)
    tables = _query(
        settings,
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('silver', 'gold') order by 1, 2",
    )
    assert len(tables) > 40
    for schema, name in tables:
        path = str(settings.local_dir / schema / f"{name}.parquet")
        columns = _query(settings, f"describe {schema}.{name}")
        assert _query(settings, "describe select * from read_parquet(?)", [path]) == columns, name
        differ = _query(
            settings,
            f"select count(*) from ((select * from {schema}.{name} except all "
            "select * from read_parquet(?)) union all (select * from read_parquet(?) "
            f"except all select * from {schema}.{name}))",
            [path, path],
        )
        assert differ == [(0,)], f"{schema}.{name}"


def test_crlf_bom_and_trailing_blank_line_are_accepted(archive_copy: Path, tmp_path: Path) -> None:
    """What a spreadsheet's "save as CSV" does to a file is no reason to refuse it."""
    results = archive_copy / "results.csv"
    results.write_bytes(b"\xef\xbb\xbf" + results.read_bytes().replace(b"\n", b"\r\n"))
    races = archive_copy / "races.csv"
    races.write_bytes(races.read_bytes() + b"\n")
    settings = get_settings(home=str(tmp_path / "home"))
    result = ingest_archive(settings, str(archive_copy))
    assert result.row_counts["race_results"] == 27118
    assert result.row_counts["races"] == 1149
