"""predictions: the weekend stage each prediction was made at

A prediction stored before the stages existed was made on its basis alone: ``grid`` when
the grid was known (basis ``qualifying``), else ``pre-weekend`` (form, no practice). The
payload gets the same ``stage``.

Revision ID: predictions_0003
Revises: predictions_0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "predictions_0003"
down_revision = "predictions_0002"
branch_labels = None
depends_on = None

PREDICTIONS = sa.table(
    "predictions",
    sa.column("id", sa.Integer()),
    sa.column("basis", sa.String()),
    sa.column("stage", sa.String()),
    sa.column("payload", sa.JSON()),
)


def upgrade() -> None:
    op.add_column(
        "predictions",
        sa.Column("stage", sa.String(32), nullable=False, server_default="pre-weekend"),
    )
    op.create_index("ix_predictions_stage", "predictions", ["stage"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(PREDICTIONS.c.id, PREDICTIONS.c.basis, PREDICTIONS.c.payload)
    ).all()
    for row_id, basis, payload in rows:
        document = payload if isinstance(payload, dict) else json.loads(payload)
        stage = "grid" if basis == "qualifying" else "pre-weekend"
        bind.execute(
            PREDICTIONS.update()
            .where(PREDICTIONS.c.id == row_id)
            .values(stage=stage, payload={**document, "stage": stage})
        )


def downgrade() -> None:
    op.drop_index("ix_predictions_stage", "predictions")
    op.drop_column("predictions", "stage")
