"""Time each kind of ``/ergast/f1`` request on the full archive, server cache bypassed.

Runs the whole Ergast pipeline in-process (parse the path, resolve current/last, count,
fetch one page, shape it, serialise the JSON) over the same in-memory warehouse snapshot
``undercut serve`` answers from, so the figures are the query cost of a cache miss without
HTTP around it. Prints per path, slowest first, the median and worst wall time and the
median CPU time (all threads: on a busy shared machine wall time overstates the cost).

    python benchmarks/ergast_queries.py [--home HOME] [--repeat N]

Without ``--home`` it ingests the real archive (``$UNDERCUT_TEST_DATA/ergast``) into a
temporary home first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from undercut.api.ergast.endpoints import duckdb_run, fetch_page, resolve
from undercut.api.ergast.envelope import page_window
from undercut.api.ergast.grammar import parse_path
from undercut.config import get_settings
from undercut.serving.store import SnapshotStore

PATHS = (
    "2023/results",
    "2023/drivers/alonso/results",
    "drivers/hamilton/results?limit=100&offset=300",
    "results?offset=26000",
    "2023/grid/1/results",
    "drivers/alonso/fastest/1/results",
    "status/1/results",
    "constructors/brawn/circuits",
    "drivers/alonso/fastest/1/seasons",
    "current/last/results",
    "current/next",
    "2023/races",
    "races?limit=100&offset=1000",
    "2023/qualifying",
    "2023/qualifying/1",
    "drivers/piquet_jr/qualifying",
    "2023/sprint",
    "2023/drivers",
    "drivers?limit=100&offset=800",
    "2023/constructors",
    "status",
    "2023/status",
    "2021/driverStandings",
    "2023/5/driverStandings",
    "driverStandings/1",
    "drivers/hamilton/driverStandings",
    "driverStandings/1/drivers",
    "constructorStandings/1",
    "2023/constructorStandings",
    "2023/18/pitstops",
    "2023/10/laps/1",
    "seasons",
)


def one(store: SnapshotStore, target: str) -> tuple[float, float, int]:
    """Wall and CPU seconds for one request (from path to JSON bytes), and its total."""
    path, _, query = target.partition("?")
    params = dict(part.split("=") for part in query.split("&")) if query else {}
    started, cpu = time.perf_counter(), time.process_time()
    parsed = parse_path(path)
    window = page_window(params.get("limit"), params.get("offset"))
    with store.reader() as reader:
        run = duckdb_run(reader.cursor)
        resolved = resolve(parsed, path, run)
        total, items = fetch_page(run, resolved, window.limit, window.offset)
    json.dumps(items).encode()
    return time.perf_counter() - started, time.process_time() - cpu, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", help="a loaded home (default: ingest the archive first)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            from undercut.ingest.archive import ingest_archive

            archive = Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")) / "ergast"
            home = f"{tmp}/home"
            ingest_archive(get_settings(home=home), str(archive))
        store = SnapshotStore(get_settings(home=home))
        if not store.load():
            raise SystemExit(f"{home}: no warehouse to read")
        rows = []
        for target in PATHS:
            one(store, target)  # warm-up
            times, cpus = [], []
            for _ in range(args.repeat):
                seconds, cpu, total = one(store, target)
                times.append(seconds * 1000)
                cpus.append(cpu * 1000)
            rows.append(
                (statistics.median(times), max(times), statistics.median(cpus), total, target)
            )
    rows.sort(reverse=True)
    print(
        f"{'median ms':>10} {'worst ms':>9} {'cpu ms':>7} {'total':>7}  path "
        f"(median of {args.repeat})"
    )
    for median, worst, cpu, total, target in rows:
        print(f"{median:10.1f} {worst:9.1f} {cpu:7.1f} {total:7d}  /ergast/f1/{target}")
    medians = [row[0] for row in rows]
    cpu_median = statistics.median(row[2] for row in rows)
    print(
        f"{len(rows)} paths: median {statistics.median(medians):.1f} ms "
        f"({cpu_median:.1f} ms CPU), "
        f"slowest {rows[0][0]:.1f} ms ({rows[0][4]}), "
        f"slowest/median {rows[0][0] / statistics.median(medians):.1f}x"
    )


if __name__ == "__main__":
    main()
