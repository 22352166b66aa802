"""Fixtures for the Ergast conformance tests: a home serving the real archive plus the
recorded lap times the archive lacks, and the conformance pass rate in the summary."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from undercut.config import Settings, get_settings
from undercut.warehouse.db import install_macros

# Recorded laps responses that hold every lap timing of what they ask for (no paging cut),
# so loading them gives the warehouse exactly the rows the response was built from.
COMPLETE_LAP_RESPONSES = ("laps/2023@10@laps@1.json",)


def _load_recorded_laps(warehouse: Path, responses: Path) -> int:
    """Insert the lap timings of the complete recorded laps responses into silver.lap_times
    (source 'jolpica'), as ``undercut update`` would from the live API."""
    rows = []
    for name in COMPLETE_LAP_RESPONSES:
        mrdata = json.loads((responses / name).read_text())["MRData"]
        for race in mrdata["RaceTable"]["Races"]:
            for lap in race["Laps"]:
                for timing in lap["Timings"]:
                    rows.append(
                        (
                            int(race["season"]),
                            int(race["round"]),
                            timing["driverId"],
                            int(lap["number"]),
                            int(timing["position"]),
                            timing["time"],
                        )
                    )
    con = duckdb.connect(str(warehouse))
    try:
        install_macros(con)
        con.executemany(
            """
            insert into silver.lap_times (season, round, driver_id, lap, position, time_text,
                                          time_ms, source)
            values (?, ?, ?, ?, ?, ?, duration_ms(?), 'jolpica')
            """,
            [(*row, row[-1]) for row in rows],
        )
    finally:
        con.close()
    return len(rows)


@pytest.fixture(scope="session")
def ergast_settings(
    loaded_settings: Settings, api_responses_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A copy of the loaded home whose silver.lap_times holds the recorded 2023 laps."""
    home = tmp_path_factory.mktemp("ergast-home")
    shutil.copy2(loaded_settings.warehouse_path, home / "warehouse.duckdb")
    settings = get_settings(home=str(home))
    assert _load_recorded_laps(settings.warehouse_path, api_responses_dir) > 0
    return settings


@pytest.fixture(scope="session")
def ergast_client(ergast_settings: Settings) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    with TestClient(create_app(ergast_settings)) as client:
        yield client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the conformance pass rate (recorded responses reproduced / replayed)."""
    counts = {"exact": 0, "archive-differences": 0, "failed": 0, "xfailed": 0, "skipped": 0}
    for key, reports in terminalreporter.stats.items():
        for report in reports:
            if "test_recorded_response" not in getattr(report, "nodeid", ""):
                continue
            if key == "passed" and report.when == "call":
                kind = dict(report.user_properties).get("conformance", "exact")
                counts[str(kind)] += 1
            elif key in ("failed", "xfailed", "skipped"):
                counts[key] += 1
    total = sum(counts.values())
    if not total:
        return
    reproduced = counts["exact"] + counts["archive-differences"]
    terminalreporter.write_line(
        f"Ergast conformance: {reproduced}/{total} recorded responses reproduced "
        f"({100 * reproduced / total:.1f}%): {counts['exact']} exactly, "
        f"{counts['archive-differences']} except listed archive data differences; "
        f"{counts['xfailed']} not reproducible from the archive's data, "
        f"{counts['skipped']} not in the archive, {counts['failed']} failed"
    )
