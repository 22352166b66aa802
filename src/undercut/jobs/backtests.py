"""Backtests split by season: each season is a step, so workers backtest seasons in parallel.

A walk-forward backtest retrains the model at the start of every season and predicts that
season only, so seasons are independent units of work. A backtest run records one step per
season (``backtest:2023``) holding that season's figures; when every season is done the
figures are merged into one report — the same shape ``undercut backtest`` writes — and
stored in the model registry.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from undercut.config import Settings
from undercut.errors import InputError
from undercut.jobs import ledger
from undercut.jobs.executor import Notify, StepBusy, execute_step
from undercut.jobs.options import JobOptions, job_options
from undercut.jobs.steps import BACKTEST_PREFIX


def _bin(predicted: float, bins: int = 10) -> int:
    return int(min(bins - 1, max(0, np.floor(predicted * bins))))


def _merge_curves(curves: Sequence[list[dict[str, float]]]) -> list[dict[str, float]]:
    """Calibration bins of several seasons as one curve (count-weighted means per bin)."""
    merged: dict[int, dict[str, float]] = {}
    for curve in curves:
        for point in curve:
            slot = merged.setdefault(
                _bin(point["predicted"]), {"predicted": 0.0, "observed": 0.0, "count": 0}
            )
            slot["predicted"] += point["predicted"] * point["count"]
            slot["observed"] += point["observed"] * point["count"]
            slot["count"] += point["count"]
    return [
        {
            "predicted": v["predicted"] / v["count"],
            "observed": v["observed"] / v["count"],
            "count": int(v["count"]),
        }
        for _, v in sorted(merged.items())
        if v["count"]
    ]


def merge_results(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One backtest report from per-season reports (races weigh equally, as in one run)."""
    results = sorted(results, key=lambda r: r["from"])
    per_race = [row for r in results for row in r["per_race"]]
    first = results[0]
    models: dict[str, Any] = {}
    for name, info in first["models"].items():
        rows = [row for row in per_race if row["model"] == name]
        means = {
            metric: float(np.mean([row[metric] for row in rows]))
            for metric in first["metrics"]
            if rows and metric in rows[0]
        }
        models[name] = {"label": info.get("label", name), **means}
    calibration = {
        name: {
            kind: _merge_curves([r["calibration"][name][kind] for r in results])
            for kind in first["calibration"][name]
        }
        for name in first["calibration"]
    }
    return {
        **first,
        "from": first["from"],
        "to": results[-1]["to"],
        "races": sum(int(r["races"]) for r in results),
        "seconds": round(sum(float(r.get("seconds") or 0) for r in results), 2),
        "models": models,
        "seasons": [s for r in results for s in r["seasons"]],
        "per_race": per_race,
        "calibration": calibration,
        "split": "by season",
    }


def run_backtests(
    settings: Settings,
    start: int,
    end: int,
    *,
    distributed: bool = False,
    store: bool = True,
    options: JobOptions | None = None,
    notify: Notify | None = None,
    trigger: str = "cli",
) -> tuple[str, dict[str, Any] | None]:
    """Backtest seasons ``start``..``end`` as one recorded run, one step per season.

    With ``distributed`` every season is queued at once and workers take them in
    parallel; otherwise they run here one after another. Returns the run id and the merged
    report (``None`` when a season failed; the run's error names it).
    """
    options = options or job_options()
    if end < start:
        raise InputError(f"backtest: --to {end} is before --from {start}")
    if distributed and not settings.redis_url:
        raise InputError("--distributed needs UNDERCUT_REDIS_URL (the queue workers read)")
    names = [f"{BACKTEST_PREFIX}{season}" for season in range(start, end + 1)]
    run_id = ledger.create_run(
        settings,
        names,
        kind="backtest",
        trigger=trigger,
        distributed=distributed,
        params={"from": start, "to": end},
    )
    ledger.start_run(settings, run_id)
    try:
        if distributed:
            _run_on_workers(settings, run_id, names, options, notify)
        else:
            for name in names:
                while True:
                    try:
                        execute_step(settings, run_id, name, options=options, notify=notify)
                        break
                    except StepBusy:
                        time.sleep(options.heartbeat_seconds)
    except KeyboardInterrupt:
        ledger.finish_run(settings, run_id, "interrupted", "interrupted by the user")
        raise
    rows = [ledger.step_row(settings, run_id, name) for name in names]
    failed = [r for r in rows if r is None or r.status != "succeeded"]
    if failed:
        first = failed[0]
        error = f"{first.name}: {first.error or first.status}" if first else "step missing"
        ledger.finish_run(settings, run_id, "failed", error)
        return run_id, None
    report = merge_results([r.outputs["result"] for r in rows if r is not None])
    if store:
        from undercut.ml.registry import Registry

        Registry.from_settings(settings).save_backtest(report)
    ledger.finish_run(settings, run_id, "succeeded")
    return run_id, report


def _run_on_workers(
    settings: Settings, run_id: str, names: list[str], options: JobOptions, notify: Notify | None
) -> None:
    from undercut.jobs.worker import BACKTEST_TASK, send_step

    say = notify or (lambda *_: None)
    for name in names:
        ledger.mark_queued(settings, run_id, name, None)
        send_step(settings, run_id, name, options, task=BACKTEST_TASK)
        say(name, "queued", f"on queue {options.queue}")
    open_steps = set(names)
    while open_steps:
        for name in sorted(open_steps):
            row = ledger.step_row(settings, run_id, name)
            if row is not None and row.status in ledger.TERMINAL_STEP:
                open_steps.discard(name)
                say(name, row.status, row.error or "")
        time.sleep(0.2)
