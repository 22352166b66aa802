"""Knobs of the pipeline, the scheduler and the workers (``UNDERCUT_JOB_*``).

They live apart from the core settings because only operators tune them, usually per
machine (a worker's queue, a scheduler's cadence); every field is set in the environment,
e.g. ``UNDERCUT_JOB_QUEUE=weekend``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class JobOptions(BaseSettings):
    """Pipeline, scheduler and worker options."""

    model_config = SettingsConfigDict(env_prefix="UNDERCUT_JOB_", extra="ignore")

    queue: str = Field(default="undercut", description="Celery queue steps are sent to.")
    visibility_timeout: float = Field(
        default=3600.0,
        description="Seconds before Redis hands an unacknowledged step to another worker.",
    )
    heartbeat_seconds: float = Field(
        default=5.0, description="How often a running step proves it is alive."
    )
    requeue_after: float = Field(
        default=120.0,
        description="Seconds a queued step may wait unclaimed before it is sent again.",
    )
    model_max_age_days: float = Field(
        default=7.0, description="Retrain after this many days even without new results."
    )
    stale_hours: float = Field(
        default=36.0, description="/health calls the pipeline stale after this long."
    )
    interval_minutes: float = Field(
        default=15.0, description="Race weekends: minutes between runs after a session."
    )
    window_hours: float = Field(
        default=3.0, description="Race weekends: how long after a session ends to keep polling."
    )
    daily_hour: int = Field(default=6, description="Outside race weekends: UTC hour of the run.")
    jitter_seconds: float = Field(
        default=90.0, description="Random delay added to each scheduled run."
    )
    model_params: dict[str, Any] = Field(
        default_factory=dict,
        description='Hyper-parameters of the train step as JSON, e.g. {"min_season": 2010}.',
    )


def job_options(**overrides: Any) -> JobOptions:
    """Options from the environment; ``None`` overrides are ignored (unset CLI flags)."""
    return JobOptions(**{k: v for k, v in overrides.items() if v is not None})
