"""Multi-competitor Elo over finishing order, for drivers and for constructors.

Every race is scored as all its pairwise duels: a competitor who finished ahead of another
"won" that duel (a tie, e.g. two cars of one constructor classified equal, is a draw). For a
competitor ``i`` among ``n``::

    expected_i = sum_{j != i} 1 / (1 + 10 ** ((R_j - R_i) / SCALE))
    actual_i   = number of competitors finished behind i (+ 0.5 per tie)
    R_i       += K / (n - 1) * (actual_i - expected_i)

Dividing ``K`` by ``n - 1`` keeps a race worth at most ``K`` points to anyone whatever the
field size (fields ran from 6 to 39 cars). Since every duel's win and loss cancel, the sum of
``actual - expected`` over a race is zero: the ratings of a race's field change by a total
of zero, so the mean over every competitor ever rated stays at ``START`` exactly.

Defaults: ``K = 32`` (a win over a field of equals is worth +16; enough to follow a
dominant season within a handful of races), ``START = 1500``, ``SCALE = 400`` (classic Elo:
a 400-point gap means 10:1 odds in a duel). Newcomers start at ``START``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

K = 32.0
START = 1500.0
SCALE = 400.0


@dataclass(frozen=True)
class EloConfig:
    """Tunable constants (see the module docstring for why these defaults)."""

    k: float = K
    start: float = START
    scale: float = SCALE


@dataclass(frozen=True)
class Race:
    """One race's finishing order: ``finish[i]`` is the place of ``competitors[i]``
    (1 = best; equal values are ties). ``key`` is carried through to the output rows."""

    key: tuple[Any, ...]
    competitors: Sequence[str]
    finish: Sequence[float]


@dataclass(frozen=True)
class Rating:
    """One competitor's rating around one race."""

    key: tuple[Any, ...]
    competitor: str
    rating_before: float
    rating_after: float
    races_before: int
    finish: float
    field_size: int


def update(
    ratings: npt.NDArray[np.float64], finish: npt.NDArray[np.float64], config: EloConfig
) -> npt.NDArray[np.float64]:
    """New ratings of one race's field, given ratings before and finishing places."""
    n = len(ratings)
    if n < 2:
        return ratings.copy()
    diff = (ratings[None, :] - ratings[:, None]) / config.scale  # diff[i, j] = R_j - R_i
    expected = 1.0 / (1.0 + np.power(10.0, diff))
    np.fill_diagonal(expected, 0.0)
    ahead = finish[:, None] < finish[None, :]
    tie = finish[:, None] == finish[None, :]
    actual = ahead.astype(np.float64) + 0.5 * tie
    np.fill_diagonal(actual, 0.0)
    delta = (actual.sum(axis=1) - expected.sum(axis=1)) * (config.k / (n - 1))
    return ratings + delta


def best_places(race: Race) -> dict[str, float]:
    """Each competitor's place in a race; one listed twice (shared drives, two cars of one
    team) keeps only its best."""
    best: dict[str, float] = {}
    for who, place in zip(race.competitors, race.finish, strict=True):
        if who not in best or place < best[who]:
            best[who] = float(place)
    return best


def history(
    races: Iterable[Race],
    config: EloConfig | None = None,
    initial: Mapping[str, tuple[float, int]] | None = None,
) -> Iterator[Rating]:
    """Ratings before and after every race, races taken in the order given (chronological).

    A competitor listed twice in one race keeps only its best place (``best_places``).
    ``initial`` (competitor → (rating, races rated)) continues an earlier history, so new
    races can be rated without replaying the old ones: the result is the same as rating
    every race from the start.
    """
    cfg = config or EloConfig()
    current: dict[str, float] = {who: rating for who, (rating, _) in (initial or {}).items()}
    starts: dict[str, int] = {who: count for who, (_, count) in (initial or {}).items()}
    for race in races:
        best = best_places(race)
        names = list(best)
        before = np.array([current.get(n, cfg.start) for n in names], dtype=np.float64)
        places = np.array([best[n] for n in names], dtype=np.float64)
        after = update(before, places, cfg)
        for i, name in enumerate(names):
            yield Rating(
                race.key,
                name,
                float(before[i]),
                float(after[i]),
                starts.get(name, 0),
                places[i],
                len(names),
            )
            current[name] = float(after[i])
            starts[name] = starts.get(name, 0) + 1
