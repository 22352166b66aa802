"""The gold build on the full archive, next to the ingest; then one new race, incrementally.

For each repeat, in a fresh home: `undercut ingest archive` and a full `undercut build` as
fresh processes (start-up and imports included, what a user feels), then the same full
build in-process (`build_gold(force=True)`). The newest race is then taken out of silver
and the gold layer rebuilt without it; the race's rows are put back, as an update would
load them, and that incremental build is timed in-process and as an `undercut build`
process. Targets: full build < 5 s, incremental build after one new race < 1 s.

    python benchmarks/build.py [ARCHIVE_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from undercut.config import get_settings
from undercut.warehouse.build import build_gold


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _race_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.columns where table_schema = 'silver' "
            "and column_name in ('season', 'round') and table_name <> 'races' "
            "group by table_name having count(*) = 2"
        ).fetchall()
    ]


def _take_out_newest_race(warehouse: Path, parked: Path) -> tuple[int, int]:
    """Move the newest race's silver rows (not its calendar entry) to Parquet files."""
    with duckdb.connect(str(warehouse)) as con:
        season, rnd = con.execute(
            "select max(season * 100 + round) // 100, max(season * 100 + round) % 100 "
            "from silver.race_results"
        ).fetchall()[0]
        for name in _race_tables(con):
            where = f"season = {season} and round = {rnd}"
            con.execute(
                f"copy (select * from silver.{name} where {where}) "
                f"to '{parked / name}.parquet' (format parquet)"
            )
            con.execute(f"delete from silver.{name} where {where}")
    return season, rnd


def _bring_back(warehouse: Path, parked: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for path in sorted(parked.glob("*.parquet")):
            con.execute(
                f"insert into silver.{path.stem} select * from read_parquet(?)", [str(path)]
            )
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")) / "ergast"
    parser.add_argument("archive", nargs="?", default=str(default))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    undercut = str(Path(sys.executable).with_name("undercut"))
    times: dict[str, list[float]] = defaultdict(list)
    rebuilt = total = 0
    race = (0, 0)
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            home, parked = f"{tmp}/home", Path(tmp) / "parked"
            parked.mkdir()
            settings = get_settings(home=home)
            times["ingest"].append(
                _time([undercut, "ingest", "archive", "--source", args.archive, "--home", home])
            )
            times["full"].append(_time([undercut, "build", "--home", home]))
            times["full_in"].append(build_gold(settings, force=True).seconds)
            times["noop"].append(_time([undercut, "build", "--home", home]))

            race = _take_out_newest_race(settings.warehouse_path, parked)
            build_gold(settings)
            _bring_back(settings.warehouse_path, parked)
            result = build_gold(settings)
            times["inc_in"].append(result.seconds)
            rebuilt, total = len(result.rebuilt), len(result.rebuilt) + len(result.skipped)

            _take_out_newest_race(settings.warehouse_path, parked)
            build_gold(settings)
            _bring_back(settings.warehouse_path, parked)
            times["inc"].append(_time([undercut, "build", "--home", home]))

    m = {name: statistics.median(values) for name, values in times.items()}
    print(f"undercut ingest archive (whole process):          {m['ingest']:.3f} s")
    print(
        f"undercut build, full (whole process):             {m['full']:.3f} s  "
        f"(target < 5 s; {m['full'] / m['ingest']:.2f}x the ingest)"
    )
    print(f"  of which the build itself (in-process):         {m['full_in']:.3f} s")
    print(f"undercut build, nothing new (whole process):      {m['noop']:.3f} s")
    print(
        f"incremental build after race {race[0]}:{race[1]} (in-process): "
        f"{m['inc_in']:.3f} s  (target < 1 s; {rebuilt} of {total} models rebuilt)"
    )
    print(f"incremental build after one race (whole process): {m['inc']:.3f} s")
    print(
        f"incremental / full (in-process): {m['inc_in'] / m['full_in']:.2f}  "
        f"(median of {args.repeat})"
    )


if __name__ == "__main__":
    main()
