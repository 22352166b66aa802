"""Predictions stored before forecasts and hindcasts were told apart get a kind when the
app database is upgraded, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from undercut.appdb import migrate
from undercut.appdb.base import get_engine, session_factory
from undercut.appdb.predictions import latest_prediction
from undercut.config import Settings, get_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    settings = get_settings(home=str(tmp_path / "home"))
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        settings = settings.model_copy(update={"database_url": url})
    return settings


def _document(season: int, round: int, trained_until: str) -> dict:
    return {
        "season": season,
        "round": round,
        "race": "a race",
        "model": {"version": f"v-{trained_until}", "trained_until": trained_until},
        "basis": "qualifying",
        "drivers": [],
    }


def test_old_predictions_are_labelled_by_what_their_model_had_seen(settings: Settings) -> None:
    command.upgrade(migrate.alembic_config(settings), "predictions_0001")
    rows = [
        (2025, 18, "2025:17"),
        (2025, 18, "2025:18"),  # the model was trained on this race's result
        (2025, 19, "2025:18"),
        (2024, 1, "2024:24"),  # trained past it
    ]
    insert = sa.text(
        "insert into predictions (season, round, model_version, basis, created_at, "
        "input_hash, payload) values (:season, :round, :version, 'qualifying', "
        "'2026-01-01 00:00:00', 'h', :payload)"
    )
    with get_engine(settings).begin() as con:
        for season, round, until in rows:
            payload = json.dumps(_document(season, round, until))
            con.execute(
                insert,
                {"season": season, "round": round, "version": f"v-{until}", "payload": payload},
            )
    migrate.upgrade(settings)
    with get_engine(settings).connect() as con:
        stored = con.execute(sa.text("select kind, payload from predictions order by id")).all()
    kinds = [kind for kind, _ in stored]
    assert kinds == ["forecast", "in_sample", "forecast", "in_sample"]
    payloads = [p if isinstance(p, dict) else json.loads(p) for _, p in stored]
    assert [p["kind"] for p in payloads] == kinds
    with session_factory(settings)() as session:
        # the race's honest prediction stands for it, not the newer in-sample one
        document = latest_prediction(session, 2025, 18)
        assert document is not None and document["model"]["trained_until"] == "2025:17"
