"""``/api/v1/admin/jobs``: admins trigger update, build or train and follow the job.

A job is a run of one step recorded in the ledger. With ``UNDERCUT_REDIS_URL`` it is put on
the queue for ``undercut worker`` processes; without Redis it runs in a background thread
of the API process. Either way the answer comes at once with the job id, and
``GET /api/v1/admin/jobs/{id}`` tells its state.
"""

from __future__ import annotations

import logging
import threading
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, status

from undercut.api.deps import AdminUser, SettingsDep
from undercut.api.errors import ADMIN_RESPONSES
from undercut.config import Settings
from undercut.errors import NotFoundError
from undercut.jobs import ledger

router = APIRouter(prefix="/admin/jobs", tags=["admin"], responses=ADMIN_RESPONSES)
log = logging.getLogger("undercut.api.jobs")


class JobStep(StrEnum):
    update = "update"
    build = "build"
    train = "train"


def _run_here(settings: Settings, run_id: str, step: str) -> None:
    from undercut.jobs.pipeline import run_pipeline

    try:
        run_pipeline(settings, [step], run_id=run_id, trigger="api")
    except Exception:  # recorded in the ledger by the executor; never kill the server
        log.exception("job %s (%s) crashed", run_id, step)
        ledger.finish_run(settings, run_id, "failed", "the job crashed; see the server log")


@router.post("/{step}", status_code=status.HTTP_202_ACCEPTED)
def start_job(step: JobStep, settings: SettingsDep, user: AdminUser) -> dict[str, Any]:
    """Start an update, build or train job; returns its id at once (202)."""
    distributed = bool(settings.redis_url)
    run_id = ledger.create_run(
        settings,
        [step.value],
        kind="job",
        trigger="api",
        distributed=distributed,
        params={"requested_by": user.name},
    )
    if distributed:
        from undercut.jobs.worker import send_step

        ledger.mark_queued(settings, run_id, step.value, None)
        task_id = send_step(settings, run_id, step.value)
        ledger.mark_queued(settings, run_id, step.value, task_id)
    else:
        threading.Thread(
            target=_run_here,
            args=(settings, run_id, step.value),
            name=f"job-{run_id[:8]}",
            daemon=True,
        ).start()
    return {
        "id": run_id,
        "step": step.value,
        "status": "queued",
        "distributed": distributed,
        "url": f"/api/v1/admin/jobs/{run_id}",
    }


@router.get("/{job_id}", responses={404: {}})
def job(job_id: str, settings: SettingsDep, user: AdminUser) -> dict[str, Any]:
    """A job's state (queued, running, succeeded, failed) with its step's outputs."""
    found = ledger.get_run(settings, job_id)
    if found["kind"] != "job":
        raise NotFoundError(f"job {job_id!r}: no such job (it is a {found['kind']} run)")
    return found
