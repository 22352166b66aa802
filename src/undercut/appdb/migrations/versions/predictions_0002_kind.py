"""predictions: a kind per stored prediction (forecast, hindcast, in_sample)

A prediction stored before the kinds existed is labelled ``in_sample`` when its model was
trained on races up to or past its own (it had seen the result), else ``forecast``: its
model had not seen the race, which is all the app database can still tell. The payload (the
document the API serves) gets the same ``kind``.

Revision ID: predictions_0002
Revises: predictions_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "predictions_0002"
down_revision = "predictions_0001"
branch_labels = None
depends_on = None

PREDICTIONS = sa.table(
    "predictions",
    sa.column("id", sa.Integer()),
    sa.column("season", sa.Integer()),
    sa.column("round", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("payload", sa.JSON()),
)


def _kind(season: int, round: int, payload: dict) -> str:
    trained_until = str((payload.get("model") or {}).get("trained_until") or "")
    last_season, _, last_round = trained_until.partition(":")
    if not last_season.isdigit():
        return "forecast"
    seen = (int(last_season), int(last_round) if last_round.isdigit() else 99)
    return "in_sample" if seen >= (season, round) else "forecast"


def upgrade() -> None:
    op.add_column(
        "predictions",
        sa.Column("kind", sa.String(16), nullable=False, server_default="forecast"),
    )
    op.create_index("ix_predictions_kind", "predictions", ["kind"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            PREDICTIONS.c.id, PREDICTIONS.c.season, PREDICTIONS.c.round, PREDICTIONS.c.payload
        )
    ).all()
    for row_id, season, round, payload in rows:
        document = payload if isinstance(payload, dict) else json.loads(payload)
        kind = _kind(season, round, document)
        bind.execute(
            PREDICTIONS.update()
            .where(PREDICTIONS.c.id == row_id)
            .values(kind=kind, payload={**document, "kind": kind})
        )


def downgrade() -> None:
    op.drop_index("ix_predictions_kind", "predictions")
    op.drop_column("predictions", "kind")
