"""The backtest report: Plotly figures of a backtest result, and a standalone HTML page.

The page works offline: plotly.js is inlined from the installed ``plotly`` package (no CDN),
so a report written on a laptop opens the same on a plane. ``backtest_figures`` is the one
place the figures are drawn; the dashboard's model page reuses it on the stored backtest.
The input is the JSON ``undercut backtest --json`` writes (``ml/backtest.py``), so a report
can be redrawn later from a saved file. undercut's own models come first wherever models
are listed; every chart is a figure of its own (no subplots), so each fits a phone's width.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

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
# undercut's own models (the others are baselines)
OWN_MODELS = ("lightgbm", "lightgbm_prequali")


def _models(result: dict[str, Any]) -> list[str]:
    """The result's models, undercut's own first."""
    names = list(result.get("models", {}))
    return [n for n in OWN_MODELS if n in names] + [n for n in names if n not in OWN_MODELS]


def metric_heading(metric: str) -> str:
    """``winner log loss (↓)``: a metric's name and which way is better."""
    return METRIC_LABELS[metric] + (" (↑)" if metric in HIGHER_IS_BETTER else " (↓)")


def best_values(result: dict[str, Any]) -> dict[str, float]:
    """Per metric, the best mean over the whole backtest (for bold print)."""
    best = {}
    for metric in _metrics(result):
        known = [v[metric] for v in result["models"].values() if v.get(metric) is not None]
        if known:
            best[metric] = max(known) if metric in HIGHER_IS_BETTER else min(known)
    return best


def summary_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per model, undercut's own first: its name, label, whether it is undercut's
    own, and its mean of each metric."""
    return [
        {
            "model": name,
            "label": _label(result, name),
            "own": name in OWN_MODELS,
            "values": {m: result["models"][name].get(m) for m in _metrics(result)},
        }
        for name in _models(result)
    ]


def model_key(result: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, colour)`` of every model, as its traces are drawn in every figure."""
    return [(_label(result, name), _colour(result, name)) for name in _models(result)]


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
    best = best_values(result)
    columns: list[list[str]] = [[_label(result, name) for name in models]]
    for metric in metrics:
        cells = []
        for name in models:
            value = result["models"][name].get(metric)
            text = "" if value is None else f"{value:.4f}"
            cells.append(
                f"<b>{text}</b>" if value is not None and value == best.get(metric) else text
            )
        columns.append(cells)
    spread = result.get("seed_spread") or {}
    header = ["model", *[metric_heading(m) for m in metrics]]
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


def season_figure(result: dict[str, Any], metric: str) -> go.Figure:
    """One metric season by season, one bar per model."""
    figure = go.Figure()
    rows = result.get("seasons", [])
    for name in _models(result):
        mine = sorted((r for r in rows if r.get("model") == name), key=lambda r: r["season"])
        figure.add_trace(
            go.Bar(
                x=[str(r["season"]) for r in mine],
                y=[r.get(metric) for r in mine],
                name=_label(result, name),
                marker_color=_colour(result, name),
            )
        )
    figure.update_layout(
        title=f"{metric_heading(metric)} per season",
        barmode="group",
        height=380,
        xaxis={"type": "category", "title": "season"},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def calibration_figure(result: dict[str, Any], kind: str) -> go.Figure:
    """A reliability curve of one probability: mean predicted against observed frequency."""
    figure = go.Figure(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="perfect",
            line={"dash": "dot", "color": "grey"},
            hoverinfo="skip",
        )
    )
    curves = result.get("calibration", {})
    for name in _models(result):
        points = curves.get(name, {}).get(kind, [])
        figure.add_trace(
            go.Scatter(
                x=[p["predicted"] for p in points],
                y=[p["observed"] for p in points],
                mode="lines+markers",
                name=_label(result, name),
                marker_color=_colour(result, name),
                customdata=[p.get("count") for p in points],
                hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}"
                "<br>%{customdata} drivers<extra></extra>",
            )
        )
    figure.update_xaxes(range=[0, 1], title_text="predicted")
    figure.update_yaxes(range=[0, 1], title_text="observed")
    figure.update_layout(
        title=f"Calibration of {CALIBRATION_KINDS[kind]}",
        height=380,
        legend={"orientation": "h", "y": -0.2},
    )
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
    """The report's figures, by name: ``models`` (the table), ``seasons-<metric>`` per
    headline metric, ``calibration-<kind>`` per probability, ``races``."""
    metrics = [m for m in HEADLINE if m in _metrics(result)]
    return {
        "models": comparison_figure(result),
        **{f"seasons-{m}": season_figure(result, m) for m in metrics},
        **{f"calibration-{k}": calibration_figure(result, k) for k in CALIBRATION_KINDS},
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
