"""Cold `undercut ingest archive` vs a bare DuckDB load of the same CSVs.

Both run as fresh processes (interpreter start-up and imports included), so the ratio is
what a user feels. Target: ours <= 3x the bare load.

    python benchmarks/ingest.py [ARCHIVE_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import sys, duckdb
from pathlib import Path
con = duckdb.connect(sys.argv[2])
for path in sorted(Path(sys.argv[1]).glob("*.csv")):
    con.execute(
        f"create table \"{path.stem}\" as select * from read_csv(?, header=true, "
        "nullstr='\\N', null_padding=true, delim=',', quote='\"', all_varchar=true)",
        [str(path)],
    )
con.close()
"""


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")) / "ergast"
    parser.add_argument("archive", nargs="?", default=str(default))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    undercut = str(Path(sys.executable).with_name("undercut"))
    ours, bare = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            ours.append(
                _time(
                    [
                        undercut,
                        "ingest",
                        "archive",
                        "--source",
                        args.archive,
                        "--home",
                        f"{tmp}/home",
                    ]
                )
            )
            bare.append(_time([sys.executable, "-c", BARE, args.archive, f"{tmp}/bare.duckdb"]))
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    print(f"undercut ingest archive (cold, whole process): {ours_s:.3f} s")
    print(f"bare DuckDB CSV load   (fresh process):        {bare_s:.3f} s")
    print(f"ratio: {ours_s / bare_s:.2f}x  (target <= 3x; median of {args.repeat})")


if __name__ == "__main__":
    main()
