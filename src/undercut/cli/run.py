"""``undercut run``: the whole pipeline, or some of its steps, as one recorded run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    emit,
    err_console,
    settings_for,
)
from undercut.config import Settings
from undercut.errors import InputError

_STYLE = {
    "succeeded": "green",
    "skipped": "dim",
    "unavailable": "yellow",
    "failed": "red",
    "interrupted": "red",
}


def run(
    step: Annotated[
        list[str] | None,
        typer.Option(
            "--step",
            "-s",
            help="Run only this step (repeatable): ingest, update, "
            "build, train, predict, evaluate.",
            show_default=False,
        ),
    ] = None,
    retry: Annotated[
        str | None,
        typer.Option(
            "--retry",
            metavar="RUN_ID",
            help="Run again only the failed or "
            "unfinished steps of an earlier run (see `undercut runs`).",
            show_default=False,
        ),
    ] = None,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            help="Load this archive in the ingest step (directory, "
            ".zip or URL). Without it, ingest runs only on an empty home.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run every step even if its inputs are unchanged.")
    ] = False,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Send each step to Celery workers over "
            "UNDERCUT_REDIS_URL (start them with `undercut worker`).",
        ),
    ] = False,
    backtest: Annotated[
        str | None,
        typer.Option(
            "--backtest",
            metavar="FROM[-TO]",
            help="Instead of the pipeline, "
            "backtest these seasons, one step per season (on workers with "
            "--distributed), and store the merged report.",
            show_default=False,
        ),
    ] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Run the pipeline: ingest → update → build → train → predict → evaluate.

    Each step is planned first: it is skipped when its inputs (content hashes of the
    archive and silver, the newest result, the next race's qualifying, the model version)
    are what its last successful run saw. train runs when new results arrived or the model
    is older than UNDERCUT_JOB_MODEL_MAX_AGE_DAYS; predict runs for the next race before
    qualifying and again once qualifying is known. The run stops at the first failed
    step; `--retry RUN_ID` runs that step and the ones after it again. Every run and step
    is recorded in the ledger (`undercut runs`). Ctrl-C leaves nothing half-written.

    Examples:
      undercut run --archive ../shared/data/ergast
      undercut run --step build --step train
      undercut run --retry 3f2a9c
      UNDERCUT_REDIS_URL=redis://127.0.0.1:6379/0 undercut run --distributed
      undercut run --backtest 2019-2024 --distributed
    """
    from undercut.jobs.pipeline import check_steps, retry_plan, run_pipeline

    settings = settings_for(home)
    console = err_console()
    if backtest:
        _backtest(settings, backtest, distributed, fmt)
        return
    params: dict[str, object] = {}
    retry_of = None
    names = check_steps(step) if step else None
    if retry:
        retry_of, names, params = retry_plan(settings, retry)
    if archive:
        params["archive"] = archive
    if force:
        params["force"] = True
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def notify(name: str, status: str, detail: str) -> None:
            if status in _STYLE:
                style = _STYLE[status]
                progress.console.print(
                    f"[{style}]{status:>11}[/] {name:<9} {detail}", highlight=False, soft_wrap=True
                )
            else:
                progress.update(task, description=f"{name}: {status} {detail}")

        try:
            report = run_pipeline(
                settings,
                names,
                params=params,
                distributed=distributed,
                retry_of=retry_of,
                trigger="retry" if retry else "cli",
                notify=notify,
            )
        except KeyboardInterrupt:
            console.print(
                "interrupted: the step and the run are recorded as interrupted; "
                "nothing half-written was kept"
            )
            raise typer.Exit(130) from None
    document = {
        "run_id": report.run_id,
        "status": report.status,
        "steps": report.steps,
        "error": report.error,
    }
    if fmt is OutputFormat.table:
        colour = "green" if report.status == "succeeded" else "red"
        console.print(
            f"run {report.run_id[:12]} [{colour}]{report.status}[/]"
            + (f": {report.error}" if report.error else ""),
            highlight=False,
        )
    else:
        emit([{"step": k, "status": v} for k, v in report.steps.items()], fmt, document=document)
    if report.status != "succeeded":
        raise typer.Exit(1)


def _seasons(spec: str) -> tuple[int, int]:
    start, _, end = spec.partition("-")
    if not start.isdigit() or (end and not end.isdigit()):
        raise InputError(f"--backtest {spec!r}: expected FROM or FROM-TO, e.g. 2019-2024")
    return int(start), int(end or start)


def _backtest(settings: Settings, spec: str, distributed: bool, fmt: OutputFormat) -> None:
    from undercut.jobs.backtests import run_backtests

    start, end = _seasons(spec)
    console = err_console()

    def notify(name: str, status: str, detail: str) -> None:
        if status in _STYLE or status == "queued":
            console.print(f"{status:>11} {name} {detail}", highlight=False, soft_wrap=True)

    run_id, report = run_backtests(settings, start, end, distributed=distributed, notify=notify)
    if report is None:
        raise typer.Exit(1)
    rows = [
        {
            "model": name,
            **{
                k: round(v, 4) if isinstance(v, float) else v
                for k, v in figures.items()
                if k != "label"
            },
        }
        for name, figures in report["models"].items()
    ]
    emit(
        rows,
        fmt,
        title=f"backtest {start}-{end}: {report['races']} races (run {run_id[:12]})",
        document={"run_id": run_id, **{k: v for k, v in report.items() if k != "per_race"}},
    )
