"""A home for the Ergast API tests: the real archive plus the recorded lap times it lacks."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from undercut.config import Settings, get_settings
from undercut.warehouse.db import install_macros

# Recorded laps responses that hold every lap timing of what they ask for (no paging cut),
# so loading them gives the warehouse exactly the rows the response was built from.
COMPLETE_LAP_RESPONSES = ("laps/2023@10@laps@1.json",)


def load_recorded_laps(warehouse: Path, responses: Path) -> int:
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


def ergast_home(loaded: Settings, responses: Path, target: Path, **overrides: Any) -> Settings:
    """A copy of the loaded home's warehouse in ``target`` whose silver.lap_times holds the
    recorded 2023 laps; no rate limit unless ``overrides`` set one."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(loaded.warehouse_path, target / "warehouse.duckdb")
    settings = get_settings(home=str(target), **{"rate_limit": "none", **overrides})
    if load_recorded_laps(settings.warehouse_path, responses) == 0:
        raise AssertionError(f"{responses}: no recorded lap timings to load")
    return settings


@contextmanager
def published(settings: Settings) -> Iterator[Settings]:
    """``settings`` in the production profile: a fresh PostgreSQL database holding what
    ``undercut publish`` copies there; dropped afterwards. Skips (or fails, with
    UNDERCUT_REQUIRE_SERVICES=1) when PostgreSQL is not reachable."""
    import psycopg

    from undercut.appdb.base import _engine_for
    from undercut.serving.publish import publish

    admin_url = os.environ.get(
        "UNDERCUT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    name = f"undercut_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        message = f"SERVICE MISSING: {admin_url} not reachable ({exc})"
        if os.environ.get("UNDERCUT_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with admin:
        admin.execute(f'create database "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        production = settings.model_copy(update={"database_url": url})
        publish(production)
        yield production
    finally:
        _engine_for(url).dispose()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def conformance_summary(terminalreporter: pytest.TerminalReporter) -> None:
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
    in_archive = total - counts["xfailed"] - counts["skipped"]
    terminalreporter.write_line(
        f"Ergast conformance: {reproduced}/{total} recorded responses reproduced "
        f"({100 * reproduced / total:.1f}%); {reproduced}/{in_archive} "
        f"({100 * reproduced / max(in_archive, 1):.1f}%) of those the archive has the data "
        f"for: {counts['exact']} exactly, {counts['archive-differences']} except listed "
        f"archive data differences; {counts['xfailed']} recorded from other data, "
        f"{counts['skipped']} not in the archive, {counts['failed']} failed"
    )
