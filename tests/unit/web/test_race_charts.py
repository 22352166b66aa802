"""Pure pieces of the race page's charts: team styles that tell team-mates apart."""

from __future__ import annotations

from undercut.serving.colours import TeamColours
from undercut.web import race_charts
from undercut.web.styles import driver_styles


def test_team_mates_share_the_colour_and_differ_in_dash_and_marker() -> None:
    colours = TeamColours.from_rows(
        [
            {
                "constructor_id": "red_bull",
                "nationality": "Austrian",
                "first_season": 2005,
                "last_season": 9999,
                "colour": "#3671c6",
            },
            {
                "constructor_id": "haas",
                "nationality": "American",
                "first_season": 2016,
                "last_season": 9999,
                "colour": "#b6babd",
            },
        ]
    )
    styles = driver_styles(
        [
            ("max_verstappen", "red_bull"),
            ("magnussen", "haas"),
            ("perez", "red_bull"),
            ("hulkenberg", "haas"),
            ("max_verstappen", "red_bull"),
        ],
        colours,
        2023,
    )
    assert list(styles) == ["max_verstappen", "magnussen", "perez", "hulkenberg"]
    ver, per = styles["max_verstappen"], styles["perez"]
    assert ver.colour == per.colour == "#3671c6"
    assert (ver.dash, ver.symbol) == ("solid", "circle") and per.dash != ver.dash
    assert per.symbol != ver.symbol
    assert styles["magnussen"].colour != "#b6babd"  # Haas grey darkened for a line on white
    assert styles["magnussen"].hoverlabel()["bgcolor"] == "#b6babd"


def test_the_slope_chart_skips_drivers_not_classified() -> None:
    results = [
        {"driverId": "a", "constructorId": "x", "grid": 2, "position": 1},
        {"driverId": "b", "constructorId": "x", "grid": 0, "position": 2},
        {"driverId": "c", "constructorId": "y", "grid": 1, "position": None},
    ]
    styles = driver_styles(
        [(r["driverId"], r["constructorId"]) for r in results], TeamColours(), 2023
    )
    fig = race_charts.grid_to_finish(results, styles, str.upper)
    assert [(t.name, list(t.y)) for t in fig.data] == [("A", [2, 1]), ("B", [3, 2])]
    assert fig.data[0].line.color == fig.data[1].line.color


def test_prediction_bars_are_in_team_colours_with_a_neutral_legend() -> None:
    from undercut.web import charts

    colours = TeamColours.from_rows(
        [
            {
                "constructor_id": "mclaren",
                "nationality": "British",
                "first_season": 2017,
                "last_season": 9999,
                "colour": "#ff8000",
            }
        ]
    )
    drivers = [
        {
            "driverId": "piastri",
            "constructorId": "mclaren",
            "p_win": 0.3,
            "p_podium": 0.6,
            "p_points": 0.9,
        },
        {
            "driverId": "norris",
            "constructorId": "mclaren",
            "p_win": 0.2,
            "p_podium": 0.5,
            "p_points": 0.8,
        },
    ]
    styles = driver_styles([(d["driverId"], d["constructorId"]) for d in drivers], colours, 2025)
    fig = charts.win_probabilities(drivers, str.upper, styles)
    bars = [t for t in fig.data if t.showlegend is False]
    keys = [t for t in fig.data if t.showlegend is not False]
    assert len(bars) == len(keys) == 3
    papaya = colours.of("mclaren", 2025).line
    assert all(list(t.marker.color) == [papaya, papaya] for t in bars)
    assert [t.marker.color for t in keys] == [bar[-1] for bar in charts.PROBABILITY_BARS]
    assert keys[-1].marker.color == charts.NEUTRAL  # the win key darkest, like its bar
    assert [t.width for t in bars] == sorted((t.width for t in bars), reverse=True)
