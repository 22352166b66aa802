"""The ensemble's second member: a conditional logit over a few pace and rating inputs.

Why beside the ranker: its utility is linear in inputs that measure speed directly (the
starting slot, the gap to pole, the team's and driver's gap to pole over the last five
races, fast-moving Elo ratings), its weights are fitted by maximum likelihood on the podium
stages of the last ``SEASONS`` seasons, and it follows a new pecking order sooner than trees
trained on thirty seasons. The ranker orders the midfield better. Their probabilities
averaged (``BLEND``) beat either alone on the validation seasons 2016-2021 (walk-forward,
122 races): winner log loss 1.315 against 1.327 (logit alone) and 1.340 (ranker alone),
podium Brier 0.0631 against 0.0641 and 0.0632; the weight 0.5 was chosen there, before
the seasons the backtest reports were looked at.

Once the grid is known the logit also reads the best practice gap of the weekend
(``features.stages.stage_columns``): on the same seasons, over two seeds, it lowered the
ensemble's winner log loss from 1.314 to 1.287, raised top-1 from 0.516 to 0.529 and
Spearman from 0.648 to 0.655, podium Brier 0.0631 -> 0.0629. Blending in the grid + form
logistic baseline as a third member did not help there (seed 0, a fifth of the weight:
1.316 against 1.315 without the gap, 1.292 against 1.288 with it), nor did more or fewer
``SEASONS`` (5, 8, 15) or a power on the ensemble's winning chances (0.9: 1.313).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from undercut.features.entries import PRE_QUALIFYING, QUALIFYING
from undercut.features.stages import PACE_STAGE, SPRINT, basis_of, stage_columns, stage_key
from undercut.ml import conditional_logit
from undercut.ml.calibrate import (
    RaceProbabilities,
    Temperatures,
    fit_temperatures,
    per_race,
)
from undercut.ml.calibrate import race_probabilities as sampled_probabilities

PACE_INPUTS = ("driver_form_elo_rel", "team_form_elo_rel", "team_qgap_5_rel", "driver_qgap_5_rel")
# The weekend stages between the first practice and qualifying add what they have seen:
# practice pace (best-lap gap, gap to the team-mate, long runs), the sprint qualifying gap
# and the sprint's result (``features.stages``).
STAGE_INPUTS = {
    stage: (*PACE_INPUTS, *stage_columns(stage), *(("sprint_position",) if stage == SPRINT else ()))
    for stage in PACE_STAGE
    if basis_of(stage) == PRE_QUALIFYING
}
INPUTS = {
    QUALIFYING: ("log_grid", "pit_lane", "quali_gap_pct", *PACE_INPUTS, *stage_columns(QUALIFYING)),
    PRE_QUALIFYING: PACE_INPUTS,
    **STAGE_INPUTS,
}
SEASONS = 10
# The ranker's share of the ensemble's probabilities (the logit has the rest).
BLEND = 0.5


@dataclass(frozen=True)
class RaceLogit:
    """Fitted weights (input name -> weight) and the temperatures of their utility."""

    weights: dict[str, float]
    temperatures: Temperatures

    def utility(self, rows: pd.DataFrame) -> np.ndarray:
        return conditional_logit.utility(self.weights, rows, None)

    def probabilities(self, rows: pd.DataFrame, seed: int = 0) -> RaceProbabilities:
        return sampled_probabilities(self.utility(rows), self.temperatures, seed=seed)

    def to_dict(self) -> dict[str, Any]:
        return {"weights": self.weights, "temperatures": self.temperatures.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RaceLogit:
        return cls(dict(data["weights"]), Temperatures(**data["temperatures"]))


def fit_race_logit(rows: pd.DataFrame, basis: str) -> RaceLogit:
    """Fit on the finished races of ``rows`` (sorted by race) from their last ``SEASONS``."""
    last = int(rows["season"].max())
    rows = rows[rows["season"] > last - SEASONS]
    names = INPUTS[basis]
    races = per_race(rows, conditional_logit.inputs(rows, None, names))
    weights = conditional_logit.fit_weights(races, names)
    vector = np.array([weights[name] for name in names])
    return RaceLogit(weights, fit_temperatures([(m @ vector, f) for m, f in races]))


def blend(
    ranker: RaceProbabilities, logit: RaceProbabilities, weight: float = BLEND
) -> RaceProbabilities:
    """The ensemble: a weighted mean of the members' probabilities.

    A mean keeps every per-race total (win 1, podium 3, points min(10, starters)) and the
    order ``p_win <= p_podium <= p_points`` of each driver.
    """

    def mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return weight * np.asarray(a) + (1.0 - weight) * np.asarray(b)

    return RaceProbabilities(
        p_win=mix(ranker.p_win, logit.p_win),
        p_podium=mix(ranker.p_podium, logit.p_podium),
        p_points=mix(ranker.p_points, logit.p_points),
        expected_position=mix(ranker.expected_position, logit.expected_position),
    )


def ensemble(
    ranker: RaceProbabilities,
    logit: RaceLogit | None,
    rows: pd.DataFrame,
    seed: int,
    weight: float = BLEND,
) -> RaceProbabilities:
    """The ranker's probabilities of one race blended with the logit's (when there is one:
    model versions trained before it had none)."""
    if logit is None:
        return ranker
    return blend(ranker, logit.probabilities(rows, seed=seed), weight)


@dataclass(frozen=True)
class ScoreMapping:
    """How one basis's ranker scores become the ensemble's probabilities: the
    conditional-logit mapping (``weights``), its temperatures, then the blend with the pace
    logit. The backtest (in-process boosters) and ``predict`` (ONNX scores, the mapping read
    back from ``meta.json``) both go through ``probabilities``, so both map alike."""

    weights: dict[str, float]
    temperatures: Temperatures
    logit: RaceLogit | None = None
    blend: float = BLEND

    def probabilities(
        self, scores: np.ndarray, rows: pd.DataFrame, seed: int = 0
    ) -> RaceProbabilities:
        utility = conditional_logit.utility(self.weights, rows, scores)
        ranker = sampled_probabilities(utility, self.temperatures, seed=seed)
        return ensemble(ranker, self.logit, rows, seed, self.blend)

    @classmethod
    def from_meta(cls, meta: dict[str, Any], basis: str, stage: str | None = None) -> ScoreMapping:
        """The mapping a version's ``meta.json`` stores (see ``model.FittedModel.mapping_meta``);
        versions older than the mapping or the pace logit have the score alone, no logit.
        A weekend ``stage`` with a mapping or a logit of its own uses it (versions older than
        them use the basis's)."""
        key = stage_key(stage) if stage is not None else basis

        def own(part: dict[str, Any]) -> Any:
            return part.get(key, part.get(basis))

        logit = own(meta.get("logit", {}))
        return cls(
            weights=own(meta.get("mapping", {})) or conditional_logit.SCORE_ONLY,
            temperatures=Temperatures(**own(meta["temperatures"])),
            logit=RaceLogit.from_dict(logit) if logit is not None else None,
            blend=float(meta.get("blend", BLEND)),
        )
