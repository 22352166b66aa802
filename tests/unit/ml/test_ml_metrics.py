"""The app database keeps one accuracy column per metric, named as the metric."""

from __future__ import annotations

from undercut.appdb.predictions import ACCURACY_COLUMNS
from undercut.ml.metrics import METRICS, race_metrics


def test_every_metric_has_its_accuracy_column() -> None:
    assert ACCURACY_COLUMNS == METRICS
    scored = race_metrics([0.6, 0.4], [1.0, 1.0], [1.0, 1.0], [1.2, 1.8], [1, 2])
    assert tuple(scored) == METRICS
