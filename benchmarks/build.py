"""The gold build on the full archive, next to the ingest; then one new race, incrementally.

For each repeat, in a fresh home: `undercut ingest archive` and a full `undercut build` as
fresh processes (start-up and imports included, what a user feels), then the same full
build in-process (`build_gold(force=True)`). The newest race is then taken out of silver
and the gold layer rebuilt without it; the race's rows are put back, as an update would
load them, and that incremental build is timed in-process and as an `undercut build`
process. Targets: full build < 5 s, incremental build after one new race < 1 s.

With ``--laps`` the archive's missing lap times are synthesised after the ingest: every
lap each driver completed in a race since 1996 (the public archive's lap-time coverage,
about 600k rows), so the lap-based models are timed at their real size. The slowest
models of the in-process full build are listed too.

    python benchmarks/build.py [ARCHIVE_DIR] [--repeat N] [--laps]
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


def _synthesise_laps(warehouse: Path) -> int:
    """Fill silver.lap_times with one plausible lap per lap completed since 1996."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into silver.lap_times (season, round, driver_id, lap, position, time_ms, "
            "source) select r.season, r.round, r.driver_id, l.lap, r.position_order, "
            "(85000 + 400 * r.position_order + hash(r.driver_id, r.season, r.round, l.lap) "
            "% 3000 + case when l.lap = 1 then 8000 else 0 end)::integer, 'archive' "
            "from silver.race_results as r, range(1, r.laps + 1) as l(lap) "
            "where r.season >= 1996 and r.laps > 0 and r.driver_id is not null"
        )
        return int(con.execute("select count(*) from silver.lap_times").fetchone()[0])


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
    parser.add_argument("--laps", action="store_true", help="synthesise lap times (~600k)")
    args = parser.parse_args()
    undercut = str(Path(sys.executable).with_name("undercut"))
    times: dict[str, list[float]] = defaultdict(list)
    rebuilt = total = laps = 0
    model_seconds: dict[str, list[float]] = defaultdict(list)
    race = (0, 0)
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            home, parked = f"{tmp}/home", Path(tmp) / "parked"
            parked.mkdir()
            settings = get_settings(home=home)
            times["ingest"].append(
                _time([undercut, "ingest", "archive", "--source", args.archive, "--home", home])
            )
            if args.laps:
                laps = _synthesise_laps(settings.warehouse_path)
            times["full"].append(_time([undercut, "build", "--home", home]))
            full = build_gold(settings, force=True)
            times["full_in"].append(full.seconds)
            for name, seconds in full.model_seconds.items():
                model_seconds[name].append(seconds)
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
    if laps:
        print(f"silver.lap_times: {laps} synthetic laps")
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
    slowest = sorted(
        ((statistics.median(v), name) for name, v in model_seconds.items()), reverse=True
    )
    print("slowest models (in-process full build):")
    for seconds, name in slowest[:8]:
        print(f"  gold.{name:<32} {seconds:.3f} s")


if __name__ == "__main__":
    main()
