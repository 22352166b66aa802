"""Reading and writing the run ledger (tables in ``undercut.appdb.ledger``).

Every state change is a short transaction of its own, so a run watched from another
process (``undercut runs``, the API, the coordinator of a distributed run) sees progress
as it happens, and a process killed mid-step leaves the ledger consistent: the step stays
``running`` with an old heartbeat, which is how the next worker knows it may take over.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from undercut.appdb.base import session_factory
from undercut.appdb.ledger import Run, RunStep
from undercut.config import Settings
from undercut.errors import NotFoundError
from undercut.jobs.options import JobOptions, job_options

TERMINAL_STEP = frozenset({"succeeded", "skipped", "failed", "unavailable", "interrupted"})
DONE_STEP = frozenset({"succeeded", "skipped", "unavailable"})
TERMINAL_RUN = frozenset({"succeeded", "failed", "interrupted"})
OPEN_RUN = ("queued", "running")
LIVE_STEP = ("queued", "running")
ABANDONED = "abandoned"

_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def utcnow() -> datetime:
    """Naive UTC, the convention of every timestamp in the app database."""
    return datetime.now(UTC).replace(tzinfo=None)


def inputs_digest(inputs: dict[str, Any]) -> str:
    """A stable hash of a step's inputs: equal inputs, equal digest, skipped step."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def ensure_schema(settings: Settings) -> None:
    """Migrate the app database once per process (two processes racing are tolerated)."""
    url = settings.app_database_url
    if url in _migrated:
        return
    from undercut.appdb import migrate

    with _migrate_lock:
        if url in _migrated:
            return
        try:
            migrate.upgrade(settings)
        except (OperationalError, ProgrammingError):
            # Another process created the tables between our check and our DDL; its
            # migration has finished or will, and a second pass sees it at head.
            import time

            time.sleep(0.5)
            migrate.upgrade(settings)
        _migrated.add(url)


@contextmanager
def session(settings: Settings) -> Iterator[Session]:
    ensure_schema(settings)
    with session_factory(settings)() as db, db.begin():
        yield db


def create_run(
    settings: Settings,
    steps: list[str],
    *,
    kind: str = "pipeline",
    trigger: str = "cli",
    distributed: bool = False,
    params: dict[str, Any] | None = None,
    retry_of: str | None = None,
) -> str:
    """Record a new run and one ``pending`` row per step; returns the run id."""
    run_id = uuid.uuid4().hex
    now = utcnow()
    with session(settings) as db:
        db.add(
            Run(
                id=run_id,
                kind=kind,
                trigger=trigger,
                status="queued",
                steps=list(steps),
                distributed=distributed,
                retry_of=retry_of,
                params=params or {},
                host=socket.gethostname(),
                created_at=now,
            )
        )
        db.flush()
        for position, name in enumerate(steps):
            db.add(
                RunStep(
                    run_id=run_id,
                    name=name,
                    position=position,
                    status="pending",
                    attempts=0,
                    inputs={},
                    outputs={},
                )
            )
    return run_id


def start_run(settings: Settings, run_id: str) -> None:
    with session(settings) as db:
        db.execute(
            update(Run)
            .where(Run.id == run_id, Run.started_at.is_(None))
            .values(started_at=utcnow())
        )
        db.execute(
            update(Run).where(Run.id == run_id, Run.status == "queued").values(status="running")
        )


def finish_run(settings: Settings, run_id: str, status: str, error: str | None = None) -> None:
    with session(settings) as db:
        db.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(status=status, finished_at=utcnow(), error=error)
        )


def settle_run(settings: Settings, run_id: str) -> str | None:
    """Close a run whose steps are all done (used when no coordinator watches it).

    Returns the final status, or ``None`` while steps are still open.
    """
    with session(settings) as db:
        run = db.get(Run, run_id)
        if run is None or run.status in TERMINAL_RUN:
            return run.status if run else None
        steps = db.scalars(select(RunStep).where(RunStep.run_id == run_id)).all()
        failed = [s for s in steps if s.status in ("failed", "interrupted")]
        if failed:
            status, error = failed[0].status, f"{failed[0].name}: {failed[0].error or 'failed'}"
        elif all(s.status in DONE_STEP for s in steps):
            status, error = "succeeded", None
        else:
            return None
        run.status, run.error, run.finished_at = status, error, utcnow()
        return status


def mark_queued(settings: Settings, run_id: str, name: str, task_id: str | None) -> None:
    with session(settings) as db:
        db.execute(
            update(RunStep)
            .where(
                RunStep.run_id == run_id,
                RunStep.name == name,
                RunStep.status.in_(("pending", "queued")),
            )
            .values(status="queued", task_id=task_id, started_at=None, heartbeat_at=utcnow())
        )


class Claim(StrEnum):
    claimed = "claimed"
    done = "done"
    busy = "busy"
    missing = "missing"


def claim_step(
    settings: Settings,
    run_id: str,
    name: str,
    *,
    worker: str,
    task_id: str | None,
    stale_after: float,
) -> tuple[Claim, str | None]:
    """Atomically take a step for execution.

    A step is claimable when it has not started, or when it is ``running`` but its
    heartbeat is older than ``stale_after`` seconds (its worker died). Returns
    ``(done, status)`` for a finished step so a redelivered task can simply acknowledge,
    and ``busy`` while another live worker holds it.
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=stale_after)
    with session(settings) as db:
        result = db.execute(
            update(RunStep)
            .where(
                RunStep.run_id == run_id,
                RunStep.name == name,
                (RunStep.status.in_(("pending", "queued")))
                | ((RunStep.status == "running") & (RunStep.heartbeat_at < cutoff)),
            )
            .values(
                status="running",
                attempts=RunStep.attempts + 1,
                worker=worker,
                task_id=task_id,
                started_at=now,
                heartbeat_at=now,
                error=None,
            )
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return Claim.claimed, "running"
        row = db.scalars(
            select(RunStep).where(RunStep.run_id == run_id, RunStep.name == name)
        ).first()
    if row is None:
        return Claim.missing, None
    if row.status in TERMINAL_STEP:
        return Claim.done, row.status
    return Claim.busy, row.status


def heartbeat(settings: Settings, run_id: str, name: str, worker: str) -> None:
    with session(settings) as db:
        db.execute(
            update(RunStep)
            .where(
                RunStep.run_id == run_id,
                RunStep.name == name,
                RunStep.worker == worker,
                RunStep.status == "running",
            )
            .values(heartbeat_at=utcnow())
        )


def finish_step(
    settings: Settings,
    run_id: str,
    name: str,
    *,
    worker: str,
    status: str,
    inputs: dict[str, Any] | None = None,
    outputs: dict[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    """Record a step's end; only the worker holding the claim may (returns whether it did)."""
    now = utcnow()
    with session(settings) as db:
        row = db.scalars(
            select(RunStep).where(RunStep.run_id == run_id, RunStep.name == name)
        ).first()
        if row is None or row.status != "running" or row.worker != worker:
            return False
        row.status = status
        row.finished_at = now
        row.seconds = (now - row.started_at).total_seconds() if row.started_at else None
        if inputs is not None:
            row.inputs = inputs
            row.inputs_hash = inputs_digest(inputs)
        row.outputs = outputs or {}
        row.error = error
    return True


def last_success(settings: Settings, name: str) -> RunStep | None:
    """The newest step of this name that ran to completion (skips do not count)."""
    with session(settings) as db:
        return db.scalars(
            select(RunStep)
            .where(RunStep.name == name, RunStep.status == "succeeded")
            .order_by(RunStep.finished_at.desc())
            .limit(1)
        ).first()


def step_row(settings: Settings, run_id: str, name: str) -> RunStep | None:
    with session(settings) as db:
        return db.scalars(
            select(RunStep).where(RunStep.run_id == run_id, RunStep.name == name)
        ).first()


def run_row(settings: Settings, run_id: str) -> Run | None:
    with session(settings) as db:
        return db.get(Run, run_id)


def stale_after(options: JobOptions, distributed: bool) -> float:
    """Seconds without a sign of life after which a run's executor counts as gone.

    In-process (the command line, the scheduler, an admin job in the API process) the
    step's heartbeat is the executor's: three missed beats and it is dead. On workers a
    dead worker's step is handed to another one when the queue's visibility timeout
    expires, so such a run is abandoned only when that did not happen either.
    """
    beats = 3 * options.heartbeat_seconds
    return options.visibility_timeout + beats if distributed else beats


def reap_abandoned(settings: Settings, options: JobOptions | None = None) -> list[str]:
    """Mark runs whose executor died (SIGKILL, power loss) ``failed``, as abandoned.

    A run is abandoned when a step of it is ``running`` with a heartbeat older than
    :func:`stale_after`, or when no step of it is running or queued and nothing of it
    has happened for that long (its process died between steps or before the first).
    The step and the run are failed with the time they were last seen; every update is
    conditional, so a heartbeat that lands first keeps the run alive. Returns the ids of
    the runs it closed. Readers of the ledger call it, so whoever looks sees the truth.
    """
    options = options or job_options()
    now = utcnow()
    closed: list[str] = []
    with session(settings) as db:
        for run in db.scalars(select(Run).where(Run.status.in_(OPEN_RUN))).all():
            cutoff = now - timedelta(seconds=stale_after(options, run.distributed))
            steps = db.scalars(select(RunStep).where(RunStep.run_id == run.id)).all()
            live = [s for s in steps if s.status in LIVE_STEP]
            dead = [
                s
                for s in live
                if s.status == "running" and (s.heartbeat_at or s.started_at or now) < cutoff
            ]
            if live and not dead:
                continue
            if dead:
                seen = max(s.heartbeat_at or s.started_at or run.created_at for s in dead)
                for step in dead:
                    _abandon_step(db, step, cutoff)
                where = f"{dead[0].name} on {dead[0].worker}"
            else:
                seen = max(
                    [run.started_at or run.created_at]
                    + [s.finished_at for s in steps if s.finished_at is not None]
                )
                if seen >= cutoff:
                    continue
                ended = any(s.finished_at is not None for s in steps)
                where = "between steps" if ended else "before its first step"
            still_open = db.execute(
                update(Run)
                .where(
                    Run.id == run.id,
                    Run.status.in_(OPEN_RUN),
                    ~exists().where(
                        RunStep.run_id == Run.id,
                        RunStep.status == "running",
                        RunStep.heartbeat_at >= cutoff,
                    ),
                )
                .values(
                    status="failed",
                    finished_at=seen,
                    error=f"{ABANDONED}: last seen {_seen(seen)} ({where}); "
                    f"no sign of life for {stale_after(options, run.distributed):.0f}s",
                )
            )
            if still_open.rowcount == 1:  # type: ignore[attr-defined]
                closed.append(run.id)
    return closed


def _abandon_step(db: Session, step: RunStep, cutoff: datetime) -> None:
    seen = step.heartbeat_at or step.started_at
    db.execute(
        update(RunStep)
        .where(RunStep.id == step.id, RunStep.status == "running", RunStep.heartbeat_at < cutoff)
        .values(
            status="failed",
            finished_at=seen,
            seconds=(seen - step.started_at).total_seconds() if seen and step.started_at else None,
            outputs={ABANDONED: True, "last_seen_at": _iso(seen)},
            error=f"{ABANDONED}: last seen {_seen(seen)} on {step.worker}",
        )
    )


def _seen(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value else "never"


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value else None


def step_dict(step: RunStep) -> dict[str, Any]:
    return {
        "name": step.name,
        "status": step.status,
        "attempts": step.attempts,
        "started_at": _iso(step.started_at),
        "finished_at": _iso(step.finished_at),
        "seconds": round(step.seconds, 3) if step.seconds is not None else None,
        "inputs_hash": step.inputs_hash,
        "inputs": step.inputs,
        "outputs": step.outputs,
        "error": step.error,
        "worker": step.worker,
        "heartbeat_at": _iso(step.heartbeat_at),
    }


def run_dict(run: Run, steps: list[RunStep] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": run.id,
        "kind": run.kind,
        "trigger": run.trigger,
        "status": run.status,
        "distributed": run.distributed,
        "retry_of": run.retry_of,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "seconds": (
            round((run.finished_at - run.started_at).total_seconds(), 3)
            if run.finished_at and run.started_at
            else None
        ),
        "error": run.error,
        "abandoned": run.status == "failed" and ABANDONED in (run.error or ""),
        "params": run.params,
    }
    if steps is None:
        doc["steps"] = list(run.steps)
    else:
        doc["steps"] = [step_dict(s) for s in sorted(steps, key=lambda s: s.position)]
    return doc


def list_runs(
    settings: Settings,
    *,
    limit: int = 20,
    offset: int = 0,
    status: str | None = None,
    kind: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """Newest first, each run with its steps' statuses (abandoned runs closed first)."""
    reap_abandoned(settings)
    with session(settings) as db:
        query = select(Run)
        count = select(func.count()).select_from(Run)
        if status:
            query, count = query.where(Run.status == status), count.where(Run.status == status)
        if kind:
            query, count = query.where(Run.kind == kind), count.where(Run.kind == kind)
        total = int(db.scalar(count) or 0)
        runs = db.scalars(
            query.order_by(Run.created_at.desc(), Run.id).limit(limit).offset(offset)
        ).all()
        steps = db.scalars(select(RunStep).where(RunStep.run_id.in_([r.id for r in runs])))
        by_run: dict[str, list[RunStep]] = {}
        for step in steps:
            by_run.setdefault(step.run_id, []).append(step)
        return total, [run_dict(r, by_run.get(r.id, [])) for r in runs]


def get_run(settings: Settings, run_id: str) -> dict[str, Any]:
    """One run with every step's inputs, outputs and error; ``NotFoundError`` if unknown."""
    reap_abandoned(settings)
    with session(settings) as db:
        run = db.get(Run, run_id)
        if run is None:
            matches = db.scalars(select(Run).where(Run.id.startswith(run_id)).limit(2)).all()
            if len(matches) != 1:
                raise NotFoundError(f"run {run_id!r}: no such run (see `undercut runs`)")
            run = matches[0]
        steps = list(db.scalars(select(RunStep).where(RunStep.run_id == run.id)))
        return run_dict(run, steps)


def step_history(settings: Settings) -> list[RunStep]:
    """Every finished step (for metrics and health)."""
    with session(settings) as db:
        return list(db.scalars(select(RunStep).where(RunStep.finished_at.is_not(None))))
