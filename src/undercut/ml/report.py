"""The backtest report: Plotly figures of a backtest result, and a standalone HTML page.

The page works offline: plotly.js is inlined from the installed ``plotly`` package (no CDN),
so a report written on a laptop opens the same on a plane. ``backtest_figures`` is the one
place the figures are drawn; the dashboard's model page reuses it on the stored backtest.
The input is the JSON ``undercut backtest --json`` writes (``ml/backtest.py``), so a report
can be redrawn later from a saved file.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

METRIC_LABELS = {
    "winner_log_loss": "winner log loss",
    "win_brier": "win Brier",
    "top1_hit": "top-1 accuracy",
    "podium_brier": "podium Brier",
    "points_brier": "points Brier",
    "spearman": "Spearman rho",
    "mae_position": "MAE expected position",
}
HIGHER_IS_BETTER = {"top1_hit", "spearman"}
HEADLINE = ("winner_log_loss", "top1_hit", "podium_brier", "spearman")
CALIBRATION_KINDS = {"win": "P(win)", "podium": "P(podium)", "points": "P(points)"}
PALETTE = ("#e10600", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")


def _models(result: dict[str, Any]) -> list[str]:
    return list(result.get("models", {}))


def _label(result: dict[str, Any], name: str) -> str:
    return str(result.get("models", {}).get(name, {}).get("label", name))


def _colour(result: dict[str, Any], name: str) -> str:
    models = _models(result)
    index = models.index(name) if name in models else len(models)
    return PALETTE[index % len(PALETTE)]


def _metrics(result: dict[str, Any]) -> list[str]:
    return [m for m in result.get("metrics", METRIC_LABELS) if m in METRIC_LABELS]


def comparison_figure(result: dict[str, Any]) -> go.Figure:
    """Every model's mean metrics over the whole backtest, as a table (best in bold)."""
    metrics = _metrics(result)
    models = _models(result)
    columns: list[list[str]] = [[_label(result, name) for name in models]]
    for metric in metrics:
        values = [result["models"][name].get(metric) for name in models]
        known = [v for v in values if v is not None]
        best = (max(known) if metric in HIGHER_IS_BETTER else min(known)) if known else None
        cells = []
        for value in values:
            text = "" if value is None else f"{value:.4f}"
            cells.append(f"<b>{text}</b>" if value is not None and value == best else text)
        columns.append(cells)
    spread = result.get("seed_spread") or {}
    header = [
        "model",
        *[METRIC_LABELS[m] + (" (↑)" if m in HIGHER_IS_BETTER else " (↓)") for m in metrics],
    ]
    figure = go.Figure(
        go.Table(
            header={
                "values": header,
                "fill_color": "#15151e",
                "font": {"color": "white"},
                "align": "left",
            },
            cells={"values": columns, "align": "left"},
        )
    )
    title = f"Models, walk-forward {result.get('from')}-{result.get('to')}"
    if result.get("races"):
        title += f" ({result['races']} races)"
    if spread:
        title += f"; seeds: {', '.join(str(s) for s in spread.get('seeds', []))}"
    figure.update_layout(
        title=title, height=120 + 40 * len(models), margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    return figure


def seasons_figure(result: dict[str, Any]) -> go.Figure:
    """The headline metrics season by season, one bar per model."""
    metrics = [m for m in HEADLINE if m in _metrics(result)]
    figure = make_subplots(
        rows=1, cols=max(len(metrics), 1), subplot_titles=[METRIC_LABELS[m] for m in metrics]
    )
    rows = result.get("seasons", [])
    for name in _models(result):
        mine = sorted((r for r in rows if r.get("model") == name), key=lambda r: r["season"])
        seasons = [str(r["season"]) for r in mine]
        for col, metric in enumerate(metrics, start=1):
            figure.add_trace(
                go.Bar(
                    x=seasons,
                    y=[r.get(metric) for r in mine],
                    name=_label(result, name),
                    legendgroup=name,
                    showlegend=col == 1,
                    marker_color=_colour(result, name),
                ),
                row=1,
                col=col,
            )
    figure.update_layout(
        title="Per season", barmode="group", height=420, legend={"orientation": "h", "y": -0.15}
    )
    return figure


def calibration_figure(result: dict[str, Any]) -> go.Figure:
    """Reliability curves: mean predicted probability against observed frequency."""
    kinds = list(CALIBRATION_KINDS)
    figure = make_subplots(
        rows=1, cols=len(kinds), subplot_titles=[CALIBRATION_KINDS[k] for k in kinds]
    )
    curves = result.get("calibration", {})
    for col, kind in enumerate(kinds, start=1):
        figure.add_trace(
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                name="perfect",
                line={"dash": "dot", "color": "grey"},
                showlegend=col == 1,
                legendgroup="perfect",
            ),
            row=1,
            col=col,
        )
        for name in _models(result):
            points = curves.get(name, {}).get(kind, [])
            figure.add_trace(
                go.Scatter(
                    x=[p["predicted"] for p in points],
                    y=[p["observed"] for p in points],
                    mode="lines+markers",
                    name=_label(result, name),
                    legendgroup=name,
                    showlegend=col == 1,
                    marker_color=_colour(result, name),
                    customdata=[p.get("count") for p in points],
                    hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}"
                    "<br>%{customdata} drivers<extra></extra>",
                ),
                row=1,
                col=col,
            )
        figure.update_xaxes(range=[0, 1], title_text="predicted", row=1, col=col)
        figure.update_yaxes(
            range=[0, 1], title_text="observed" if col == 1 else None, row=1, col=col
        )
    figure.update_layout(title="Calibration", height=430, legend={"orientation": "h", "y": -0.2})
    return figure


def races_figure(result: dict[str, Any], metric: str = "winner_log_loss") -> go.Figure:
    """One metric race by race, in calendar order, one line per model."""
    figure = go.Figure()
    rows = result.get("per_race", [])
    for name in _models(result):
        mine = sorted(
            (r for r in rows if r.get("model") == name), key=lambda r: (r["season"], r["round"])
        )
        figure.add_trace(
            go.Scatter(
                x=[f"{r['season']}:{r['round']}" for r in mine],
                y=[r.get(metric) for r in mine],
                mode="lines+markers",
                name=_label(result, name),
                marker_color=_colour(result, name),
            )
        )
    figure.update_layout(
        title=f"{METRIC_LABELS.get(metric, metric)}, race by race",
        height=380,
        xaxis={"type": "category", "title": "race"},
        legend={"orientation": "h", "y": -0.3},
    )
    return figure


def backtest_figures(result: dict[str, Any]) -> dict[str, go.Figure]:
    """The report's figures, by name: ``models``, ``seasons``, ``calibration``, ``races``."""
    return {
        "models": comparison_figure(result),
        "seasons": seasons_figure(result),
        "calibration": calibration_figure(result),
        "races": races_figure(result),
    }


def render_report(result: dict[str, Any]) -> str:
    """The whole report as one self-contained HTML document."""
    figures = backtest_figures(result)
    parts = [
        figure.to_html(full_html=False, include_plotlyjs=False, default_width="100%")
        for figure in figures.values()
    ]
    title = f"undercut backtest {result.get('from')}-{result.get('to')}"
    params = result.get("params") or {}
    facts = [
        f"{result.get('races', '?')} races, walk-forward: each season predicted by a model "
        "retrained at its start on all earlier seasons",
        f"generated {result.get('generated_at', '?')} in {result.get('seconds', '?')} s",
    ]
    if params:
        facts.append("params: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    items = "".join(f"<li>{html.escape(str(fact))}</li>" for fact in facts)
    body = "\n".join(f'<section class="figure">{part}</section>' for part in parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:1200px;"
        "padding:0 1rem;color:#15151e}h1{font-size:1.5rem}section.figure{margin:1.5rem 0}"
        "</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        f"</head><body><h1>{html.escape(title)}</h1><ul>{items}</ul>\n{body}\n</body></html>\n"
    )


def write_report(result: dict[str, Any], path: str | Path) -> Path:
    """Write the standalone HTML report of ``result`` to ``path`` (parents created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(result), encoding="utf-8")
    return target
