"""Pure pieces of the dashboard: chart embedding, number formatting, static file lookup."""

from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
import pytest

from undercut.errors import NotFoundError
from undercut.web import assets, charts, formats


def test_chart_json_cannot_close_its_script_tag() -> None:
    fig = go.Figure(go.Bar(x=["</script><b>x"], y=[1]))
    embedded = charts.chart("chart-x", "a label", fig)
    assert "</" not in embedded.figure
    assert json.loads(embedded.figure)["data"][0]["x"] == ["</script><b>x"]


def test_points_progression_shows_the_leaders_and_hides_the_rest() -> None:
    rows = [
        {"driverId": f"d{i}", "points_by_round": [(1, 10.0 - i), (2, 20.0 - i)]} for i in range(12)
    ]
    fig = charts.points_progression(rows, str.upper, [f"d{i}" for i in range(12)])
    visible = [trace.visible for trace in fig.data]
    assert visible[:10] == [True] * 10 and visible[10:] == ["legendonly"] * 2
    assert fig.data[0].name == "D0"


def test_numbers_and_percentages_for_tables() -> None:
    assert formats.num(575.0, 1) == "575" and formats.num(12.5, 1) == "12.5"
    assert formats.num(4639.5, 1) == "4,639.5" and formats.num(27118) == "27,118"
    assert formats.num(9.0, 1, trim=False) == "9.0"  # a column of expected positions
    assert formats.num(0.12345, 3) == "0.123" and formats.num(None) == formats.MISSING
    assert formats.pct(0.2623) == "26%" and formats.pct(None) == formats.MISSING


def test_lap_times_read_like_a_timing_screen() -> None:
    assert formats.lap_time(91447) == "1:31.447"
    assert formats.lap_time(60_000) == "1:00.000" and formats.lap_time(59_123) == "59.123"
    assert formats.lap_time(None) == formats.MISSING


def test_moments_are_utc_in_a_time_element_and_dates_are_days() -> None:
    assert formats.day("2025-10-19") == "Sun 19 Oct 2025"
    assert formats.day("1985-01-07", weekday=False) == "7 Jan 1985"
    session = formats.when("2025-10-19", "19:00:00Z")
    assert session == (
        '<time datetime="2025-10-19T19:00:00Z" data-local>Sun 19 Oct 2025, 19:00 UTC</time>'
    )
    assert 'datetime="2026-12-07T00:27:43Z"' in formats.when("2026-12-07T01:27:43+01:00")
    made = formats.when(dt.datetime(2025, 3, 1, 9, 5))  # stored naive: UTC
    assert ">Sat 1 Mar 2025, 09:05 UTC<" in made
    assert formats.when("2025-10-19", None) == "Sun 19 Oct 2025"  # no time published yet
    assert formats.when(None) == formats.MISSING


@pytest.mark.parametrize("name", ["../pages.py", ".hidden", "nope.css", "pages.py"])
def test_only_shipped_static_files_are_served(name: str) -> None:
    with pytest.raises(NotFoundError):
        assets._asset(name)


def test_static_urls_carry_a_content_hash() -> None:
    url = assets.fingerprint("style.css")
    assert url.startswith("style.css?v=") and len(url) > len("style.css?v=")
    assert assets.plotly_name().startswith("plotly-") and assets.plotly_name().endswith(".js")
