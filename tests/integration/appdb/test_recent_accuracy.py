"""Live accuracy, the figure /metrics reports and the accuracy alert reads: the last N
scored races of one kind, each race counted once, by its newest scored prediction."""

from __future__ import annotations

from pathlib import Path

from undercut.appdb import migrate
from undercut.appdb.base import session_factory
from undercut.appdb.predictions import (
    ACCURACY_COLUMNS,
    FORECAST,
    HINDCAST,
    Prediction,
    PredictionAccuracy,
    prediction_counts,
    recent_accuracy,
)
from undercut.config import get_settings


def test_recent_accuracy_counts_each_race_once_and_only_the_last_ones(tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path / "home"))
    migrate.upgrade(settings)
    races = [(2024, r) for r in range(1, 8)]
    with session_factory(settings)() as session:
        for n, (season, rnd) in enumerate(races):
            # two forecasts of each race (before and after qualifying), one hindcast
            for kind, basis, loss in (
                (FORECAST, "pre-qualifying", 9.0),
                (FORECAST, "qualifying", float(n)),
                (HINDCAST, "qualifying", 5.0),
            ):
                row = Prediction(
                    season=season,
                    round=rnd,
                    model_version="v1",
                    basis=basis,
                    kind=kind,
                    input_hash="x",
                    payload={},
                )
                session.add(row)
                session.flush()
                scores = dict.fromkeys(ACCURACY_COLUMNS, 0.5) | {"winner_log_loss": loss}
                session.add(
                    PredictionAccuracy(
                        prediction_id=row.id,
                        season=season,
                        round=rnd,
                        model_version="v1",
                        **scores,
                    )
                )
        session.commit()
        forecasts = recent_accuracy(session, FORECAST, 5)
        hindcasts = recent_accuracy(session, HINDCAST, 10)
        counts = prediction_counts(session)
    assert [(r["season"], r["round"]) for r in forecasts] == races[-5:]
    assert [r["winner_log_loss"] for r in forecasts] == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert len(hindcasts) == 7 and {r["kind"] for r in hindcasts} == {HINDCAST}
    assert counts == [
        ("v1", "pre-qualifying", FORECAST, 7),
        ("v1", "qualifying", FORECAST, 7),
        ("v1", "qualifying", HINDCAST, 7),
    ]
