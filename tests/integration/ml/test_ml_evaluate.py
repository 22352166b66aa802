"""Stored predictions are scored once their race has a result, per race and model version,
in the embedded SQLite app database and in PostgreSQL alike."""

from __future__ import annotations

import math

import pytest

from undercut.appdb.base import session_factory
from undercut.appdb.predictions import accuracy_rows
from undercut.config import Settings
from undercut.ml.evaluate import evaluate_finished
from undercut.ml.metrics import METRICS
from undercut.ml.predict import predict_race

# one worker trains the session's model once for every module of this folder
pytestmark = pytest.mark.xdist_group("ml")


@pytest.fixture(params=["sqlite", "postgresql"])
def app_settings(request: pytest.FixtureRequest, own_app_db: Settings) -> Settings:
    if request.param == "sqlite":
        return own_app_db
    url = request.getfixturevalue("postgres_url")
    return own_app_db.model_copy(update={"database_url": url})


def test_finished_races_are_scored_once(app_settings: Settings) -> None:
    done = predict_race(app_settings, 2025, 18)
    pending = predict_race(app_settings, 2025, 19)  # no result yet: not scored
    assert pending["basis"] == "pre-qualifying"
    rows = evaluate_finished(app_settings)
    assert [(r["season"], r["round"]) for r in rows] == [(2025, 18)]
    version = done["model"]["version"]
    assert rows[0]["model_version"] == version
    for name in METRICS:
        assert math.isfinite(rows[0][name])
    assert rows[0]["top1_hit"] in (0.0, 1.0)
    assert -1.0 <= rows[0]["spearman"] <= 1.0
    # Russell won Singapore 2025: the winner log loss is -log of his p_win
    winner = next(d for d in done["drivers"] if d["driverId"] == "russell")
    assert rows[0]["winner_log_loss"] == pytest.approx(-math.log(winner["p_win"]), rel=1e-6)

    assert evaluate_finished(app_settings) == []
    with session_factory(app_settings)() as session:
        stored = accuracy_rows(session, version)
        assert [(r["season"], r["round"], r["model_version"]) for r in stored] == [
            (2025, 18, version)
        ]
        assert accuracy_rows(session, "some-other-version") == []
