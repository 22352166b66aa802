"""Pure pieces of the dashboard: chart embedding, number formatting, static file lookup."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from undercut.errors import NotFoundError
from undercut.web import assets, charts, pages


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
    assert pages._num(575.0, 1) == "575" and pages._num(12.5, 1) == "12.5"
    assert pages._num(0.12345, 3) == "0.123" and pages._num(None) == pages.MISSING
    assert pages._pct(0.2623) == "26%" and pages._pct(None) == pages.MISSING


@pytest.mark.parametrize("name", ["../pages.py", ".hidden", "nope.css", "pages.py"])
def test_only_shipped_static_files_are_served(name: str) -> None:
    with pytest.raises(NotFoundError):
        assets._asset(name)


def test_static_urls_carry_a_content_hash() -> None:
    url = assets.fingerprint("style.css")
    assert url.startswith("style.css?v=") and len(url) > len("style.css?v=")
    assert assets.plotly_name().startswith("plotly-") and assets.plotly_name().endswith(".js")
