"""``undercut worker``: a Celery worker that executes pipeline steps sent over Redis."""

from __future__ import annotations

from typing import Annotated

import typer

from undercut.cli.common import HomeOption, settings_for


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Steps executed at once.", min=1)
    ] = 1,
    queue: Annotated[
        str | None,
        typer.Option(
            "--queue", "-Q", help="Queue to consume. Env: UNDERCUT_JOB_QUEUE.", show_default=False
        ),
    ] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Celery log level.")] = "INFO",
    home: HomeOption = None,
) -> None:
    """Execute pipeline steps sent over Redis (needs UNDERCUT_REDIS_URL).

    Steps come from `undercut run --distributed`, `undercut schedule --distributed`, the
    admin job endpoints and `undercut run --backtest --distributed` (one season per task).

    Each task names its home, so one worker serves any home it can reach (a shared
    directory or s3://). State goes to the run ledger in the app database
    (UNDERCUT_DATABASE_URL, shared by every machine). A worker killed mid-step leaves the
    step to be taken over by another worker once its heartbeat is stale.

    Examples:
      UNDERCUT_REDIS_URL=redis://127.0.0.1:6379/0 undercut worker
      undercut worker --concurrency 2 --queue weekend
    """
    from undercut.jobs.options import job_options
    from undercut.jobs.telemetry import WorkerTelemetry
    from undercut.jobs.worker import make_celery

    settings = settings_for(home)
    options = job_options(queue=queue)
    app = make_celery(settings, options)
    WorkerTelemetry(settings).connect()  # outcomes and a heartbeat in Redis, for /metrics
    pool = "solo" if concurrency == 1 else "prefork"
    app.worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            "-Q",
            options.queue,
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--hostname=undercut-{options.queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
