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


def _layout(fig: go.Figure, title: str, x: str, y: str, **extra: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        # no named template: it would cost tens of milliseconds and ~7 KB per figure
        template="none",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=PALETTE,
        margin={"l": 56, "r": 16, "t": 48, "b": 48},
        legend={"orientation": "h", "y": -0.2},
        hovermode="closest",
        font={
            "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            "color": "#1b1f24",
        },
        **extra,
    )
    axes = {"gridcolor": "#e3e6ea", "linecolor": "#9aa3ad", "zeroline": False, "automargin": True}
    fig.update_xaxes(title_text=x, **axes)
    fig.update_yaxes(title_text=y, **axes)
    return fig


def chart(id: str, label: str, fig: go.Figure) -> Chart:
    """Serialise a figure for embedding in ``<script type="application/json">``."""
    text = json.dumps(fig.to_plotly_json(), cls=_PlotlyEncoder, separators=(",", ":"))
    return Chart(id=id, label=label, figure=text.replace("</", "<\\/"))


class _PlotlyEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        from plotly.utils import PlotlyJSONEncoder

        return PlotlyJSONEncoder().default(o)


def points_progression(
    rows: list[dict[str, Any]], name: Callable[[str], str], order: list[str]
) -> go.Figure:
    """Cumulative championship points after each round; the top ten shown, the rest one
    legend click away."""
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
            )
        )
    return _layout(fig, "Drivers' points after each round", "Round", "Points")


def elo_history(history: list[dict[str, Any]], title: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=[h["date"] or f"{h['season']}-01-01" for h in history],
            y=[h["rating"] for h in history],
            customdata=[[h["season"], h["round"]] for h in history],
            mode="lines",
            line={"color": PALETTE[0], "width": 2},
            name="Elo",
            hovertemplate="%{customdata[0]} round %{customdata[1]}: %{y:.0f}<extra></extra>",
        )
    )
    return _layout(fig, title, "Race date", "Elo rating", showlegend=False)


def season_points(seasons: list[dict[str, Any]], title: str) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[s["season"] for s in seasons],
            y=[s["points"] for s in seasons],
            marker_color=PALETTE[0],
            name="Points",
            hovertemplate="%{x}: %{y} pts<extra></extra>",
        )
    )
    return _layout(fig, title, "Season", "Points", showlegend=False)


def circuit_winners(counts: list[tuple[str, int]]) -> go.Figure:
    counts = counts[:15]
    fig = go.Figure(
        go.Bar(
            x=[c for _, c in counts][::-1],
            y=[n for n, _ in counts][::-1],
            orientation="h",
            marker_color=PALETTE[0],
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


def win_probabilities(drivers: list[dict[str, Any]], name: Callable[[str], str]) -> go.Figure:
    top = drivers[:12][::-1]
    fig = go.Figure()
    for key, label, colour in (
        ("p_points", "Points", "#009E73"),
        ("p_podium", "Podium", "#E69F00"),
        ("p_win", "Win", "#0072B2"),
    ):
        fig.add_trace(
            go.Bar(
                y=[name(d["driverId"]) for d in top],
                x=[d[key] for d in top],
                orientation="h",
                name=label,
                marker_color=colour,
                hovertemplate="%{y}: %{x:.0%}<extra>" + label + "</extra>",
            )
        )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return _layout(
        fig,
        "Probabilities of the twelve favourites",
        "Probability",
        "",
        barmode="group",
        height=560,
    )


def predicted_vs_actual(rows: list[dict[str, Any]], name: Callable[[str], str]) -> go.Figure:
    finished = [r for r in rows if r["actual"] is not None]
    fig = go.Figure(
        go.Scatter(
            x=[r["expected_position"] for r in finished],
            y=[r["actual"] for r in finished],
            text=[name(r["driverId"]) for r in finished],
            mode="markers+text",
            textposition="top center",
            marker={"size": 10, "color": PALETTE[0]},
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


def grid_vs_finish(results: list[dict[str, Any]], name: Callable[[str], str]) -> go.Figure:
    """Where each driver started and finished (classification order), best first."""
    rows = results[::-1]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[r["grid"] or None for r in rows],
            y=[name(r["driverId"]) for r in rows],
            mode="markers",
            name="Grid",
            marker={"symbol": "circle-open", "size": 10, "color": PALETTE[1]},
            hovertemplate="%{y}: started %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[len(results) - i for i in range(len(rows))],
            y=[name(r["driverId"]) for r in rows],
            mode="markers",
            name="Finish (classification order)",
            marker={"size": 10, "color": PALETTE[0]},
            hovertemplate="%{y}: finished %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(autorange="reversed", dtick=1 if len(results) <= 26 else 5)
    return _layout(
        fig, "Grid slot and finishing order", "Position", "", height=max(320, 22 * len(rows) + 120)
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
