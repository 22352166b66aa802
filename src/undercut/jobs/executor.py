"""Run one step of one run, wherever it is executed (command line, scheduler, worker).

The sequence is the same everywhere: claim the step in the ledger (so a redelivered task
or a second worker does not run it twice), take the step's lease (so two runs never run
the same step at once; a writer to the warehouse also takes the warehouse lease), plan,
skip or execute, and record the outcome. A heartbeat thread keeps the claim and the leases
alive while the step works; if the process dies the heartbeat stops and, after
three heartbeats, another worker may take the step over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from undercut.config import Settings
from undercut.errors import UndercutError
from undercut.jobs import ledger, locks
from undercut.jobs.options import JobOptions, job_options
from undercut.jobs.steps import Plan, StepContext, step_for

log = logging.getLogger("undercut.jobs")

Notify = Callable[[str, str, str], None]


class StepBusy(Exception):
    """Another live worker is executing this step right now."""


@dataclass
class Outcome:
    status: str
    detail: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class _Heartbeat:
    """Renews the ledger claim and the leases until stopped."""

    def __init__(
        self,
        settings: Settings,
        run_id: str,
        name: str,
        worker: str,
        leases: list[locks.Lease],
        every: float,
    ) -> None:
        self._stop = threading.Event()
        self._args = (settings, run_id, name, worker)
        self._leases = leases
        self._every = every
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"heartbeat-{name}")

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            try:
                ledger.heartbeat(*self._args)
                for held in list(self._leases):
                    held.renew()
            except locks.TRANSIENT_ERRORS as exc:  # Redis or the DB restarting: try again
                log.warning("heartbeat of %s failed: %s", self._args[2], exc)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _release(held: locks.Lease) -> None:
    """Give a lease back; if Redis or the database is unreachable it simply expires."""
    try:
        held.release()
    except locks.TRANSIENT_ERRORS as exc:
        log.warning("could not release lease %s (it will expire): %s", held.name, exc)


def _take(settings: Settings, name: str, options: JobOptions) -> locks.Lease:
    held = locks.lease(settings, name, ttl=max(3 * options.heartbeat_seconds, 5.0))
    locks.acquire_waiting(held, wait=None)
    return held


def execute_step(
    settings: Settings,
    run_id: str,
    name: str,
    *,
    task_id: str | None = None,
    options: JobOptions | None = None,
    notify: Notify | None = None,
) -> Outcome:
    """Claim, plan, run and record one step; returns its final status.

    Raises:
        StepBusy: a live worker holds the step (the caller should try again later).
        KeyboardInterrupt: re-raised after the step is recorded as ``interrupted``.
    """
    options = options or job_options()
    worker = worker_name()
    stale_after = 3 * options.heartbeat_seconds
    claim, status = ledger.claim_step(
        settings, run_id, name, worker=worker, task_id=task_id, stale_after=stale_after
    )
    if claim is ledger.Claim.done:
        return Outcome(status or "succeeded", "already finished")
    if claim is ledger.Claim.missing:
        return Outcome("failed", f"run {run_id} has no step {name}")
    if claim is ledger.Claim.busy:
        raise StepBusy(f"{name} of run {run_id} is running elsewhere")
    ledger.start_run(settings, run_id)
    step = step_for(name)
    run = ledger.run_row(settings, run_id)
    ctx = StepContext(settings, options, run_id, dict(run.params if run else {}))
    say = notify or (lambda *_: None)
    plan: Plan | None = None
    started = time.perf_counter()
    try:
        with ExitStack() as stack:
            # The heartbeat starts before the wait for the leases: a step queued behind
            # another run's lease is alive, not abandoned. It renews the leases taken.
            leases: list[locks.Lease] = []
            stack.enter_context(
                _Heartbeat(settings, run_id, name, worker, leases, options.heartbeat_seconds)
            )
            say(name, "waiting", "for the step lock")
            leases.append(_take(settings, f"step:{name}", options))
            stack.callback(_release, leases[-1])
            if step.writes_warehouse:
                leases.append(_take(settings, "warehouse", options))
                stack.callback(_release, leases[-1])
            say(name, "planning", step.summary)
            plan = step.plan(ctx)
            if plan.skip:
                ledger.finish_step(
                    settings,
                    run_id,
                    name,
                    worker=worker,
                    status="skipped",
                    inputs=plan.inputs,
                    outputs={"reason": plan.skip},
                )
                say(name, "skipped", plan.skip)
                return Outcome("skipped", plan.skip)
            say(name, "running", step.summary)
            outputs = step.execute(ctx, plan)
    except (KeyboardInterrupt, SystemExit):
        ledger.finish_step(
            settings,
            run_id,
            name,
            worker=worker,
            status="interrupted",
            inputs=plan.inputs if plan else {},
            error="interrupted",
        )
        say(name, "interrupted", "")
        raise
    except UndercutError as exc:
        return _failed(settings, run_id, name, worker, plan, str(exc), say)
    except Exception as exc:  # a bug in an area's code: recorded, the run fails cleanly
        log.debug("step %s of run %s crashed", name, run_id, exc_info=True)
        return _failed(settings, run_id, name, worker, plan, f"{type(exc).__name__}: {exc}", say)
    outputs["seconds"] = round(time.perf_counter() - started, 3)
    ledger.finish_step(
        settings,
        run_id,
        name,
        worker=worker,
        status="succeeded",
        inputs=plan.inputs,
        outputs=outputs,
    )
    say(name, "succeeded", _describe(outputs))
    return Outcome("succeeded", _describe(outputs))


def _failed(
    settings: Settings,
    run_id: str,
    name: str,
    worker: str,
    plan: Plan | None,
    error: str,
    say: Notify,
) -> Outcome:
    ledger.finish_step(
        settings,
        run_id,
        name,
        worker=worker,
        status="failed",
        inputs=plan.inputs if plan else {},
        error=error,
    )
    say(name, "failed", error)
    return Outcome("failed", error)


def _describe(outputs: dict[str, Any]) -> str:
    if outputs.get("favourites"):
        odds = ", ".join(f"{f['code']} {f['p_win']:.0%}" for f in outputs["favourites"])
        return f"{outputs['race']} ({outputs['basis']}): {odds} to win"
    for key in ("model_version", "status"):
        if outputs.get(key):
            extra = f", {outputs['rows']:,} rows" if isinstance(outputs.get("rows"), int) else ""
            return f"{key.replace('_', ' ')} {outputs[key]}{extra}"
    if "evaluated" in outputs:
        return f"{outputs['evaluated']} predictions evaluated"
    return ""
