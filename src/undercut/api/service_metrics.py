"""What the service tells monitoring about its data and its predictions, at scrape time.

Read when Prometheus asks, from what every worker process shares (the served warehouse,
the app database, the model registry), so any worker answers alike:

- predictions generated, by model version, basis and kind (the stored predictions);
- live accuracy: the mean winner log loss, win Brier, … of the last ``ACCURACY_RACES``
  scored races, for forecasts and for hindcasts (``appdb.predictions.recent_accuracy``);
- the newest backtest's means per model (the grid-slot baseline among them), the yardstick
  the accuracy alert compares the live figures with;
- data freshness: the newest race with results, and how long ago the first race still
  without results started (the results are overdue once it is in the past).

A figure that cannot be read (no app database yet, no warehouse) is left out for that
scrape; the rest still answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import FastAPI
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from undercut.appdb.predictions import (
    ACCURACY_COLUMNS,
    FORECAST,
    HINDCAST,
    prediction_counts,
    recent_accuracy,
)
from undercut.ml.registry import latest_backtest
from undercut.serving.sql import query

log = logging.getLogger(__name__)

ACCURACY_RACES = 5


def last_race(app: FastAPI) -> dict[str, Any] | None:
    """The newest race with results in the served warehouse."""
    with app.state.store.reader() as reader:
        rows = reader.fetch(query("last_race"))
    return rows[0] if rows else None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else None


def race_start(row: dict[str, Any]) -> datetime | None:
    """When a calendar race starts (UTC); midnight when the calendar has no time."""
    day = _day(row.get("race_date"))
    if day is None:
        return None
    clock = row.get("race_time")
    if clock and not isinstance(clock, time):
        clock = time.fromisoformat(str(clock).removesuffix("Z"))
    return datetime.combine(day, clock or time(0), tzinfo=UTC)


class ServiceCollector(Collector):
    """Business figures of one app, read at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        for part in (self._predictions, self._backtest, self._data):
            try:
                yield from part()
            except Exception as exc:  # one missing source must not blank the page
                log.warning("metrics: %s unavailable: %s", part.__name__.strip("_"), exc)

    def _predictions(self) -> Iterator[Metric]:
        generated = CounterMetricFamily(
            "undercut_predictions_generated",
            "Race predictions made and stored, by model version, basis and kind "
            "(forecast, hindcast, in_sample).",
            labels=["model_version", "basis", "kind"],
        )
        stored = GaugeMetricFamily(
            "undercut_predictions_stored", "Race predictions stored in the app database."
        )
        accuracy = GaugeMetricFamily(
            "undercut_prediction_accuracy",
            f"Mean accuracy of the last {ACCURACY_RACES} scored races (one prediction per "
            "race, the newest), by metric (winner_log_loss, win_brier, …; lower is better "
            "except top1_hit and spearman) and kind.",
            labels=["metric", "kind"],
        )
        races = GaugeMetricFamily(
            "undercut_prediction_accuracy_races",
            f"Scored races the accuracy figures cover (at most {ACCURACY_RACES}).",
            labels=["kind"],
        )
        with self.app.state.sessions() as session:
            counts = prediction_counts(session)
            recent = {
                kind: recent_accuracy(session, kind, ACCURACY_RACES)
                for kind in (FORECAST, HINDCAST)
            }
        for version, basis, kind, count in counts:
            generated.add_metric([version, basis, kind], count)
        stored.add_metric([], sum(count for *_, count in counts))
        for kind, rows in recent.items():
            races.add_metric([kind], len(rows))
            for metric in ACCURACY_COLUMNS:
                values = [r[metric] for r in rows if r.get(metric) is not None]
                if values:
                    accuracy.add_metric([metric, kind], sum(values) / len(values))
        yield from (generated, stored, accuracy, races)

    def _backtest(self) -> Iterator[Metric]:
        scores = GaugeMetricFamily(
            "undercut_prediction_backtest_accuracy",
            "The newest backtest's mean accuracy per model (the model and its baselines: "
            "grid_slot, elo, grid_logistic) and metric.",
            labels=["model", "metric"],
        )
        backtest = latest_backtest(self.app.state.settings) or {}
        for model, figures in sorted(backtest.get("models", {}).items()):
            for metric in backtest.get("metrics", []):
                value = figures.get(metric)
                if isinstance(value, int | float):
                    scores.add_metric([model, metric], float(value))
        yield scores

    def _data(self) -> Iterator[Metric]:
        age = GaugeMetricFamily(
            "undercut_data_last_race_age_seconds",
            "Age of the newest race with results in the served warehouse.",
        )
        info = GaugeMetricFamily(
            "undercut_data_last_race_info",
            "Newest race with results (season, round labels).",
            labels=["season", "round"],
        )
        overdue = GaugeMetricFamily(
            "undercut_data_results_overdue_seconds",
            "Seconds since the first race still without results started (0 while it is "
            "in the future or every race has results).",
        )
        now = datetime.now(UTC)
        race = last_race(self.app)
        if race is not None:
            day = _day(race["race_date"])
            if day is not None:
                age.add_metric([], float((now.date() - day).days * 86400))
            info.add_metric([str(race["season"]), str(race["round"])], 1.0)
        with self.app.state.store.reader() as reader:
            upcoming = reader.fetch(query("next_race"))
        start = race_start(upcoming[0]) if upcoming else None
        overdue.add_metric([], max(0.0, (now - start).total_seconds()) if start else 0.0)
        yield from (age, info, overdue)
