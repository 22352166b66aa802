"""The pipeline: ingest → update → build → train → predict → evaluate, as one run.

The DAG is a chain (each step reads what the previous one wrote), so it is executed in
order and stops at the first failure; the failed step and the ones after it can be run
again alone with ``retry``. Steps run in this process, or — ``distributed=True`` with
Redis configured — on Celery workers, this process only sending each step and watching
the ledger (state lives in the app database, not in Redis, so a Redis restart loses
nothing a run needs). Ctrl-C marks the step and the run ``interrupted``; every step's
own writes are atomic, so nothing half-written is left behind.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from undercut.config import Settings
from undercut.errors import InputError, NotFoundError
from undercut.jobs import ledger
from undercut.jobs.executor import Notify, StepBusy, execute_step
from undercut.jobs.options import JobOptions, job_options
from undercut.jobs.steps import PIPELINE, STEPS

RETRYABLE = frozenset({"failed", "interrupted", "pending", "queued", "running"})


@dataclass
class RunReport:
    run_id: str
    status: str
    steps: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def check_steps(names: Sequence[str]) -> list[str]:
    """Validate step names and put them in pipeline order."""
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise InputError(f"unknown step(s) {', '.join(unknown)}; steps are {', '.join(PIPELINE)}")
    return [n for n in PIPELINE if n in set(names)]


def retry_plan(settings: Settings, run_id: str) -> tuple[str, list[str], dict[str, Any]]:
    """The steps of an earlier run that did not finish, to be run again alone."""
    run = ledger.get_run(settings, run_id)
    steps = [s["name"] for s in run["steps"] if s["status"] in RETRYABLE]
    if not steps:
        raise InputError(f"run {run['id']} has no failed or unfinished step to retry")
    return run["id"], steps, dict(run.get("params") or {})


def run_pipeline(
    settings: Settings,
    steps: Sequence[str] | None = None,
    *,
    trigger: str = "cli",
    params: dict[str, Any] | None = None,
    distributed: bool = False,
    retry_of: str | None = None,
    notify: Notify | None = None,
    options: JobOptions | None = None,
    run_id: str | None = None,
) -> RunReport:
    """Execute the pipeline (or some of its steps) as one recorded run."""
    options = options or job_options()
    names = check_steps(list(steps) if steps else list(PIPELINE))
    if distributed and not settings.redis_url:
        raise InputError("--distributed needs UNDERCUT_REDIS_URL (the queue workers read)")
    if run_id is None:
        run_id = ledger.create_run(
            settings,
            names,
            trigger=trigger,
            params=params or {},
            distributed=distributed,
            retry_of=retry_of,
        )
    ledger.start_run(settings, run_id)
    report = RunReport(run_id, "running")
    dispatcher = _CeleryDispatcher(settings, options) if distributed else None
    try:
        for name in names:
            if dispatcher is not None:
                status = dispatcher.run(run_id, name, notify)
            else:
                status = _run_here(settings, run_id, name, options, notify)
            report.steps[name] = status
            if status in ("failed", "interrupted"):
                row = ledger.step_row(settings, run_id, name)
                report.error = f"{name}: {row.error if row else status}"
                report.status = "failed" if status == "failed" else "interrupted"
                break
        else:
            report.status = "succeeded"
    except KeyboardInterrupt:
        ledger.finish_run(settings, run_id, "interrupted", "interrupted by the user")
        raise
    ledger.finish_run(settings, run_id, report.status, report.error)
    return report


def _run_here(
    settings: Settings, run_id: str, name: str, options: JobOptions, notify: Notify | None
) -> str:
    while True:
        try:
            return execute_step(settings, run_id, name, options=options, notify=notify).status
        except StepBusy:
            time.sleep(options.heartbeat_seconds)


class _CeleryDispatcher:
    """Sends a step to the queue and follows it in the ledger until it ends."""

    def __init__(self, settings: Settings, options: JobOptions) -> None:
        from undercut.jobs.worker import send_step

        self.settings = settings
        self.options = options
        self._send = send_step

    def run(self, run_id: str, name: str, notify: Notify | None) -> str:
        say = notify or (lambda *_: None)
        ledger.mark_queued(self.settings, run_id, name, None)
        self._send(self.settings, run_id, name, self.options)
        say(name, "queued", f"on queue {self.options.queue}")
        sent_at = time.monotonic()
        seen = "queued"
        stale = 3 * self.options.heartbeat_seconds
        while True:
            row = ledger.step_row(self.settings, run_id, name)
            if row is None:
                raise NotFoundError(f"run {run_id}: step {name} vanished from the ledger")
            if row.status in ledger.TERMINAL_STEP:
                say(name, row.status, _detail(row))
                return row.status
            if row.status != seen:
                seen = row.status
                say(name, row.status, f"on {row.worker}")
            waited = time.monotonic() - sent_at
            heartbeat_age = (
                (ledger.utcnow() - row.heartbeat_at).total_seconds() if row.heartbeat_at else 0.0
            )
            lost_queued = row.status == "queued" and waited > self.options.requeue_after
            lost_running = row.status == "running" and heartbeat_age > max(
                stale, self.options.visibility_timeout + stale
            )
            if lost_queued or lost_running:
                # The message was lost (a broker without persistence restarted) or its
                # worker died long ago: send it again; a duplicate only acknowledges.
                self._send(self.settings, run_id, name, self.options)
                sent_at = time.monotonic()
                say(name, "queued", "sent again")
            time.sleep(0.2)


def _detail(row: Any) -> str:
    if row.error:
        return str(row.error)
    outputs = row.outputs or {}
    return str(outputs.get("reason") or outputs.get("model_version") or outputs.get("status") or "")
