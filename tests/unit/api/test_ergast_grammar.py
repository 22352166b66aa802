"""The Ergast URL grammar and paging rules, without a warehouse."""

from __future__ import annotations

import pytest

from undercut.api.ergast.envelope import MAX_OFFSET, page_window
from undercut.api.ergast.grammar import ErgastPathError, parse_path


@pytest.mark.parametrize(
    ("path", "endpoint", "filters", "final"),
    [
        ("", "races", {}, None),
        ("2023", "races", {"season": "2023"}, None),
        ("current/last", "races", {"season": "current", "round": "last"}, None),
        ("current/next.json", "races", {"season": "current", "round": "next"}, None),
        ("2023/drivers/alonso/results", "results", {"season": "2023", "driver": "alonso"}, None),
        ("constructors/brawn/circuits/", "circuits", {"constructor": "brawn"}, None),
        ("2023/grid/1/results.json", "results", {"season": "2023", "grid": "1"}, None),
        ("drivers/alonso/fastest/1/seasons", "seasons", {"driver": "alonso", "fastest": "1"}, None),
        ("2023/5/driverStandings/1", "driverstandings", {"season": "2023", "round": "5"}, "1"),
        ("DRIVERS/Alonso", "drivers", {}, "Alonso"),
        (
            "2023/10/laps/7/pitstops",
            "pitstops",
            {"season": "2023", "round": "10", "lap": "7"},
            None,
        ),
        ("2023/10/laps/7", "laps", {"season": "2023", "round": "10"}, "7"),
        (
            "driverStandings/1/constructors/ferrari/seasons",
            "seasons",
            {"driver_standing": "1", "constructor": "ferrari"},
            None,
        ),
    ],
)
def test_paths_in_the_grammar(
    path: str, endpoint: str, filters: dict[str, str], final: str | None
) -> None:
    query = parse_path(path)
    assert (query.endpoint, query.filters, query.final_value) == (endpoint, filters, final)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("foo", 404),
        ("2023/results.xml", 404),
        ("drivers/alonso/2008/results", 404),
        ("2023/drivers/al'onso/results", 404),
        ("2023/drivers/alonso/results/1/2", 404),
        ("2023/drivers/alonso/drivers/hamilton/results", 400),
    ],
)
def test_paths_outside_the_grammar(path: str, status: int) -> None:
    with pytest.raises(ErgastPathError) as raised:
        parse_path(path)
    assert raised.value.status == status


@pytest.mark.parametrize(
    ("limit", "offset", "window"),
    [
        (None, None, (30, 0)),
        ("5", "10", (5, 10)),
        ("100", "0", (100, 0)),
        ("101", None, (100, 0)),
        ("0", None, (30, 0)),
        ("-1", "-1", (30, 0)),
        ("ten", "x", (30, 0)),
        ("9" * 30, "9" * 30, (100, MAX_OFFSET)),
    ],
)
def test_page_window(limit: str | None, offset: str | None, window: tuple[int, int]) -> None:
    page = page_window(limit, offset)
    assert (page.limit, page.offset) == window
