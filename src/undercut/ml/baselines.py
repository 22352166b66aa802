"""Three baselines kept beside the model, so its figures always have a yardstick.

- **grid slot**: the empirical rates of winning, podium, points and the mean finishing place
  of each starting slot over earlier seasons, normalised per race. What you would say
  knowing only the grid.
- **Elo**: driver plus team Elo as a score, through the same calibrated Plackett-Luce
  mapping as the model (temperatures fitted on earlier seasons only). The ratings are the
  fast-moving form ratings (K = 128, ``features.build.FORM_ELO``), not the warehouse's
  K = 32 Elo: a baseline should be the best of its simple kind, and over 2022-2025 the
  slow ratings lag every change of pecking order (winner log loss 1.849 and top-1 0.36,
  against 1.518 and 0.50).
- **grid + form logistic**: for every k, a logistic regression of finishing in the top k
  on where the car starts (log grid slot, pit-lane start) and the driver's and team's form
  ratings relative to the field's best, normalised per race. The simplest model that knows
  both the grid and the pecking order: what the model must beat to earn its trees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from undercut.ml import conditional_logit
from undercut.ml.calibrate import (
    PODIUM,
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
LOGISTIC_SEASONS = 10
LOGISTIC_INPUTS = ("log_grid", "pit_lane", "driver_form_elo_rel", "team_form_elo_rel")


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


@dataclass(frozen=True)
class LogisticBaseline:
    """One logistic regression per k = 1, 2, ...: P(finishing in the top k).

    Per race the chances of each k are scaled to sum to k (``normalise_capped``), which
    gives ``p_win``, ``p_podium`` and ``p_points`` directly and the expected place as
    ``1 + sum over k of P(finishing below k)``. Fields larger than any of the training
    window reuse its last regression. Each k is fitted and scaled on its own, so unlike the
    model's, a driver's ``p_win <= p_podium <= p_points`` is not enforced (and rarely
    broken: for one driver in 2025's first 18 races).
    """

    top_k: tuple[LogisticRegression, ...]

    @classmethod
    def fit(cls, frame: pd.DataFrame, cutoff: int) -> LogisticBaseline:
        rows = training_rows(frame, cutoff, cutoff // 100 - LOGISTIC_SEASONS)
        inputs = conditional_logit.inputs(rows, None, LOGISTIC_INPUTS)
        place = rows["position_order"].to_numpy(dtype=np.float64)
        largest = int(rows.groupby("race_idx")["driver_id"].count().max())
        return cls(
            tuple(
                LogisticRegression(max_iter=1000).fit(inputs, place <= k) for k in range(1, largest)
            )
        )

    def predict(self, race: pd.DataFrame) -> RaceProbabilities:
        n = len(race)
        if n == 1:
            return RaceProbabilities.sole_starter()
        inputs = conditional_logit.inputs(race, None, LOGISTIC_INPUTS)
        top = [
            normalise_capped(self.top_k[min(k, len(self.top_k)) - 1].predict_proba(inputs)[:, 1], k)
            for k in range(1, n)
        ]
        return RaceProbabilities(
            p_win=top[0],
            p_podium=top[PODIUM - 1] if n > PODIUM else np.ones(n),
            p_points=top[POINTS - 1] if n > POINTS else np.ones(n),
            expected_position=1.0 + np.sum([1.0 - p for p in top], axis=0),
        )
