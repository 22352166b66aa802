"""Headless Chromium for end-to-end tests: Debian's browser, screenshots, chart checks."""

from __future__ import annotations

import os
import shutil
import subprocess
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
AXE_VERSION = "4.11.4"
CACHE = Path(os.environ.get("UNDERCUT_TEST_CACHE") or Path.home() / ".cache" / "undercut-tests")


class AxeMissing(RuntimeError):
    """axe-core is not in the cache and npm could not install it."""


def axe_core() -> Path:
    """``axe.min.js`` of axe-core ``AXE_VERSION``, installed by npm on first use."""
    prefix = CACHE / f"axe-core-{AXE_VERSION}"
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise AxeMissing("npm not found, so axe-core cannot be installed (apt-get install -y npm)")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-save",
            "--no-audit",
            "--no-fund",
            f"axe-core@{AXE_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or not script.exists():
        raise AxeMissing(f"npm install axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-500:]}")
    return script


def drawn(page: Any) -> int:
    """Wait until plotly has drawn every chart of the page; returns how many there are."""
    total = int(page.locator(".chart").count())
    if total:
        page.wait_for_function(
            "n => document.querySelectorAll('.chart[data-rendered]').length >= n",
            arg=total,
        )
    assert page.locator(".chart[data-rendered] svg.main-svg").count() >= total
    return total


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
