"""Car telemetry: a full 20-car race pulled from a local OpenF1 replay and written, then a
lap read from the lake and two laps compared.

The race is the generated one of the test suite (``tests/support/telemetry.py``: the
Bahrain 2023 outline and speed profile, every car on the winner's laps), ~0.45 M samples
per stream, served by a local replay in a separate process (its samples generated before
the clock starts, as a real server has them). Figures and targets:

- pull: every request and bronze write (target < 60 s), silver and gold written
  (target < 10 s), size on the lake (target <= 15 MB for both streams);
- a lap from the lake, ``lap_telemetry`` (target < 50 ms, median of ``--repeat``);
- a two-lap comparison, ``compare`` (target < 200 ms, median).

    python benchmarks/telemetry.py [ARCHIVE_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def _serve(ready: multiprocessing.Queue, stop: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    sys.path.insert(0, str(TESTS))
    from support.httpserver import LocalServer
    from support.telemetry import GRID, driver_streams, telemetry_replay

    for number, _code, _name in GRID:
        driver_streams(number, full=True)
    with LocalServer(fallback=telemetry_replay(full=True)) as server:
        ready.put(server.url)
        stop.wait()


def _median_ms(run: object, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of ``run`` (on a shared machine the CPU
    figure says what the code costs, the wall figure what a user waits)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        run()  # type: ignore[operator]
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="?", default="../shared/data/ergast")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from undercut.config import get_settings
    from undercut.ingest.archive import ingest_archive
    from undercut.ingest.sessions import pull_sessions
    from undercut.telemetry.laps import compare, lap_telemetry
    from undercut.telemetry.pull import pull_telemetry

    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(ready, stop), daemon=True)
    server.start()
    with tempfile.TemporaryDirectory(prefix="undercut-telemetry-") as tmp:
        settings = get_settings(home=str(Path(tmp) / "home"), openf1_limits="none")
        ingest_archive(settings, args.archive)
        url = f"{ready.get(timeout=300)}/v1/"
        pull_sessions(settings, 2023, 1, url, all_sessions=True, now=datetime(2024, 1, 1))

        started = time.perf_counter()
        result = pull_telemetry(settings, 2023, 1, "R", base_url=url)
        total = time.perf_counter() - started
        size = result.bytes_per_session["2023 R1 R"]
        lap_ms = _median_ms(lambda: lap_telemetry(settings, 2023, 1, "R", "VER", 20), args.repeat)
        compare_ms = _median_ms(lambda: compare(settings, 2023, 1, "R", "VER", "LEC"), args.repeat)
    stop.set()
    server.join(timeout=10)

    drivers = result.partitions_written // 2
    print(f"race: {drivers} cars, {result.samples['2023 R1 R']:,} car samples per stream ")
    print(f"pull (requests + bronze):  {result.fetch_seconds:7.2f} s   target < 60 s")
    print(f"written (silver + gold):   {result.write_seconds:7.2f} s   target < 10 s")
    print(f"whole pull_telemetry:      {total:7.2f} s   ({result.requests} requests)")
    print(f"size on the lake:          {size / 1e6:7.2f} MB  target <= 15 MB")
    print(
        f"a lap from the lake:       {lap_ms[0]:7.1f} ms  target < 50 ms "
        f"(CPU {lap_ms[1]:.1f} ms; medians of {args.repeat})"
    )
    print(
        f"two laps compared:         {compare_ms[0]:7.1f} ms  target < 200 ms "
        f"(CPU {compare_ms[1]:.1f} ms)"
    )
    print(f"warnings: {len(result.warnings)}")


if __name__ == "__main__":
    main()
