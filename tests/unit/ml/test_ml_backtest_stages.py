"""A stage that does not beat the one before it is said so, not left for the reader to spot."""

from __future__ import annotations

from undercut.ml.backtest import stage_model, stage_shortfalls


def _result(figures: dict[str, tuple[float, float]]) -> dict:
    return {
        "models": {
            stage_model(stage): {"winner_log_loss": loss, "podium_brier": brier}
            for stage, (loss, brier) in figures.items()
        }
        | {"lightgbm": {"winner_log_loss": 0.1, "podium_brier": 0.01}}
    }


def test_a_stage_worse_than_the_one_before_is_named_with_its_figures() -> None:
    result = _result(
        {
            "fp2": (1.478, 0.0840),
            "pre-weekend": (1.481, 0.0844),
            "fp1": (1.465, 0.0841),
            "fp3": (1.447, 0.0835),
        }
    )
    assert stage_shortfalls(result) == [
        "fp2 does not beat fp1: winner log loss 1.4780 against 1.4650",
    ]


def test_level_or_better_stages_and_a_single_stage_say_nothing() -> None:
    assert stage_shortfalls(_result({"fp1": (1.5, 0.07), "fp2": (1.5, 0.07)})) == []
    assert stage_shortfalls(_result({"fp1": (1.5, 0.07), "fp2": (1.5, 0.070004)})) == []
    assert stage_shortfalls(_result({"fp3": (1.4, 0.07)})) == []
    assert stage_shortfalls({"models": {"lightgbm": {}}}) == []


def test_both_headline_metrics_are_compared() -> None:
    result = _result({"qualifying": (1.17, 0.0678), "sprint": (1.47, 0.0834), "fp3": (1.44, 0.0)})
    assert stage_shortfalls(result) == [
        "sprint does not beat fp3: winner log loss 1.4700 against 1.4400, "
        "podium Brier 0.0834 against 0.0000",
    ]
