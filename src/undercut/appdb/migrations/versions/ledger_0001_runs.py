"""Run ledger: runs, their steps, and database-backed job locks.

Revision ID: ledger_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = None
branch_labels = ("ledger",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("distributed", sa.Boolean, nullable=False),
        sa.Column("retry_of", sa.String(32), nullable=True),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_table(
        "run_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("inputs_hash", sa.String(64), nullable=True),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("worker", sa.String(255), nullable=True),
        sa.Column("task_id", sa.String(64), nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("heartbeat_at", sa.DateTime, nullable=True),
        sa.Column("seconds", sa.Float, nullable=True),
        sa.UniqueConstraint("run_id", "name", name="uq_run_steps_run_name"),
    )
    op.create_index("ix_run_steps_run_id", "run_steps", ["run_id"])
    op.create_index("ix_run_steps_name", "run_steps", ["name"])
    op.create_index("ix_run_steps_status", "run_steps", ["status"])
    op.create_index("ix_run_steps_inputs_hash", "run_steps", ["inputs_hash"])
    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("acquired_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_job_locks_expires_at", "job_locks", ["expires_at"])


def downgrade() -> None:
    op.drop_table("job_locks")
    op.drop_table("run_steps")
    op.drop_table("runs")
