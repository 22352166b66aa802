"""Fixtures for the Ergast conformance tests: a home serving the real archive plus the
recorded lap times the archive lacks, and the conformance pass rate in the summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.ergast import ergast_home
from undercut.config import Settings


@pytest.fixture(scope="session")
def ergast_settings(
    loaded_settings: Settings, api_responses_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A copy of the loaded home whose silver.lap_times holds the recorded 2023 laps."""
    return ergast_home(loaded_settings, api_responses_dir, tmp_path_factory.mktemp("ergast-home"))


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
    in_archive = total - counts["xfailed"] - counts["skipped"]
    terminalreporter.write_line(
        f"Ergast conformance: {reproduced}/{total} recorded responses reproduced "
        f"({100 * reproduced / total:.1f}%); {reproduced}/{in_archive} "
        f"({100 * reproduced / max(in_archive, 1):.1f}%) of those the archive has the data "
        f"for: {counts['exact']} exactly, {counts['archive-differences']} except listed "
        f"archive data differences; {counts['xfailed']} recorded from other data, "
        f"{counts['skipped']} not in the archive, {counts['failed']} failed"
    )
