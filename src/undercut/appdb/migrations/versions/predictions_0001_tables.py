"""predictions: stored race predictions and their accuracy

Revision ID: predictions_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "predictions_0001"
down_revision = None
branch_labels = ("predictions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_index("ix_predictions_season", "predictions", ["season"])
    op.create_index("ix_predictions_model_version", "predictions", ["model_version"])
    op.create_table(
        "prediction_accuracy",
        sa.Column(
            "prediction_id",
            sa.Integer(),
            sa.ForeignKey("predictions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("winner_log_loss", sa.Float(), nullable=False),
        sa.Column("win_brier", sa.Float(), nullable=False),
        sa.Column("top1_hit", sa.Float(), nullable=False),
        sa.Column("podium_brier", sa.Float(), nullable=False),
        sa.Column("points_brier", sa.Float(), nullable=False),
        sa.Column("spearman", sa.Float(), nullable=False),
        sa.Column("mae_position", sa.Float(), nullable=False),
    )
    op.create_index("ix_prediction_accuracy_season", "prediction_accuracy", ["season"])
    op.create_index(
        "ix_prediction_accuracy_model_version", "prediction_accuracy", ["model_version"]
    )


def downgrade() -> None:
    op.drop_table("prediction_accuracy")
    op.drop_table("predictions")
