"""``undercut train``: fit, calibrate, export and register a model version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from undercut.cli.common import HomeOption, SinceOption, err_console, settings_for, step_spinner

if TYPE_CHECKING:
    from undercut.ml.model import ModelParams


def model_params(since: int | None) -> ModelParams:
    from undercut.ml.model import ModelParams

    return ModelParams() if since is None else ModelParams(min_season=since)


def train(
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="S:R",
            help="Train on finished races up to season:round (e.g. 2025:17); a bare season "
            "means its last round. Default: every finished race.",
            show_default=False,
        ),
    ] = None,
    since: SinceOption = None,
    home: HomeOption = None,
) -> None:
    """Train the race model and register it as a new version in the model registry.

    Two LightGBM rankers (after qualifying, and before it) are fitted on every finished
    race of the window, their probability mapping is calibrated on the window's last two
    seasons, and both are exported to ONNX; a pace logit fitted on the last ten seasons is
    averaged with each. The version, with its feature list, training
    window, data snapshot hash and calibration metrics, lands in models/ on the lake;
    `undercut predict` uses the newest version unless told otherwise.

    Example: undercut train --until 2025:17
    """
    from undercut.ml.registry import Registry
    from undercut.ml.train import train as train_model

    settings = settings_for(home)
    with step_spinner("train") as on_step:
        version = train_model(settings, until, params=model_params(since), on_step=on_step)
    meta = Registry.from_settings(settings).meta(version)
    calibration = meta.get("calibration_metrics", {}).get("qualifying", {})
    summary = ""
    if calibration:
        summary = (
            f"; calibration seasons: winner log loss {calibration['winner_log_loss']:.3f}, "
            f"top-1 {calibration['top1_hit']:.3f}"
        )
    err_console().print(
        f"registered model {version}: trained on {meta['train_from']}-{meta['trained_until']} "
        f"({meta['training_rows']:,} rows){summary}",
        highlight=False,
    )
    typer.echo(version)
