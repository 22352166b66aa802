"""A real server over a home with a model and predictions, and headless Chromium.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/run``)
driven by Playwright for Python; Playwright's own browser downloads are never used.
Screenshots land in ``test-artifacts/dashboard/``. The accessibility checker is axe-core
from the npm registry, installed on first use into ``~/.cache/undercut-tests`` (or
``UNDERCUT_TEST_CACHE``), never into the repository.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    WIDTHS,
    AxeMissing,
    axe_core,
    write_axe_counts,
)
from support.dashboard import LiveServer


def _browser_missing(message: str, what: str = "BROWSER") -> None:
    if os.environ.get("UNDERCUT_REQUIRE_TEST_DATA") == "1":
        pytest.fail(f"{what} MISSING: {message}")
    pytest.skip(f"{what} MISSING: {message}")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's script, installed from the npm registry into a cache outside the repo."""
    try:
        return axe_core()
    except AxeMissing as exc:
        _browser_missing(str(exc), "AXE-CORE")
        raise


@pytest.fixture(scope="module")
def prepared(predicted: dict[str, Any]) -> dict[str, Any]:
    return predicted


@pytest.fixture(scope="module")
def server(prepared: dict[str, Any]) -> Iterator[LiveServer]:
    with LiveServer(prepared["settings"], ARTIFACTS / "server.log") as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("the `playwright` package is not installed (pip install -e '.[dev]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _browser_missing(f"{CHROMIUM} not found (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def contexts(browser: Any) -> Iterator[dict[int, Any]]:
    """One browser context per width for the whole module: a phone and a desktop. Writes
    axe-core's counts of every page checked so far to ``axe.json`` at the end."""
    made = {
        390: browser.new_context(
            viewport={"width": 390, "height": WIDTHS[390]},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
        ),
        # a desktop away from UTC, so the pages show local times beside UTC ones
        1280: browser.new_context(
            viewport={"width": 1280, "height": WIDTHS[1280]}, timezone_id="Europe/Rome"
        ),
    }
    yield made
    for context in made.values():
        context.close()
    write_axe_counts()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()
