"""The dashboard in headless Chromium against ``undercut serve`` over the real archive.

The home holds the real archive (built gold), a small trained model, a stored prediction
of the next race and one of the last race (scored against its result), and a backtest.
Every page is opened at a phone's width (390 px) and a desktop's (1280 px): it must not
scroll sideways, every chart must be drawn, the console must stay free of errors and
axe-core must find no serious or critical violation. Screenshots and axe's counts per page
land in ``test-artifacts/dashboard/`` (``<page>-390.png``, ``<page>-1280.png``,
``axe.json``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from support.browser import WIDTHS, check_page, shot, wait_for_chart
from support.dashboard import LiveServer
from support.telemetry import TELEMETRY_PAGES

# its own group: the browser run is the longest module, so it gets a worker to itself
pytestmark = [pytest.mark.xdist_group("dashboard_browser"), pytest.mark.slow]

# Every page of the dashboard, by screenshot name. The demo home holds the archive through
# 2025 round 18 (its last race, predicted and scored) and round 19 (the next race).
PAGES = {
    "next-race": "/",
    "seasons": "/seasons",
    "season-2023": "/seasons/2023",
    "race-2023-1": "/races/2023/1",
    "race-last": "/races/2025/18",
    "race-next": "/races/2025/19",
    "drivers": "/drivers",
    "constructors": "/constructors",
    "circuits": "/circuits",
    "driver-hamilton": "/drivers/hamilton",
    "constructor-ferrari": "/constructors/ferrari",
    "circuit-monza": "/circuits/monza",
    "model": "/model",
    # a race with no car telemetry on the lake: a page saying how to pull it
    "telemetry-none": "/telemetry/2025/18/R",
}
# pages that answer a message page with another status than 200
STATUS = {"telemetry-none": 404}


def test_every_dashboard_route_is_visited() -> None:
    """A new page cannot slip past the browser checks below."""
    from undercut.web.pages import router

    templates = {
        route.path
        for route in router.routes
        if "GET" in getattr(route, "methods", ()) and not route.path.startswith("/static/")
    }
    paths = [p.split("?")[0] for p in [*PAGES.values(), *TELEMETRY_PAGES.values()]]
    unvisited = [
        t
        for t in templates
        if not any(re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", t), p) for p in paths)
    ]
    assert unvisited == []


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_draws_and_passes_axe(
    server: LiveServer, contexts: dict[int, Any], axe_script: Path, name: str, width: int
) -> None:
    page = contexts[width].new_page()
    try:
        check_page(page, server.url + PAGES[name], name, width, axe_script, STATUS.get(name, 200))
    finally:
        page.close()


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


def test_moments_are_shown_in_utc_and_the_viewers_time(
    server: LiveServer, contexts: dict[int, Any]
) -> None:
    page = contexts[1280].new_page()
    try:
        page.goto(server.url + "/")
        moment = page.locator("table.schedule time[data-local]").last
        assert moment.inner_text().endswith(" UTC")
        local = page.locator("table.schedule time[data-local] + span.local").last
        assert local.inner_text().endswith("your time")
        # the next race of the demo home, 2025 round 19, starts at 19:00 UTC on 19 October:
        # 21:00 in Rome (summer time)
        assert moment.inner_text() == "Sun 19 Oct 2025, 19:00 UTC"
        assert "21:00" in local.inner_text() or "09:00 PM" in local.inner_text()
    finally:
        page.close()


def test_keyboard_reaches_the_content_first(server: LiveServer, contexts: dict[int, Any]) -> None:
    page = contexts[390].new_page()
    try:
        page.goto(server.url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
    finally:
        page.close()


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
