"""`undercut backtest`: walk-forward over a real season, JSON and HTML outputs, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from support.homes import copy_home
from undercut.cli import main
from undercut.config import Settings
from undercut.ml.backtest import MODELS
from undercut.ml.metrics import METRICS
from undercut.ml.registry import Registry

# one worker trains the session's model once for every module of this folder
pytestmark = pytest.mark.xdist_group("ml")


def test_backtest_one_season(
    built_settings: Settings,
    ml_frame: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    starters = int(((ml_frame["season"] == 2024) & ml_frame["position_order"].notna()).sum())
    settings = copy_home(built_settings, tmp_path / "home")
    out, report = tmp_path / "bt.json", tmp_path / "bt.html"
    code = main(
        [
            "backtest",
            "--from",
            "2024",
            "--to",
            "2024",
            "--since",
            "2016",
            "--json",
            str(out),
            "--report",
            str(report),
            "--home",
            str(settings.home),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "walk-forward 2024-2024: 24 races" in captured.out
    for name in MODELS:
        assert name in captured.out
    result = json.loads(out.read_text())
    assert (result["from"], result["to"], result["races"]) == (2024, 2024, 24)
    assert set(result["models"]) == set(MODELS)
    assert len(result["per_race"]) == 24 * len(MODELS)
    # walk-forward: the model predicting 2024 saw nothing of 2024
    assert result["windows"] == [
        {**result["windows"][0], "season": 2024, "train_from": 2016, "trained_until": "2023:22"}
    ]
    for name in MODELS:
        metrics = result["models"][name]
        assert set(METRICS) <= set(metrics)
        assert 0.0 <= metrics["top1_hit"] <= 1.0
        assert 0.0 < metrics["winner_log_loss"] < 5.0
        curve = result["calibration"][name]["win"]
        assert sum(point["count"] for point in curve) == starters  # every 2024 starter once
    # the grid knows something: a pole-sitter wins far more often than 1 in 20
    assert result["models"]["grid_slot"]["top1_hit"] > 0.3
    assert Registry.from_settings(settings).latest_backtest()["races"] == 24
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Calibration" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2031"], "no finished race in those seasons"),
        (["--from", "2024", "--to", "2023"], "--to 2023 is before --from 2024"),
        (["--from", "2024", "--report", "/nonexistent/dir/r.html"], "--report"),
        (["--to", "2024"], "--from"),
    ],
)
def test_backtest_bad_inputs(
    built_settings: Settings, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backtest", *args, "--home", str(built_settings.home)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
