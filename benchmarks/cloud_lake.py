"""Ingest + build of the real archive on a local home and on each object-store emulator.

One run: the local-disk home first, then S3 (moto's server), Azure Blob (Azurite) and
Google Cloud Storage (gcp-storage-emulator), each started on 127.0.0.1 as the tests start
them and reached only through the provider's own environment variables. Prints the
seconds of each (median of --repeat runs, each into a fresh bucket and cache) and the
ratio to local disk. Target: each store <= 3x local disk.

    python benchmarks/cloud_lake.py [ARCHIVE_DIR] [--repeat N] [--provider s3 ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.object_stores import PROVIDERS, running_store
from undercut.config import get_settings
from undercut.ingest.archive import ingest_archive
from undercut.warehouse.build import build_gold

TARGET = 3.0


def _ingest_and_build(home: str, cache: str, archive: str) -> float:
    settings = get_settings(home=home, cache_dir=cache)
    started = time.perf_counter()
    ingest_archive(settings, archive)
    build_gold(settings)
    return time.perf_counter() - started


def _local(archive: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(_ingest_and_build(f"{tmp}/home", f"{tmp}/cache", archive))
    return statistics.median(runs)


def _store(provider: str, archive: str, repeat: int) -> float:
    runs = []
    with running_store(provider) as store, store.exported():
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(_ingest_and_build(store.new_home(), f"{tmp}/cache", archive))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")) / "ergast"
    parser.add_argument("archive", nargs="?", default=str(default))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--provider", action="append", choices=PROVIDERS)
    args = parser.parse_args()
    local = _local(args.archive, args.repeat)
    print(f"{'local disk':<12} ingest+build {local:7.2f} s")
    worst = 0.0
    for provider in args.provider or PROVIDERS:
        try:
            seconds = _store(provider, args.archive, args.repeat)
        except BaseException as exc:  # an emulator missing: pytest's skip outside pytest
            if isinstance(exc, KeyboardInterrupt):
                raise
            print(f"{provider:<12} skipped: {str(exc).splitlines()[0]}")
            continue
        ratio = seconds / local
        worst = max(worst, ratio)
        print(f"{provider:<12} ingest+build {seconds:7.2f} s  {ratio:4.2f}x local disk")
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"target: each store <= {TARGET:g}x local disk ({verdict}; worst {worst:.2f}x)")


if __name__ == "__main__":
    main()
