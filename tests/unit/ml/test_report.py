"""The backtest report: figures from a backtest result, and an HTML page that works offline."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from undercut.ml.report import (
    backtest_figures,
    best_values,
    model_key,
    summary_rows,
    write_report,
)

MODELS = ("lightgbm", "grid_slot")


@pytest.fixture
def result() -> dict:
    """A small backtest result in the shape ``undercut backtest --json`` writes."""
    metrics = {
        "winner_log_loss": 1.2,
        "win_brier": 0.6,
        "top1_hit": 0.5,
        "podium_brier": 0.07,
        "points_brier": 0.15,
        "spearman": 0.66,
        "mae_position": 3.2,
    }
    per_race = [
        {"season": s, "round": r, "model": m, **metrics}
        for s in (2023, 2024)
        for r in (1, 2)
        for m in MODELS
    ]
    curve = [
        {"predicted": 0.05, "observed": 0.04, "count": 300},
        {"predicted": 0.6, "observed": 0.7, "count": 20},
    ]
    return {
        "from": 2023,
        "to": 2024,
        "races": 4,
        "generated_at": "2026-01-01T00:00:00+00:00",
        "seconds": 1.0,
        "params": {"n_estimators": 10},
        "metrics": list(metrics),
        "models": {m: {"label": f"model {m}", **metrics} for m in MODELS},
        "seasons": [
            {"season": s, "model": m, "races": 2, **metrics} for s in (2023, 2024) for m in MODELS
        ],
        "per_race": per_race,
        "calibration": {m: {k: curve for k in ("win", "podium", "points")} for m in MODELS},
    }


def test_figures_cover_models_seasons_and_calibration(result: dict) -> None:
    figures = backtest_figures(result)
    assert {"models", "seasons-winner_log_loss", "calibration-win", "races"} <= set(figures)
    assert all(isinstance(f, go.Figure) for f in figures.values())
    names = {trace.name for trace in figures["calibration-podium"].data}
    assert {"model lightgbm", "model grid_slot", "perfect"} <= names
    seasons = figures["seasons-top1_hit"]
    assert {tuple(trace.x) for trace in seasons.data} == {("2023", "2024")}
    assert not any(f.layout.annotations for f in figures.values())  # no subplot titles
    table = figures["models"].data[0]
    assert list(table.cells.values[0]) == ["model lightgbm", "model grid_slot"]


def test_own_models_come_first_whatever_the_stored_order(result: dict) -> None:
    result["models"] = dict(sorted(result["models"].items(), reverse=True))
    result["models"]["lightgbm_prequali"] = {"label": "before", "winner_log_loss": 2.0}
    rows = summary_rows(result)
    assert [r["model"] for r in rows] == ["lightgbm", "lightgbm_prequali", "grid_slot"]
    assert [r["own"] for r in rows] == [True, True, False]
    assert best_values(result)["winner_log_loss"] == 1.2
    assert model_key(result)[0][0] == "model lightgbm"


def test_report_is_standalone_html(result: dict, tmp_path: Path) -> None:
    path = write_report(result, tmp_path / "out" / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", text)  # nothing fetched from a CDN
    assert "Plotly.newPlot" in text and len(text) > 1_000_000  # plotly.js is inlined
    assert "undercut backtest 2023-2024" in text


def test_figures_tolerate_a_partial_result() -> None:
    figures = backtest_figures({"from": 2024, "to": 2024, "models": {}})
    assert {"models", "seasons-winner_log_loss", "calibration-win"} <= set(figures)
