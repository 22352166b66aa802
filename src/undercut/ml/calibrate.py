"""From per-driver scores to calibrated, per-race-normalised probabilities.

A race is modelled as a Plackett-Luce draw over the field: the winner is drawn with
probability ``softmax(score / t_win)``, second and third from the drivers left with
``softmax(score / t_podium)``, the rest of the order with ``t_field``. Three temperatures
because a score ranks the front of a field more sharply than its midfield; all are fitted
by maximum likelihood on races of seasons *before* the ones predicted (the caller
guarantees that), never on the races themselves.

``p_win`` is exact; podium, points and expected position average over Plackett-Luce
samples drawn *conditional on each possible winner* and weighted by the exact ``p_win``,
so by construction ``sum(p_win) = 1``, ``sum(p_podium) = 3`` and
``sum(p_points) = min(10, starters)``, with every probability in [0, 1] and
``p_win <= p_podium <= p_points`` for each driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

PODIUM = 3
POINTS = 10
SAMPLES_PER_WINNER = 400
PLACES_FITTED = 10


@dataclass(frozen=True)
class Temperatures:
    """Softmax temperatures of the winner stage, the other podium places, and the rest."""

    win: float = 1.0
    podium: float = 1.0
    field: float = 1.0

    def to_dict(self) -> dict[str, float]:
        return {"win": self.win, "podium": self.podium, "field": self.field}


@dataclass(frozen=True)
class RaceProbabilities:
    p_win: FloatArray
    p_podium: FloatArray
    p_points: FloatArray
    expected_position: FloatArray

    @classmethod
    def sole_starter(cls) -> RaceProbabilities:
        """A field of one: it wins, and finishes on the podium and in the points, first."""
        return cls(np.ones(1), np.ones(1), np.ones(1), np.ones(1))


def softmax(scores: FloatArray, temperature: float) -> FloatArray:
    z = scores / temperature
    return np.exp(z - logsumexp(z))


def per_race(rows: pd.DataFrame, values: np.ndarray) -> list[tuple[FloatArray, FloatArray]]:
    """Split row-aligned ``values`` (rows sorted by race) into ``(values, places)`` per race."""
    positions = rows["position_order"].to_numpy(dtype=np.float64)
    bounds = np.flatnonzero(np.diff(rows["race_idx"].to_numpy())) + 1
    return [(values[idx], positions[idx]) for idx in np.split(np.arange(len(rows)), bounds)]


def by_finish(races: Sequence[tuple[FloatArray, FloatArray]]) -> tuple[FloatArray, BoolArray]:
    """Each race's values (scores, or rows of inputs) in finishing order, padded with zeros
    to one width; ``valid`` marks the real cars."""
    width = max(len(finish) for _, finish in races)
    first = np.asarray(races[0][0])
    matrix = np.zeros((len(races), width, *first.shape[1:]))
    valid = np.zeros((len(races), width), dtype=bool)
    for row, (values, finish) in enumerate(races):
        matrix[row, : len(finish)] = np.asarray(values)[np.argsort(finish, kind="stable")]
        valid[row, : len(finish)] = True
    return matrix, valid


def _padded(races: Sequence[tuple[FloatArray, FloatArray]]) -> tuple[FloatArray, BoolArray]:
    """Scores of each race sorted by finishing place, as rows padded with -inf."""
    matrix, valid = by_finish(races)
    return np.where(valid, matrix, -np.inf), valid


def _winner_nll(matrix: FloatArray, valid: BoolArray, temperature: float) -> float:
    z = matrix / temperature
    return float(np.mean(logsumexp(z, axis=1) - z[:, 0]))


def _stages_nll(
    matrix: FloatArray, valid: BoolArray, temperature: float, first: int, last: int
) -> float:
    """Plackett-Luce negative log-likelihood of places ``first``..``last`` (1-based)."""
    z = matrix / temperature
    suffix = np.logaddexp.accumulate(z[:, ::-1], axis=1)[:, ::-1]
    stages = np.zeros_like(valid)
    stages[:, first - 1 : last] = True
    # the last car has no choice left: its stage says nothing
    last_car = valid.sum(axis=1) - 1
    stages &= valid & (np.arange(valid.shape[1])[None, :] < last_car[:, None])
    if not stages.any():
        return 0.0
    return float(np.mean(suffix[stages] - z[stages]))


def _podium_nll(matrix: FloatArray, valid: BoolArray, temperature: float) -> float:
    return _stages_nll(matrix, valid, temperature, 2, PODIUM)


def _field_nll(matrix: FloatArray, valid: BoolArray, temperature: float) -> float:
    return _stages_nll(matrix, valid, temperature, PODIUM + 1, PLACES_FITTED)


def _fit(loss, matrix: FloatArray, valid: BoolArray) -> float:  # type: ignore[no-untyped-def]
    result = minimize_scalar(
        lambda log_t: loss(matrix, valid, float(np.exp(log_t))),
        bounds=(-6.0, 6.0),
        method="bounded",
        options={"xatol": 1e-3},
    )
    return float(np.exp(result.x))


def fit_temperatures(races: Sequence[tuple[FloatArray, FloatArray]]) -> Temperatures:
    """Maximum-likelihood temperatures from ``(scores, finishing places)`` of past races."""
    usable = [(np.asarray(s, float), np.asarray(f, float)) for s, f in races if len(s) > 1]
    if not usable:
        return Temperatures()
    matrix, valid = _padded(usable)
    return Temperatures(
        win=_fit(_winner_nll, matrix, valid),
        podium=_fit(_podium_nll, matrix, valid),
        field=_fit(_field_nll, matrix, valid),
    )


def race_probabilities(
    scores: FloatArray,
    temperatures: Temperatures,
    *,
    samples: int = SAMPLES_PER_WINNER,
    seed: int = 0,
) -> RaceProbabilities:
    """Calibrated probabilities of one race's field from its scores (higher = better)."""
    scores = np.asarray(scores, dtype=np.float64)
    n = len(scores)
    p_win = softmax(scores, temperatures.win)
    if n == 1:
        return RaceProbabilities.sole_starter()
    rng = np.random.default_rng(seed)
    winners = np.arange(n)
    taken = np.zeros((n, samples, n), dtype=bool)
    taken[winners, :, winners] = True
    places = np.zeros((n, samples, n), dtype=np.int64)
    places[taken] = 1
    # places 2..3 one at a time at the podium temperature
    for place in range(2, min(PODIUM, n) + 1):
        keys = scores / temperatures.podium + rng.gumbel(size=(n, samples, n))
        keys[taken] = -np.inf
        pick = np.argmax(keys, axis=2)[..., None]
        np.put_along_axis(places, pick, place, axis=2)
        np.put_along_axis(taken, pick, True, axis=2)
    rest = n - min(PODIUM, n)
    if rest:
        # the remaining order in one go (Gumbel top-k) at the field temperature
        keys = scores / temperatures.field + rng.gumbel(size=(n, samples, n))
        keys[taken] = -np.inf
        order = np.argsort(-keys, axis=2)[..., :rest]
        values = np.broadcast_to(np.arange(PODIUM + 1, n + 1), order.shape)
        np.put_along_axis(places, order, values, axis=2)
    podium = (places <= PODIUM).mean(axis=1)  # [winner, driver]
    points = (places <= POINTS).mean(axis=1)
    mean_place = places.mean(axis=1)
    return RaceProbabilities(
        p_win=p_win,
        p_podium=np.clip(p_win @ podium, 0.0, 1.0),
        p_points=np.clip(p_win @ points, 0.0, 1.0),
        expected_position=p_win @ mean_place,
    )


def normalise_capped(p: FloatArray, total: float, iterations: int = 100) -> FloatArray:
    """Scale ``p`` to sum to ``total`` with no value above 1 (values that reach 1 stay 1).

    Used by the grid-slot baseline, whose empirical rates do not sum per race by themselves.
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-9, None)
    total = min(float(total), float(len(p)))
    for _ in range(iterations):
        capped = p >= 1.0
        rest = p[~capped].sum()
        if rest <= 0:
            break
        scaled = np.minimum(np.where(capped, 1.0, p * (total - capped.sum()) / rest), 1.0)
        if abs(scaled.sum() - total) < 1e-12:
            return scaled
        p = scaled
    return p
