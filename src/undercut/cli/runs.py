"""``undercut runs``: the run ledger — what ran, when, on what inputs, with what result."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    emit,
    err_console,
    out_console,
    settings_for,
)


def runs(
    run_id: Annotated[
        str | None,
        typer.Argument(
            help="Show one run (an id or a unique prefix) with every step's "
            "inputs, outputs and error.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many runs to list.")] = 20,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only runs with this status (succeeded, failed, running, interrupted, queued).",
            show_default=False,
        ),
    ] = None,
    lineage: Annotated[
        str | None,
        typer.Option(
            "--lineage",
            metavar="PREDICTION",
            help="Which data and which model "
            "produced a prediction: its id, or SEASON:ROUND for the newest one.",
            show_default=False,
        ),
    ] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List pipeline runs, newest first, or show one run or a prediction's lineage.

    Every `undercut run`, scheduled run, admin job and retry is recorded with its steps:
    start and end, status, the hashes of what each step read, what it produced (row
    counts, model version, prediction ids) and the error text of a failure.

    Examples:
      undercut runs
      undercut runs 3f2a9c --format json
      undercut runs --lineage 2025:19
    """
    from undercut.jobs import ledger
    from undercut.jobs.lineage import prediction_lineage

    settings = settings_for(home)
    if lineage:
        document = prediction_lineage(settings, lineage)
        pid = (document["prediction"] or {}).get("id")
        rows = [
            {
                "step": s["name"],
                "run": s["run_id"][:12],
                "status": s["status"],
                "finished": s["finished_at"],
                "inputs": s["inputs_hash"][:12] if s["inputs_hash"] else "",
            }
            for s in document["steps"]
        ]
        if rows or fmt is not OutputFormat.table:
            emit(rows, fmt, title=f"lineage of prediction {pid}", document=document)
        if document["reason"] and fmt is OutputFormat.table:
            out_console().print(document["reason"], highlight=False, soft_wrap=True)
        return
    if run_id:
        document = ledger.get_run(settings, run_id)
        rows = [
            {
                "step": s["name"],
                "status": s["status"],
                "attempts": s["attempts"],
                "seconds": s["seconds"],
                "inputs": (s["inputs_hash"] or "")[:12],
                "detail": s["error"] or s["outputs"].get("reason") or _brief(s["outputs"]),
            }
            for s in document["steps"]
        ]
        emit(rows, fmt, title=f"run {document['id']} ({_status(document)})", document=document)
        return
    total, items = ledger.list_runs(settings, limit=limit, status=status)
    if fmt is OutputFormat.json:
        emit([], fmt, document={"total": total, "limit": limit, "offset": 0, "items": items})
        return
    rows = [
        {
            "run": r["id"][:12],
            "created": (r["created_at"] or "")[:16].replace("T", " "),
            "kind": r["kind"],
            "trigger": r["trigger"],
            "status": _status(r),
            "seconds": r["seconds"],
            "steps": " ".join(f"{s['name']}{_MARK.get(s['status'], '?')}" for s in r["steps"]),
            "error": _short(r["error"]),
        }
        for r in items
    ]
    if not rows and fmt is OutputFormat.table:
        err_console().print("no runs recorded yet; start one with `undercut run`")
        return
    emit(rows, fmt, title=f"{len(rows)} of {total} runs")
    if fmt is OutputFormat.table and total > len(rows):
        out_console().print(f"(newest {len(rows)}; --limit to see more)")


_MARK = {
    "succeeded": "✓",
    "skipped": "-",
    "unavailable": "∅",
    "failed": "✗",
    "interrupted": "!",
    "pending": "·",
    "queued": "…",
    "running": "▶",
}


def _status(run: dict[str, Any]) -> str:
    """``failed (abandoned)`` for a run whose process died; the status otherwise."""
    return f"{run['status']} (abandoned)" if run.get("abandoned") else str(run["status"])


def _short(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _brief(outputs: dict[str, object]) -> str:
    for key in ("model_version", "status", "evaluated"):
        if outputs.get(key) is not None:
            return f"{key}={outputs[key]}"
    return ""
