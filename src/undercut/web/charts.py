"""Plotly figures of the dashboard, shipped to the page as JSON.

Each page embeds its figures as JSON next to an empty ``<div>``; ``static/app.js`` draws
them with the plotly.js bundled in the ``plotly`` Python package (served by the app, so the
dashboard works offline). Tables carry the same numbers, so the page is readable before the
script has loaded and for screen readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from undercut.web.styles import Style

# Okabe-Ito (yellow swapped for a darker wine): distinguishable with the common
# colour-vision deficiencies and legible on white.
PALETTE = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8C564B",
    "#882255",
    "#7F7F7F",
]
NEUTRAL = "#4a525a"
MODEL_COLOURS = {
    "lightgbm": "#0072B2",
    "lightgbm_prequali": "#56B4E9",
    "grid_slot": "#D55E00",
    "elo": "#009E73",
    "grid_logistic": "#CC79A7",
}
METRIC_LABELS = {
    "winner_log_loss": "Winner log loss (lower is better)",
    "win_brier": "Win Brier score (lower is better)",
    "top1_hit": "Favourite won (top-1 hit rate, higher is better)",
}
SUMMARY_METRICS = tuple(METRIC_LABELS)


@dataclass
class Chart:
    """A figure ready for a template: its element id, accessible label and JSON."""

    id: str
    label: str
    figure: str


# The one place for the look of every chart (the dashboard's own and the backtest report's
# figures shown on the model page): no named template (it would cost tens of milliseconds and
# ~7 KB per figure), the title flush left, legends below the plot anchored to the bottom of
# the figure (so the figure's margin grows to hold them and they never overlap an axis
# title). How charts behave in the browser (no mode bar on phones, a minimum plot height
# whatever the legend takes) is ``static/app.js``'s part.
LEGEND_BELOW = {
    "orientation": "h",
    "xref": "container",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}
AXES = {"gridcolor": "#e3e6ea", "linecolor": "#9aa3ad", "zeroline": False, "automargin": True}


def style(fig: go.Figure, **extra: Any) -> go.Figure:
    """Give ``fig`` the dashboard's look; ``extra`` layout keys win over the defaults."""
    fig.update_layout(
        title={"x": 0, "xanchor": "left", "font": {"size": 16}},
        template="none",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=PALETTE,
        margin={"l": 56, "r": 16, "t": 48, "b": 16},
        legend=LEGEND_BELOW,
        hovermode="closest",
        font={
            "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            "color": "#1b1f24",
        },
    )
    fig.update_layout(**extra)
    fig.update_xaxes(**AXES)
    fig.update_yaxes(**AXES)
    return fig


def _layout(fig: go.Figure, title: str, x: str, y: str, **extra: Any) -> go.Figure:
    style(fig, title_text=title, **extra)
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y)
    return fig


def chart(id: str, label: str, fig: go.Figure) -> Chart:
    """Serialise a figure for embedding in ``<script type="application/json">``."""
    text = json.dumps(fig.to_plotly_json(), cls=_PlotlyEncoder, separators=(",", ":"))
    return Chart(id=id, label=label, figure=text.replace("</", "<\\/"))


class _PlotlyEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        from plotly.utils import PlotlyJSONEncoder

        return PlotlyJSONEncoder().default(o)


def _styled(style: Style | None) -> dict[str, Any]:
    """A driver trace's line, marker and hover box in the team's colours (plotly's
    colourway when the driver has no team style)."""
    if style is None:
        return {}
    return {"line": style.line(), "marker": style.marker(7), "hoverlabel": style.hoverlabel()}


def points_progression(
    rows: list[dict[str, Any]],
    name: Callable[[str], str],
    order: list[str],
    styles: Mapping[str, Style] | None = None,
) -> go.Figure:
    """Cumulative championship points after each round; the top ten shown, the rest one
    legend click away. Drivers in their team's colours, team-mates told apart by dash."""
    by_driver = {d["driverId"]: d["points_by_round"] for d in rows}
    fig = go.Figure()
    for i, driver_id in enumerate([d for d in order if d in by_driver]):
        points = by_driver[driver_id]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="lines+markers",
                name=name(driver_id),
                visible=True if i < 10 else "legendonly",
                hovertemplate="%{fullData.name}<br>after round %{x}: %{y} pts<extra></extra>",
                **_styled((styles or {}).get(driver_id)),
            )
        )
    return _layout(fig, "Drivers' points after each round", "Round", "Points")


def elo_history(history: list[dict[str, Any]], title: str, colour: str = PALETTE[0]) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=[h["date"] or f"{h['season']}-01-01" for h in history],
            y=[h["rating"] for h in history],
            customdata=[[h["season"], h["round"]] for h in history],
            mode="lines",
            line={"color": colour, "width": 2},
            name="Elo",
            hovertemplate="%{customdata[0]} round %{customdata[1]}: %{y:.0f}<extra></extra>",
        )
    )
    return _layout(fig, title, "Race date", "Elo rating", showlegend=False)


def season_points(
    seasons: list[dict[str, Any]], title: str, colours: list[str] | None = None
) -> go.Figure:
    """Points per season, each bar in the colour of that season's team."""
    fig = go.Figure(
        go.Bar(
            x=[s["season"] for s in seasons],
            y=[s["points"] for s in seasons],
            marker_color=colours or PALETTE[0],
            name="Points",
            hovertemplate="%{x}: %{y} pts<extra></extra>",
        )
    )
    return _layout(fig, title, "Season", "Points", showlegend=False)


def circuit_winners(
    counts: list[tuple[str, int]], colours: Mapping[str, str] | None = None
) -> go.Figure:
    """The drivers with most wins, each bar in ``colours[name]`` (a team's colour)."""
    counts = counts[:15]
    fig = go.Figure(
        go.Bar(
            x=[c for _, c in counts][::-1],
            y=[n for n, _ in counts][::-1],
            orientation="h",
            marker_color=[(colours or {}).get(n, PALETTE[0]) for n, _ in counts][::-1],
            hovertemplate="%{y}: %{x} wins<extra></extra>",
        )
    )
    return _layout(
        fig,
        "Most wins at this circuit",
        "Wins",
        "",
        showlegend=False,
        height=max(280, 28 * len(counts) + 100),
    )


# Nested bars, widest and palest first: P(win) <= P(podium) <= P(points), so each bar
# sits inside the one before it, all three in the driver's team colour.
PROBABILITY_BARS = (
    ("p_points", "Points (pale, wide)", 0.3, 0.8, "#c4c9ce"),
    ("p_podium", "Podium", 0.6, 0.55, "#8a939b"),
    ("p_win", "Win (solid, narrow)", 1.0, 0.3, NEUTRAL),
)


def win_probabilities(
    drivers: list[dict[str, Any]],
    name: Callable[[str], str],
    styles: Mapping[str, Style] | None = None,
) -> go.Figure:
    top = drivers[:12][::-1]
    colours = [
        styles[d["driverId"]].colour if styles and d["driverId"] in styles else PALETTE[0]
        for d in top
    ]
    fig = go.Figure()
    for key, label, opacity, width, grey in PROBABILITY_BARS:
        fig.add_trace(
            go.Bar(
                y=[name(d["driverId"]) for d in top],
                x=[d[key] for d in top],
                orientation="h",
                name=label,
                width=width,
                marker={"color": colours, "opacity": opacity, "line": {"width": 0}},
                hovertemplate="%{y}: %{x:.0%}<extra>" + label.split(" ")[0] + "</extra>",
                legendgroup=key,
                showlegend=False,
            )
        )
        # the legend's key in a neutral grey: the bars themselves are in team colours
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                orientation="h",
                name=label,
                legendgroup=key,
                marker={"color": grey},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return _layout(
        fig,
        "Probabilities of the twelve favourites",
        "Probability",
        "",
        barmode="overlay",
        height=560,
    )


def predicted_vs_actual(
    rows: list[dict[str, Any]],
    name: Callable[[str], str],
    styles: Mapping[str, Style] | None = None,
) -> go.Figure:
    finished = [r for r in rows if r["actual"] is not None]
    known = [(styles or {}).get(r["driverId"]) for r in finished]
    fig = go.Figure(
        go.Scatter(
            x=[r["expected_position"] for r in finished],
            y=[r["actual"] for r in finished],
            text=[name(r["driverId"]) for r in finished],
            mode="markers+text",
            textposition="top center",
            marker={
                "size": 10,
                "color": [s.colour if s else PALETTE[0] for s in known],
                "symbol": [s.symbol if s else "circle" for s in known],
            },
            hovertemplate="%{text}: expected %{x:.1f}, finished %{y}<extra></extra>",
        )
    )
    top = max([r["actual"] for r in finished] + [20])
    fig.add_trace(
        go.Scatter(
            x=[1, top],
            y=[1, top],
            mode="lines",
            name="perfect",
            line={"dash": "dot", "color": "#7F7F7F"},
            hoverinfo="skip",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "Expected position against the result",
        "Expected position",
        "Finishing position",
        showlegend=False,
    )


def live_accuracy(
    rows: list[dict[str, Any]], baselines: Mapping[str, Mapping[str, Any]]
) -> dict[str, go.Figure]:
    """Accuracy of stored predictions race by race; the backtest's baselines as references."""
    figures = {}
    labels = [f"{r['season']}:{r['round']}" for r in rows]
    for metric, title in METRIC_LABELS.items():
        fig = go.Figure(
            go.Scatter(
                x=labels,
                y=[r[metric] for r in rows],
                mode="lines+markers",
                name="live model",
                marker_color=MODEL_COLOURS["lightgbm"],
                hovertemplate="race %{x}: %{y:.3f}<extra>live</extra>",
            )
        )
        for name, values in baselines.items():
            if name == "lightgbm" or values.get(metric) is None:
                continue
            fig.add_hline(
                y=values[metric],
                line_dash="dash",
                line_color=MODEL_COLOURS.get(name, "#7F7F7F"),
                showlegend=True,
                name=f"{values.get('label', name)} (backtest mean)",
            )
        figures[metric] = _layout(fig, f"Live: {title}", "Race (season:round)", "")
    return figures


def weekend_timeline(
    timeline: dict[str, Any], name: Callable[[str], str], favourites: int = 6
) -> go.Figure:
    """How the favourites' win and podium chances moved after each weekend session: one
    line per driver (win solid, podium dotted), stages on the x axis in weekend order."""
    stages = timeline["stages"]
    labels = [stage["stage"] for stage in stages]
    last = {d["driverId"]: d for d in stages[-1]["drivers"]}
    top = sorted(last, key=lambda ref: -float(last[ref]["p_win"]))[:favourites]
    fig = go.Figure()
    for index, ref in enumerate(top):
        colour = PALETTE[index % len(PALETTE)]
        for key, dash, label in (("p_win", "solid", "win"), ("p_podium", "dot", "podium")):
            values = [
                next((d[key] for d in stage["drivers"] if d["driverId"] == ref), None)
                for stage in stages
            ]
            fig.add_trace(
                go.Scatter(
                    x=labels,
                    y=values,
                    mode="lines+markers",
                    name=f"{name(ref)} {label}",
                    line={"color": colour, "dash": dash},
                    legendgroup=ref,
                    showlegend=key == "p_win",
                    hovertemplate=f"{name(ref)} {label}: %{{y:.0%}} after %{{x}}<extra></extra>",
                )
            )
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, "Weekend timeline: chances after each session", "Stage", "Probability")
