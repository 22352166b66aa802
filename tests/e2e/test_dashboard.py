"""The dashboard in headless Chromium against ``undercut serve`` over the real archive.

The home holds the real archive (built gold), a small trained model, a stored prediction
of the next race and one of the last race (scored against its result), and a backtest.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from support.browser import shot, wait_for_chart
from support.dashboard import LiveServer

# its own group: the browser run is the longest module, so it gets a worker to itself
pytestmark = [pytest.mark.xdist_group("dashboard_browser"), pytest.mark.slow]

PAGES = {
    "next-race": "/",
    "season-2023": "/seasons/2023",
    "race-2023-1": "/races/2023/1",
    "driver-hamilton": "/drivers/hamilton",
    "constructor-ferrari": "/constructors/ferrari",
    "circuit-monza": "/circuits/monza",
    "model": "/model",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_and_draws_its_charts(server: LiveServer, page: Any, name: str) -> None:
    response = page.goto(server.url + PAGES[name])
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().strip()
    assert page.locator("main table").count() >= 1
    assert wait_for_chart(page) >= 1
    assert page.js_errors == []
    shot(page, name)


def test_next_race_shows_the_stored_prediction(
    server: LiveServer, page: Any, prepared: dict[str, Any]
) -> None:
    prediction = prepared["prediction"]
    page.goto(server.url + "/")
    assert prediction["race"] in page.locator("h1").inner_text()
    rows = page.locator("table.prediction tbody tr")
    assert rows.count() == len(prediction["drivers"])
    favourite = prediction["drivers"][0]
    first = rows.first.inner_text()
    assert f"{round(favourite['p_win'] * 100)}%" in first
    assert prediction["model"]["version"] in page.locator("main").inner_text()
    assert page.locator("table.prediction .pbar.win").count() == len(prediction["drivers"])
    wait_for_chart(page, "chart-probabilities")
    # the last race: predicted beside actual
    assert page.locator("table.comparison tbody tr").count() >= 10
    wait_for_chart(page, "chart-comparison")


def test_season_standings_then_click_through_to_a_driver(server: LiveServer, page: Any) -> None:
    page.goto(server.url + "/seasons/2023")
    standings = page.locator("#driver-standings tbody tr")
    assert standings.count() >= 20
    leader = standings.first
    assert "Max Verstappen" in leader.inner_text()
    assert leader.locator("td").last.inner_text() == "19"  # wins in 2023
    assert "Red Bull" in page.locator("#constructor-standings tbody tr").first.inner_text()
    wait_for_chart(page, "chart-progression")
    shot(page, "season-2023-before-click")
    leader.get_by_role("link", name="Max Verstappen").click()
    page.wait_for_url(re.compile(r"/drivers/max_verstappen$"))
    assert page.locator("h1").inner_text() == "Max Verstappen"
    wait_for_chart(page, "chart-elo")
    assert page.get_by_role("cell", name="2023").count() >= 1
    shot(page, "driver-after-click")


def test_model_page_shows_backtest_against_baselines(server: LiveServer, page: Any) -> None:
    page.goto(server.url + "/model")
    summary = page.locator("#backtest-summary tbody tr")
    assert summary.count() == 5  # the model before/after qualifying and three baselines
    text = page.locator("#backtest-summary").inner_text().lower()
    for baseline in ("grid-slot baseline", "elo baseline", "grid + form logistic baseline"):
        assert baseline in text
    assert wait_for_chart(page) >= 4
    assert page.locator(".chart[id^='chart-backtest-calibration']").count() >= 1
    # the demo home's one stored prediction is an honest hindcast of the last race: scored,
    # shown in its own table, never counted as live accuracy
    assert page.locator("#hindcast-heading ~ .table-wrap tbody tr").count() >= 1
    live = page.locator("section[aria-labelledby='live-heading']").inner_text()
    assert "No scored forecasts yet" in live


def test_phone_width_has_no_sideways_scroll_and_keyboard_reaches_content(
    server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        page = context.new_page()
        for path in ("/", "/seasons/2023", "/drivers/hamilton"):
            page.goto(server.url + path)
            wait_for_chart(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        shot(page, "driver-phone")
        page.goto(server.url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
        shot(page, "next-race-phone")
    finally:
        context.close()


def test_plotly_is_served_by_the_app(server: LiveServer, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.url + "/seasons/2023")
    wait_for_chart(page)
    scripts = [u for u in requests if u.endswith(".js") or ".js?" in u]
    assert scripts and all(u.startswith(server.url) for u in requests), requests
    assert any("plotly-" in u for u in scripts)


def test_search_a_driver_with_the_keyboard(server: LiveServer, page: Any) -> None:
    page.goto(server.url + "/drivers")
    page.get_by_label("Find a driver").fill("hamilton")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/drivers\?q=hamilton$"))
    link = page.locator("#list").get_by_role("link", name="Lewis Hamilton")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/drivers/hamilton$"))
    assert page.locator("h1").inner_text() == "Lewis Hamilton"
    shot(page, "driver-found-by-search")


def test_race_page_tells_the_race_in_charts(server: LiveServer, browser: Any) -> None:
    """Pole and fastest lap on top; the slope chart draws one line per classified driver,
    team-mates in one colour; the phone width keeps the charts inside the screen."""
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.goto(server.url + "/races/2023/1")
            assert "Max Verstappen" in page.locator("#pole").inner_text()
            assert "1:29.708" in page.locator("#pole").inner_text()
            assert "1:33.996" in page.locator("#fastest-lap").inner_text()
            for chart_id in ("chart-slope", "chart-gained", "chart-pits"):
                wait_for_chart(page, chart_id)
            lines = page.locator("#chart-slope .scatterlayer .trace")
            assert lines.count() == 17  # the classified drivers of Bahrain 2023
            colours = page.evaluate(
                """() => Object.fromEntries(
                    document.getElementById('chart-slope').data.map(t => [t.name, t.line.color]))"""
            )
            assert colours["VER"] == colours["PER"] and colours["HAM"] == colours["RUS"]
            assert colours["VER"] != colours["HAM"]
            overflow = page.evaluate(
                """() => Math.max(...[...document.querySelectorAll('.chart')].map(
                    c => c.getBoundingClientRect().right)) - window.innerWidth"""
            )
            assert overflow <= 0, f"a chart overflows the {width}px screen by {overflow}px"
            assert page.get_by_text("No tyre stints").count() == 1
            shot(page, f"race-2023-1-charts-{width}")
        finally:
            context.close()
