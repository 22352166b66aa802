"""``undercut schedule``: run the pipeline by itself, following the race calendar."""

from __future__ import annotations

from typing import Annotated

import typer

from undercut.cli.common import HomeOption, err_console, settings_for


def schedule(
    step: Annotated[
        list[str] | None,
        typer.Option(
            "--step", "-s", help="Run only this step in each slot (repeatable).", show_default=False
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run the slot that is due now (if any) and exit.")
    ] = False,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Send the steps to Celery workers over "
            "UNDERCUT_REDIS_URL instead of running them here.",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Run the pipeline on the race calendar until stopped (Ctrl-C).

    Outside race weekends it runs once a day at UNDERCUT_JOB_DAILY_HOUR (UTC); after
    qualifying, a sprint and the race it runs every UNDERCUT_JOB_INTERVAL_MINUTES for
    UNDERCUT_JOB_WINDOW_HOURS. Each run waits a random jitter (UNDERCUT_JOB_JITTER_SECONDS).
    A slot missed while no scheduler was up runs at start. Several schedulers may run at
    once (for redundancy): each slot is claimed through a lock (Redis when
    UNDERCUT_REDIS_URL is set, else the app database), so exactly one of them runs it.

    Examples:
      undercut schedule
      UNDERCUT_JOB_INTERVAL_MINUTES=5 undercut schedule --distributed
      undercut schedule --once --step update --step build
    """
    from undercut.jobs.pipeline import check_steps, run_pipeline
    from undercut.jobs.schedule import Slot, make_scheduler

    settings = settings_for(home)
    names = check_steps(step) if step else None
    console = err_console()

    def say(message: str) -> None:
        console.print(message, highlight=False, soft_wrap=True)

    def run_slot(slot: Slot) -> str:
        report = run_pipeline(
            settings, names, trigger="schedule", params={"slot": slot.key}, distributed=distributed
        )
        say(
            f"run {report.run_id[:12]} {report.status}"
            + (f": {report.error}" if report.error else "")
        )
        return report.status

    scheduler = make_scheduler(settings, run_slot, say=say)
    try:
        scheduler.serve(once=once)
    except KeyboardInterrupt:
        say("scheduler stopped; the step that was running is recorded as interrupted")
        raise typer.Exit(130) from None
