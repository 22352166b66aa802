"""Two baselines kept beside the model, so its figures always have a yardstick.

- **grid slot**: the empirical rates of winning, podium, points and the mean finishing place
  of each starting slot over earlier seasons, normalised per race. What you would say
  knowing only the grid.
- **Elo**: driver plus team Elo as a score, through the same calibrated Plackett-Luce
  mapping as the model (temperatures fitted on earlier seasons only). The ratings are the
  fast-moving form ratings (K = 128, ``features.build.FORM_ELO``), not the warehouse's
  K = 32 Elo: a baseline should be the best of its simple kind, and over 2022-2025 the
  slow ratings lag every change of pecking order (winner log loss 1.849 and top-1 0.36,
  against 1.518 and 0.50).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from undercut.ml.calibrate import (
    POINTS,
    RaceProbabilities,
    Temperatures,
    fit_temperatures,
    normalise_capped,
    per_race,
    race_probabilities,
)
from undercut.ml.model import training_rows

GRID_SEASONS = 10
ELO_SEASONS = 10
PIT_LANE_SLOT = 0
LAST_SLOT = 21  # slots 21+ are pooled: few cars ever started there
PRIOR_WEIGHT = 5.0


def _slot(grid: pd.Series) -> np.ndarray:
    return np.clip(grid.fillna(LAST_SLOT).to_numpy(dtype=np.float64), 0, LAST_SLOT).astype(int)


@dataclass(frozen=True)
class GridSlotBaseline:
    """Per-slot rates (index = slot; 0 = pit lane) learnt from earlier seasons."""

    win: np.ndarray
    podium: np.ndarray
    points: np.ndarray
    mean_position: np.ndarray

    @classmethod
    def fit(cls, frame: pd.DataFrame, cutoff: int) -> GridSlotBaseline:
        first = cutoff // 100 - GRID_SEASONS
        rows = training_rows(frame, cutoff, first)
        slot = _slot(rows["grid"])
        pos = rows["position_order"].to_numpy(dtype=np.float64)

        def rate(hit: np.ndarray) -> np.ndarray:
            hits = np.bincount(slot, weights=hit.astype(float), minlength=LAST_SLOT + 1)
            count = np.bincount(slot, minlength=LAST_SLOT + 1)
            prior = hit.mean()
            return (hits + PRIOR_WEIGHT * prior) / (count + PRIOR_WEIGHT)

        return cls(
            win=rate(pos == 1),
            podium=rate(pos <= 3),
            points=rate(pos <= POINTS),
            mean_position=rate(pos),
        )

    def predict(self, race: pd.DataFrame) -> RaceProbabilities:
        slot = _slot(race["grid"])
        n = len(race)
        return RaceProbabilities(
            p_win=normalise_capped(self.win[slot], 1.0),
            p_podium=normalise_capped(self.podium[slot], min(3, n)),
            p_points=normalise_capped(self.points[slot], min(POINTS, n)),
            expected_position=self.mean_position[slot],
        )


def elo_scores(race: pd.DataFrame) -> np.ndarray:
    """Driver plus team form rating, in hundreds of Elo points."""
    return (race["driver_form_elo"] + race["team_form_elo"]).to_numpy(dtype=np.float64) / 100.0


@dataclass(frozen=True)
class EloBaseline:
    temperatures: Temperatures

    @classmethod
    def fit(cls, frame: pd.DataFrame, cutoff: int) -> EloBaseline:
        rows = training_rows(frame, cutoff, cutoff // 100 - ELO_SEASONS)
        return cls(fit_temperatures(per_race(rows, elo_scores(rows))))

    def predict(self, race: pd.DataFrame, seed: int = 0) -> RaceProbabilities:
        return race_probabilities(elo_scores(race), self.temperatures, seed=seed)
