"""Celery over Redis: workers on any machine execute pipeline steps and backtest seasons.

A task carries only (settings overrides, run id, step name); everything else — what the
step saw, what it produced, whether it already ran — lives in the ledger. Tasks are
acknowledged *late* (after the step is recorded) and rejected when their worker dies, so
a worker killed mid-step leaves the message in Redis; after the visibility timeout another
worker receives it, finds the step ``running`` with a stale heartbeat, takes it over and
completes it once. A duplicate delivery of a finished step only acknowledges.
"""

from __future__ import annotations

import time
from typing import Any

from celery import Celery, Task
from kombu.exceptions import OperationalError

from undercut.config import Settings, get_settings
from undercut.errors import InputError
from undercut.jobs import ledger
from undercut.jobs.executor import StepBusy, execute_step
from undercut.jobs.options import JobOptions, job_options

STEP_TASK = "undercut.step"
BACKTEST_TASK = "undercut.backtest_season"

# What a worker needs to open the same home and database as the sender.
_FORWARDED = (
    "database_url",
    "redis_prefix",
    "jolpica_url",
    "jolpica_limits",
    "archive",
    "cache_dir",
    "http_timeout",
    "http_retries",
    "openf1_url",
    "openmeteo_url",
)


def settings_overrides(settings: Settings) -> dict[str, Any]:
    """The settings a task carries: the home (absolute) and the sources it reads."""
    home = settings.home if settings.home_is_remote else str(settings.local_dir)
    given = {name: getattr(settings, name) for name in _FORWARDED}
    return {"home": home, **{k: v for k, v in given.items() if v is not None}}


def make_celery(settings: Settings, options: JobOptions | None = None) -> Celery:
    """A Celery app bound to ``UNDERCUT_REDIS_URL`` and the configured queue."""
    options = options or job_options()
    if not settings.redis_url:
        raise InputError(
            "UNDERCUT_REDIS_URL is not set: workers and --distributed need Redis "
            "(without it, `undercut run` executes every step in-process)"
        )
    app = Celery("undercut", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=options.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options={
            "global_keyprefix": settings.redis_prefix,
            "visibility_timeout": options.visibility_timeout,
            "unacked_restore_interval": max(1, int(options.visibility_timeout / 4)),
            "unacked_restore_throttle": 1,
        },
        task_publish_retry=True,
        task_publish_retry_policy={
            "max_retries": 30,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 2.0,
        },
    )
    _register_tasks(app, options)
    return app


def _register_tasks(app: Celery, options: JobOptions) -> None:
    @app.task(
        name=STEP_TASK, bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True
    )
    def run_step(self: Task, overrides: dict[str, Any], run_id: str, name: str) -> str:
        settings = get_settings(**overrides)
        try:
            outcome = execute_step(settings, run_id, name, task_id=self.request.id, options=options)
        except StepBusy as exc:
            raise self.retry(countdown=options.heartbeat_seconds, exc=exc) from exc
        if (ledger.run_row(settings, run_id) or _NoRun).kind != "pipeline":
            ledger.settle_run(settings, run_id)
        return outcome.status

    @app.task(
        name=BACKTEST_TASK, bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True
    )
    def backtest_season(self: Task, overrides: dict[str, Any], run_id: str, name: str) -> str:
        settings = get_settings(**overrides)
        try:
            outcome = execute_step(settings, run_id, name, task_id=self.request.id, options=options)
        except StepBusy as exc:
            raise self.retry(countdown=options.heartbeat_seconds, exc=exc) from exc
        return outcome.status


_SENDERS: dict[tuple[str, str, str], Celery] = {}


def _sender(settings: Settings, options: JobOptions) -> Celery:
    key = (settings.redis_url or "", settings.redis_prefix, options.queue)
    if key not in _SENDERS:
        _SENDERS[key] = make_celery(settings, options)
    return _SENDERS[key]


class _NoRun:
    kind = "pipeline"


def send_step(
    settings: Settings,
    run_id: str,
    name: str,
    options: JobOptions | None = None,
    *,
    task: str = STEP_TASK,
) -> str:
    """Put one step on the queue (retrying while Redis is briefly unreachable)."""
    options = options or job_options()
    app = _sender(settings, options)
    deadline = time.monotonic() + 60
    while True:
        try:
            result = app.send_task(
                task, args=[settings_overrides(settings), run_id, name], queue=options.queue
            )
            return str(result.id)
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
