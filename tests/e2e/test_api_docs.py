"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) in headless Chromium with the outside
network closed: every request goes to the app (or is refused by the page's own Content
Security Policy before it leaves), and the operations are listed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import CHROMIUM, CHROMIUM_ARGS, shot
from support.dashboard import LiveServer

pytestmark = [pytest.mark.xdist_group("dashboard_browser"), pytest.mark.slow]

# Every host name but the loopback address resolves to nothing: a CDN cannot answer.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def offline_browser(browser: Any) -> Iterator[Any]:
    """Chromium started with name resolution closed to everything but 127.0.0.1."""
    playwright_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE]
    )
    try:
        yield playwright_browser
    finally:
        playwright_browser.close()


def _load(offline_browser: Any, url: str) -> tuple[Any, list[str], dict[str, str]]:
    context = offline_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    failed: dict[str, str] = {}
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
    response = page.goto(url)
    assert response is not None and response.status == 200
    return page, requested, failed


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        # Swagger UI: one block per operation, its path in the summary line
        ("/docs", ".opblock-summary-path[data-path='/api/v1/drivers/{driver_id}']"),
        # ReDoc: every operation in the side menu, its path in the operation panel
        ("/redoc", "[role=menuitem]:has-text('Driver')"),
    ],
)
def test_api_docs_load_without_the_internet(
    server: LiveServer, offline_browser: Any, path: str, operation: str
) -> None:
    page, requested, failed = _load(offline_browser, server.url + path)
    try:
        page.wait_for_selector(operation, state="attached")
        text = page.locator("body").inner_text()
        for listed in ("/api/v1/drivers", "/api/v1/standings/{season}/drivers", "/auth/token"):
            assert listed in text, f"{listed} not listed on {path}"
        shot(page, f"api-docs{path.replace('/', '-')}")
    finally:
        page.context.close()
    # The page's Content Security Policy refuses ReDoc's footer logo before it is fetched.
    outside = {
        url: failed.get(url)
        for url in requested
        if not url.startswith((server.url, "data:", "blob:")) and failed.get(url) != "csp"
    }
    assert outside == {}, f"{path} asked outside the machine for {outside}"
    assert [url for url, why in failed.items() if why != "csp"] == []
    assert any(url.endswith("/openapi.json") for url in requested)
