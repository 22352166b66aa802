"""``undercut backtest``: walk-forward evaluation of the model against the baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from undercut.cli.common import (
    HomeOption,
    SinceOption,
    err_console,
    out_console,
    settings_for,
    step_spinner,
)
from undercut.errors import InputError

# metric -> (column header, decimals); short headers keep the table in 80 columns
SHOWN = {
    "winner_log_loss": ("win LL", 3),
    "win_brier": ("win Br", 3),
    "top1_hit": ("top-1", 3),
    "podium_brier": ("pod Br", 4),
    "points_brier": ("pts Br", 4),
    "spearman": ("rho", 3),
    "mae_position": ("MAE", 2),
}


def metrics_table(result: dict[str, Any]) -> Table:
    """Every model's mean metrics over the backtest, one row per model."""
    table = Table(
        title=f"walk-forward {result['from']}-{result['to']}: {result['races']} races "
        f"in {result['seconds']:.1f}s",
        title_justify="left",
        caption="win LL: winner log loss; Br: Brier score; rho: Spearman; MAE: expected position",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("model", no_wrap=True)
    for label, _ in SHOWN.values():
        table.add_column(label, justify="right", no_wrap=True)
    for key, model in result["models"].items():
        table.add_row(key, *(f"{model[name]:.{places}f}" for name, (_, places) in SHOWN.items()))
    return table


def _stages(names: list[str]) -> tuple[str, ...]:
    from undercut.features.stages import STAGES

    if "all" in names:
        return STAGES
    unknown = [name for name in names if name not in STAGES]
    if unknown:
        raise InputError(f"--stage {unknown[0]!r}: unknown stage; one of all, {', '.join(STAGES)}")
    return tuple(dict.fromkeys(names))


def _writable(path: Path | None, option: str) -> None:
    if path is not None and (path.is_dir() or not path.parent.exists()):
        raise InputError(f"{option} {path}: not a file in an existing directory")


def backtest(
    start: Annotated[
        int,
        typer.Option(
            "--from", metavar="SEASON", help="First season predicted.", show_default=False
        ),
    ],
    end: Annotated[
        int | None,
        typer.Option(
            "--to",
            metavar="SEASON",
            help="Last season predicted. Default: the latest season with results.",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE.html",
            help="Write a standalone HTML report (calibration curves, per-season "
            "metrics, model comparison).",
            show_default=False,
        ),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option(
            "--json", metavar="FILE", help="Write the full result as JSON.", show_default=False
        ),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            metavar="STAGE",
            help="Also score the forecast after this weekend stage (pre-weekend, fp1, fp2, "
            "fp3, sprint-qualifying, sprint, qualifying, grid); repeat it, or 'all' for "
            "every stage in one report.",
            show_default=False,
        ),
    ] = None,
    since: SinceOption = None,
    home: HomeOption = None,
) -> None:
    """Walk-forward backtest: every race of seasons FROM..TO predicted as if live.

    With --stage, the forecast after each weekend stage is scored too, on every race: a
    stage a weekend lacks (FP2 and FP3 on a sprint weekend) counts as the latest stage
    run before it, which is the forecast a user would have had at that point. A stage worse
    than the stage before it on winner log loss or podium Brier is named under the table.

    At each season start the model is retrained on all earlier seasons (calibration on
    the two before) and the baselines (grid-slot rates, Elo, a grid + form logistic) are
    refitted; then every race of the season is predicted from features known before its
    start. Prints winner log loss, win Brier, top-1 accuracy, podium and points Brier,
    Spearman rank correlation and MAE of the expected position for each model; the result
    is also stored for the API.

    Examples: undercut backtest --from 2022 --to 2025 --report backtest.html;
    undercut backtest --from 2022 --stage all --json stages.json
    """
    from undercut.cli.train import model_params
    from undercut.ml.backtest import run_backtest, stage_shortfalls
    from undercut.ml.report import write_report

    _writable(report, "--report")
    _writable(json_path, "--json")
    stages = _stages(stage or [])
    settings = settings_for(home)
    with step_spinner("backtest") as on_step:
        result = run_backtest(
            settings, start, end, params=model_params(since), on_step=on_step, stages=stages
        )
    out_console().print(metrics_table(result))
    for note in stage_shortfalls(result):
        out_console().print(note, highlight=False)
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
        err_console().print(f"result → {json_path}", highlight=False)
    if report is not None:
        write_report(result, report)
        err_console().print(f"report → {report}", highlight=False)
