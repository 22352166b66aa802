"""The run ledger: every pipeline run and job, every step, what went in and what came out.

A run is one execution of the pipeline (``undercut run``, the scheduler, an admin job or a
retry); a step row records one step of it with its input hashes (what it was a function
of), its outputs (row counts, model version, prediction ids) and, on failure, the error
text. Lineage questions ("which data and which model produced this prediction?") are
answered by walking these rows, so they are written by whoever executes the step: the
command line, the scheduler or a worker on another machine.

``job_locks`` holds the database flavour of the scheduler/step locks, used when no Redis
is configured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from undercut.appdb.base import Base

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "interrupted")
STEP_STATUSES = (
    "pending",
    "queued",
    "running",
    "succeeded",
    "skipped",
    "failed",
    "unavailable",
    "interrupted",
)


class Run(Base):
    """One pipeline run or job."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="pipeline")
    trigger: Mapped[str] = mapped_column(String(32), default="cli")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    distributed: Mapped[bool] = mapped_column(default=False)
    retry_of: Mapped[str | None] = mapped_column(String(32), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class RunStep(Base):
    """One step of a run: inputs, outputs, timing, status and the error if it failed."""

    __tablename__ = "run_steps"
    __table_args__ = (UniqueConstraint("run_id", "name", name="uq_run_steps_run_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("runs.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(255), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)


class JobLock(Base):
    """A named lease: held by ``owner`` until ``expires_at`` (database-backed locks)."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
