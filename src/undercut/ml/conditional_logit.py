"""Conditional logits over a race's field, fitted on the podium stages of past races.

Two uses: the ranker's mapping (its score plus the starting slot, below) and the
ensemble's second member (``race_logit``: pace and rating inputs, no score).

The ranker's score alone, through one temperature, under-weights where a car starts: a
pole-sitter wins more often than the score's softmax says. The mapping's utility is
``w_score * score + w_grid * log(grid slot) + w_pit * pit-lane start``, the weights fitted
by maximum likelihood on the Plackett-Luce stages of the podium (places 1-3) of races the
model did not train on, seasons before the ones predicted. The temperatures are then
fitted on that utility as before (``calibrate``).

Chosen on the validation seasons 2016-2021 (walk-forward, 122 races) against the score
alone: winner log loss 1.336 against 1.340, win Brier 0.626 against 0.631, top-1 and
podium Brier equal, Spearman 0.649 against 0.647. Adding the Elo difference to the field
lowered the log loss further (1.312) but cost top-1 accuracy (0.49 against 0.55) and the
points Brier, so it is not used.

Before qualifying the pre-qualifying ranker knows nothing of the weekend, so each weekend
stage between the first practice and qualifying has a mapping of its own: the score plus
the stage's best practice gap (``stage_inputs``), fitted the same way. On the validation
seasons (mean of two seeds) it lowered the winner log loss after FP1 from 1.494 to 1.478
and after FP3 from 1.459 to 1.454 (after FP2 level, 1.484 against 1.485), raised
Spearman after FP3 from 0.623 to 0.631 and left the podium Brier level (0.0700), at the
cost of about two favourites in 122 after FP1 and FP2 (top-1 0.488 against 0.467 after
FP1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize
from scipy.special import logsumexp

from undercut.features.stages import PACE_STAGE
from undercut.ml.calibrate import BoolArray, by_finish

FloatArray = npt.NDArray[np.float64]

INPUTS = ("score", "log_grid", "pit_lane")
STAGES = 3
L2 = 1e-3
SCORE_ONLY = {"score": 1.0}


def stage_inputs(stage: str) -> tuple[str, ...]:
    """The mapping of a weekend stage before qualifying: the pre-qualifying ranker's score
    and the stage's best practice gap, as the grid joins the score once it is known."""
    return ("score", f"{PACE_STAGE[stage]}_gap_pct")


def column(rows: pd.DataFrame, name: str) -> FloatArray:
    """One input of the utility, per driver, with nothing missing.

    ``log_grid``: log of the grid slot, a missing slot counting as the back of the field (a
    pit-lane start is already at the back, ``grid_slot`` = field size, and also flagged by
    ``pit_lane``). Any other name is a feature column where lower is better relative to
    the field (a gap, a ``*_rel`` rating): a missing value takes the worst value of its race's
    field (``race_idx``), 0 when the whole field lacks it.
    """
    if name == "log_grid":
        slot = rows["grid_slot"].fillna(rows["field_size"]).clip(lower=1)
        return np.log(slot.to_numpy(np.float64))
    if name == "pit_lane":
        return rows["is_pit_lane"].fillna(0.0).to_numpy(np.float64)
    values = rows[name].astype("float64")
    how = "min" if name.endswith("_elo_rel") else "max"
    fields = rows["race_idx"] if "race_idx" in rows else pd.Series(0, index=rows.index)
    worst = values.groupby(fields).transform(how)
    return values.fillna(worst).fillna(0.0).to_numpy(np.float64)


def inputs(
    rows: pd.DataFrame, scores: FloatArray | None, names: Sequence[str] = INPUTS
) -> FloatArray:
    """The utility's inputs per driver, columns in ``names`` order (``score`` = ``scores``)."""
    columns = [
        np.asarray(scores, np.float64) if name == "score" else column(rows, name) for name in names
    ]
    return np.column_stack(columns) if columns else np.zeros((len(rows), 0))


def utility(
    weights: Mapping[str, float], rows: pd.DataFrame, scores: FloatArray | None
) -> FloatArray:
    """The mapping's utility of each driver; ``SCORE_ONLY`` weights give the score back."""
    if set(weights) <= {"score"}:
        return np.asarray(scores, np.float64) * float(weights.get("score", 1.0))
    names = list(weights)
    return inputs(rows, scores, names) @ np.array([float(weights[name]) for name in names])


def _stages_nll(w: FloatArray, matrix: FloatArray, valid: BoolArray):  # type: ignore[no-untyped-def]
    """Mean negative log-likelihood (and gradient) of the first ``STAGES`` places."""
    u = np.where(valid, matrix @ w, -np.inf)
    cars = valid.sum(axis=1)
    total, grad, count = 0.0, np.zeros_like(w), 0
    for stage in range(STAGES):
        # the last car left has no choice: its stage says nothing
        active = cars - 1 > stage
        if not active.any():
            break
        rest = u[active, stage:]
        norm = logsumexp(rest, axis=1)
        chance = np.exp(rest - norm[:, None])
        total += float((norm - rest[:, 0]).sum())
        inputs_ = matrix[active, stage:]
        grad += np.einsum("aw,awd->d", chance, inputs_) - inputs_[:, 0].sum(axis=0)
        count += int(active.sum())
    if count == 0:
        return 0.0, grad
    return total / count + L2 * w @ w, grad / count + 2 * L2 * w


def fit_weights(
    races: Sequence[tuple[FloatArray, FloatArray]], names: Sequence[str] = INPUTS
) -> dict[str, float]:
    """Maximum-likelihood weights from ``(inputs matrix, finishing places)`` of past races.

    The matrix columns are ``names``; with no usable race the score alone is kept (or,
    without a score among the inputs, every weight is 0: a uniform field).
    """
    usable = [(np.asarray(m, np.float64), np.asarray(f, np.float64)) for m, f in races]
    usable = [(m, f) for m, f in usable if len(f) > 1]
    start = np.array([1.0 if name == "score" else 0.0 for name in names])
    if not usable:
        return dict(SCORE_ONLY) if "score" in names else dict.fromkeys(names, 0.0)
    matrix, valid = by_finish(usable)
    result = minimize(_stages_nll, start, args=(matrix, valid), jac=True, method="L-BFGS-B")
    return {name: float(value) for name, value in zip(names, result.x, strict=True)}
