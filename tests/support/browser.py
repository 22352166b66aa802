"""Headless Chromium for end-to-end tests: Debian's browser, screenshots, chart checks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("UNDERCUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under ``test-artifacts/dashboard/``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_chart(page: Any, chart_id: str | None = None) -> int:
    """Wait until plotly has drawn a chart (its SVG is in the page); returns the number of
    drawn charts."""
    selector = f"#{chart_id}" if chart_id else ".chart"
    page.wait_for_selector(f"{selector}[data-rendered='true'] svg.main-svg", state="attached")
    return int(page.locator(".chart[data-rendered='true'] svg.main-svg").count())
