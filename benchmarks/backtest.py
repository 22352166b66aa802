"""The full walk-forward backtest, 2022 -> 2025 round 18, for the model and the baselines.

Prints every model's metrics (winner log loss, win Brier, top-1, podium and points Brier,
Spearman, MAE of the expected position), their spread over several seeds (LightGBM's
subsampling and the Plackett-Luce sampling), the targets, and the time one backtest takes
(target: under 2 minutes). Nothing here is tuned on the seasons it reports.

    python benchmarks/backtest.py [--home HOME] [--archive DIR] [--seeds N] [--until S:R]

Without ``--home`` a temporary home is ingested from ``--archive`` (default: the shared
test data) and built first (not timed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from undercut.config import get_settings, test_data_dir
from undercut.features.build import build_features
from undercut.features.entries import race_index
from undercut.features.inputs import load_inputs
from undercut.ml.backtest import run_backtest_frame
from undercut.ml.model import ModelParams
from undercut.ml.train import parse_race

HEADLINE = ("winner_log_loss", "top1_hit", "podium_brier", "spearman")
# The goal for the undercut model; it is compared with the simplest model that knows both
# the grid and the pecking order too, the grid + form logistic baseline, measured in the
# same run.
TARGETS = {"winner_log_loss": 1.18, "top1_hit": 0.60, "podium_brier": 0.063, "spearman": 0.68}
ANCHOR = "grid_logistic"
HIGHER_IS_BETTER = {"top1_hit", "spearman"}


def _home(args: argparse.Namespace, scratch: Path) -> str:
    if args.home:
        return str(args.home)
    from undercut.ingest.archive import ingest_archive
    from undercut.warehouse.build import build_gold

    settings = get_settings(home=str(scratch / "home"))
    ingest_archive(settings, str(args.archive))
    build_gold(settings)
    return settings.home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--archive", type=Path, default=test_data_dir() / "ergast")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--from", dest="start", type=int, default=2022)
    parser.add_argument("--until", default="2025:18")
    args = parser.parse_args()
    season, rnd = parse_race(args.until)

    with tempfile.TemporaryDirectory() as scratch:
        settings = get_settings(home=_home(args, Path(scratch)))
        results = []
        for seed in range(args.seeds):
            wall, cpu = time.perf_counter(), time.process_time()
            frame, _ = build_features(load_inputs(settings))
            frame = frame[frame["race_idx"] <= race_index(season, rnd)]
            result = run_backtest_frame(frame, args.start, season, ModelParams(seed=seed))
            result["wall"] = time.perf_counter() - wall
            result["cpu"] = time.process_time() - cpu
            results.append(result)
            print(
                f"seed {seed}: {result['races']} races, {result['wall']:.1f}s wall, "
                f"{result['cpu']:.1f}s CPU",
                flush=True,
            )

    first = results[0]
    metrics = list(first["metrics"])
    print(
        f"\nwalk-forward {args.start} -> {args.until}: {first['races']} races, "
        f"seed 0 (os.cpu_count()={os.cpu_count()})"
    )
    print(f"{'model':20s}" + "".join(f"{m:>17s}" for m in metrics))
    for name, values in first["models"].items():
        print(f"{name:20s}" + "".join(f"{values[m]:17.4f}" for m in metrics))

    print(f"\nmean +- sd over {len(results)} seeds (headline metrics)")
    print(f"{'model':20s}" + "".join(f"{m:>22s}" for m in HEADLINE))
    for name in first["models"]:
        cells = []
        for metric in HEADLINE:
            values = [r["models"][name][metric] for r in results]
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(f"{statistics.mean(values):.4f} +- {sd:.4f}")
        print(f"{name:20s}" + "".join(f"{c:>22s}" for c in cells))

    print(f"\nundercut model (lightgbm, mean over seeds) against the goal and {ANCHOR}")
    for metric in HEADLINE:
        value = statistics.mean(r["models"]["lightgbm"][metric] for r in results)
        anchor = statistics.mean(r["models"][ANCHOR][metric] for r in results)
        goal = TARGETS[metric]
        if metric in HIGHER_IS_BETTER:
            met, beats = value >= goal, value > anchor
        else:
            met, beats = value <= goal, value < anchor
        print(
            f"  {metric:16s} {value:.4f}  goal {goal:<6} {'MET' if met else 'short':5s}  "
            f"{ANCHOR} {anchor:.4f} {'beaten' if beats else 'NOT beaten'}"
        )
    walls = [r["wall"] for r in results]
    print(
        f"\none backtest: {statistics.mean(walls):.1f}s wall (min {min(walls):.1f}s), "
        f"{statistics.mean(r['cpu'] for r in results):.1f}s CPU; target < 120s"
    )


if __name__ == "__main__":
    main()
