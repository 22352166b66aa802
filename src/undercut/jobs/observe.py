"""What the service tells monitoring about the pipeline: job metrics and staleness.

Figures are read from the run ledger at scrape time (one grouped query), so they cover
every process that runs steps — the command line, the scheduler, workers on other
machines — not only the API process that serves ``/metrics``. With Redis, the Celery
queue's length, the live workers and the task outcomes come from there
(``undercut.jobs.telemetry``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from undercut.appdb.ledger import Run, RunStep
from undercut.config import Settings
from undercut.jobs import ledger
from undercut.jobs.options import job_options
from undercut.jobs.telemetry import queue_figures

log = logging.getLogger(__name__)

# The data each source-reading step brings in: its last good run is that source's freshness.
SOURCE_STEPS = {"ingest": "archive", "update": "jolpica"}
# A step that found nothing new still read its source successfully.
READ_OK = ("succeeded", "skipped")
INFERENCE_STEP = "predict"
INFERENCE_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


def _epoch(value: datetime | None) -> float | None:
    return value.replace(tzinfo=UTC).timestamp() if value else None


def step_figures(settings: Settings) -> list[dict[str, Any]]:
    """Per step name and status: count, total seconds, newest end."""
    with ledger.session(settings) as db:
        rows = db.execute(
            select(
                RunStep.name,
                RunStep.status,
                func.count(),
                func.sum(RunStep.seconds),
                func.max(RunStep.finished_at),
            )
            .where(RunStep.finished_at.is_not(None))
            .group_by(RunStep.name, RunStep.status)
        ).all()
    return [
        {
            "step": r[0],
            "status": r[1],
            "count": int(r[2]),
            "seconds": float(r[3] or 0.0),
            "last": r[4],
        }
        for r in rows
    ]


def inference_seconds(settings: Settings) -> list[float]:
    """How long each successful predict step took (features, model, stored document)."""
    with ledger.session(settings) as db:
        return [
            float(s or 0.0)
            for s in db.scalars(
                select(RunStep.seconds).where(
                    RunStep.name == INFERENCE_STEP,
                    RunStep.status == "succeeded",
                    RunStep.seconds.is_not(None),
                )
            )
        ]


def _histogram(name: str, documentation: str, values: list[float]) -> HistogramMetricFamily:
    buckets = [
        (str(bound), float(sum(1 for v in values if v <= bound))) for bound in INFERENCE_BUCKETS
    ]
    buckets.append(("+Inf", float(len(values))))
    family = HistogramMetricFamily(name, documentation)
    family.add_metric([], buckets, float(sum(values)))
    return family


def last_pipeline(settings: Settings) -> dict[str, Any]:
    """The newest finished pipeline run and the newest successful one."""
    with ledger.session(settings) as db:
        last = db.scalars(
            select(Run)
            .where(Run.kind == "pipeline", Run.finished_at.is_not(None))
            .order_by(Run.finished_at.desc())
            .limit(1)
        ).first()
        ok = db.scalars(
            select(Run)
            .where(Run.kind == "pipeline", Run.status == "succeeded")
            .order_by(Run.finished_at.desc())
            .limit(1)
        ).first()
        return {
            "last": (last.id, last.status, last.finished_at) if last else None,
            "success": (ok.id, ok.finished_at) if ok else None,
        }


class JobCollector(Collector):
    """Prometheus collector over the ledger (registered once per app)."""

    def __init__(self, settings: Settings, redis: Any = None) -> None:
        self.settings = settings
        self.redis = redis

    def collect(self) -> Iterator[Metric]:
        yield from self._celery()
        try:
            figures = step_figures(self.settings)
            pipeline = last_pipeline(self.settings)
            inference = inference_seconds(self.settings)
        except SQLAlchemyError:
            return
        runs = CounterMetricFamily(
            "undercut_job_steps", "Finished pipeline steps by status.", labels=["step", "status"]
        )
        failures = CounterMetricFamily(
            "undercut_job_step_failures", "Failed or interrupted steps.", labels=["step"]
        )
        seconds = CounterMetricFamily(
            "undercut_job_step_seconds", "Total seconds spent in steps that ran.", labels=["step"]
        )
        durations = GaugeMetricFamily(
            "undercut_job_step_mean_seconds",
            "Mean duration of a step that ran (succeeded or failed).",
            labels=["step"],
        )
        last_ok = GaugeMetricFamily(
            "undercut_job_step_last_success_timestamp_seconds",
            "When each step last succeeded (Unix time).",
            labels=["step"],
        )
        sources = GaugeMetricFamily(
            "undercut_data_source_age_seconds",
            "Seconds since each source was last read successfully (archive: the ingest "
            "step, jolpica: the update step; a run that found nothing new counts).",
            labels=["source"],
        )
        newest: dict[str, datetime] = {}
        by_step: dict[str, dict[str, float]] = {}
        for row in figures:
            source = SOURCE_STEPS.get(row["step"])
            if source and row["status"] in READ_OK and row["last"] is not None:
                newest[source] = max(newest.get(source, row["last"]), row["last"])
            runs.add_metric([row["step"], row["status"]], row["count"])
            entry = by_step.setdefault(row["step"], {"failed": 0, "seconds": 0.0, "ran": 0})
            if row["status"] in ("failed", "interrupted"):
                entry["failed"] += row["count"]
            if row["status"] in ("succeeded", "failed"):
                entry["seconds"] += row["seconds"]
                entry["ran"] += row["count"]
            if row["status"] == "succeeded" and row["last"] is not None:
                last_ok.add_metric([row["step"]], _epoch(row["last"]) or 0.0)
        for step, entry in sorted(by_step.items()):
            failures.add_metric([step], entry["failed"])
            seconds.add_metric([step], entry["seconds"])
            if entry["ran"]:
                durations.add_metric([step], entry["seconds"] / entry["ran"])
        now = ledger.utcnow()
        for source, last in sorted(newest.items()):
            sources.add_metric([source], (now - last).total_seconds())
        yield from (runs, failures, seconds, durations, last_ok, sources)
        yield _histogram(
            "undercut_inference_duration_seconds",
            "Time to produce a race prediction (the predict step: features, model, stored "
            "document), every successful one in the run ledger.",
            inference,
        )
        age = GaugeMetricFamily(
            "undercut_pipeline_last_success_age_seconds",
            "Seconds since a pipeline run last succeeded.",
        )
        if pipeline["success"] is not None:
            age.add_metric([], (ledger.utcnow() - pipeline["success"][1]).total_seconds())
        yield age

    def _celery(self) -> Iterator[Metric]:
        """Queue length, live workers and task outcomes (only with Redis)."""
        if self.redis is None:
            return
        queue = job_options().queue
        depth = GaugeMetricFamily(
            "undercut_job_queue_depth", "Steps waiting in the Celery queue.", labels=["queue"]
        )
        workers = GaugeMetricFamily(
            "undercut_job_workers", "`undercut worker` processes with a current heartbeat."
        )
        tasks = CounterMetricFamily(
            "undercut_job_tasks",
            "Celery tasks finished by the workers, by task and outcome (the step's status, "
            "error, retried, revoked).",
            labels=["task", "outcome"],
        )
        try:
            figures = queue_figures(self.redis, self.settings.redis_prefix, queue)
        except Exception as exc:  # Redis down: /metrics still answers
            log.warning("queue figures unavailable: %s", exc)
        else:
            depth.add_metric([queue], figures["queue_depth"])
            workers.add_metric([], figures["workers"])
            for (task, outcome), count in sorted(figures["outcomes"].items()):
                tasks.add_metric([task, outcome], count)
        yield from (depth, workers, tasks)


def pipeline_health(settings: Settings) -> dict[str, Any]:
    """``/health``'s pipeline check: degraded when no run succeeded for ``stale_hours``."""
    options = job_options()
    pipeline = last_pipeline(settings)
    result: dict[str, Any] = {"status": "ok", "stale_after_hours": options.stale_hours}
    if pipeline["last"] is not None:
        run_id, status, finished = pipeline["last"]
        result["last_run"] = {
            "id": run_id,
            "status": status,
            "finished_at": finished.replace(tzinfo=UTC).isoformat(),
        }
    if pipeline["success"] is None:
        result["last_success"] = None
        result["detail"] = "no pipeline run has succeeded yet"
        if pipeline["last"] is not None:
            result["status"] = "degraded"
        return result
    run_id, finished = pipeline["success"]
    hours = (ledger.utcnow() - finished).total_seconds() / 3600
    result["last_success"] = {
        "id": run_id,
        "finished_at": finished.replace(tzinfo=UTC).isoformat(),
        "age_hours": round(hours, 2),
    }
    if hours > options.stale_hours:
        result["status"] = "degraded"
        result["detail"] = (
            f"stale: the pipeline last succeeded {hours:.1f} h ago "
            f"(more than {options.stale_hours:g} h)"
        )
    return result
