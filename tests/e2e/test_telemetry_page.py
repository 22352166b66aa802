"""The telemetry comparison page in headless Chromium over a home holding car telemetry.

The home is the sessions home (the real archive plus OpenF1 sessions of 2023 rounds 1-2)
with the 2023 Bahrain race's telemetry pulled from a local replay of generated OpenF1
streams (``support.telemetry``). Each page passes the checks of every dashboard page at a
phone's and a desktop's width (``support.browser.check_page``); then the charts are looked
at one by one, the map's colouring is switched with the form, and the race page leads to
the comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.browser import ARTIFACTS, WIDTHS, check_page, shot, wait_for_chart
from support.dashboard import LiveServer
from support.telemetry import TELEMETRY_PAGES

pytestmark = [
    pytest.mark.xdist_group("dashboard_browser"),
    pytest.mark.slow,
    pytest.mark.usefixtures("local_mirrors"),
]


@pytest.fixture(scope="module")
def server(pulled: tuple) -> Iterator[LiveServer]:
    with LiveServer(pulled[0], ARTIFACTS / "server-telemetry.log") as live:
        yield live


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(TELEMETRY_PAGES))
def test_page_fits_the_screen_draws_and_passes_axe(
    server: LiveServer, contexts: dict[int, Any], axe_script: Path, name: str, width: int
) -> None:
    page = contexts[width].new_page()
    try:
        check_page(page, server.url + TELEMETRY_PAGES[name], name, width, axe_script)
    finally:
        page.close()


def _traces(page: Any, chart_id: str) -> list[dict[str, Any]]:
    """Name, number of points and drawn path length of each visible trace of a chart."""
    return page.evaluate(  # type: ignore[no-any-return]
        """id => {
            const chart = document.getElementById(id);
            const paths = [...chart.querySelectorAll('.scatterlayer .trace')];
            return chart.data.map((t, i) => ({
                name: t.name, points: t.x.length, visible: t.visible,
                drawn: paths[i] ? paths[i].querySelectorAll('path.js-line, path.point').length
                    + (paths[i].querySelector('path.js-line')?.getAttribute('d') || '').length
                    : 0,
            }));
        }""",
        chart_id,
    )


def test_both_speed_traces_the_delta_and_the_track_map_are_drawn(
    server: LiveServer, contexts: dict[int, Any]
) -> None:
    page = contexts[1280].new_page()
    try:
        page.goto(server.url + "/telemetry/2023/1/R")
        for chart_id in ("chart-speed", "chart-delta", "chart-map"):
            wait_for_chart(page, chart_id)
        speed = _traces(page, "chart-speed")
        assert [t["name"] for t in speed] == ["VER lap 57", "PER lap 56"]
        # one point per sample of the reference lap (~3.7 Hz over 95 s), every one drawn
        points = speed[0]["points"]
        assert points > 300 and all(t["points"] == points and t["drawn"] > 1000 for t in speed)
        (delta,) = _traces(page, "chart-delta")
        assert delta["points"] == points and delta["drawn"] > 1000
        reference, other = _traces(page, "chart-map")
        assert reference["visible"] is True and other["visible"] == "legendonly"
        assert page.locator("#chart-map .scatterlayer .trace path.point").count() == points
        assert page.locator("#chart-map .colorbar").count() == 1
        # the map keeps the circuit's shape: as tall as its aspect allows, never squeezed
        box = page.locator("#chart-map .nsewdrag").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 200
    finally:
        page.close()


def test_the_form_colours_the_map_by_gear(server: LiveServer, contexts: dict[int, Any]) -> None:
    page = contexts[390].new_page()
    try:
        page.goto(server.url + "/telemetry/2023/1/R")
        wait_for_chart(page, "chart-map")
        page.locator("select[name=colour]").select_option("gear")
        page.get_by_role("button", name="Compare").click()
        page.wait_for_url("**colour=gear**")
        wait_for_chart(page, "chart-map")
        scale = page.evaluate(
            """() => {
                const t = document.getElementById('chart-map').data[0];
                return {title: t.marker.colorbar.title.text,
                        colours: [...new Set(t.marker.color)].sort((a, b) => a - b)};
            }"""
        )
        assert scale["title"] == "gear"
        assert scale["colours"][0] >= 1 and scale["colours"][-1] == 8
        assert "Track map coloured by gear" in page.locator("#chart-map").inner_text()
        shot(page, "telemetry-2023-1-r-gear-by-form-390")
    finally:
        page.close()


def test_the_race_page_leads_to_the_comparison(
    server: LiveServer, contexts: dict[int, Any]
) -> None:
    page = contexts[390].new_page()
    try:
        page.goto(server.url + "/races/2023/1")
        page.get_by_role("link", name="Race: two drivers' laps compared").click()
        page.wait_for_url(server.url + "/telemetry/2023/1/R")
        assert page.locator("h1").inner_text() == "Telemetry: VER lap 57 vs PER lap 56"
        page.goto(server.url + "/races/2023/2")  # no telemetry pulled for it: no link
        assert page.locator("a[href^='/telemetry/']").count() == 0
    finally:
        page.close()
