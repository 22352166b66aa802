"""Build the ``undercut stats`` documents from the warehouse, read-only.

Documents are ``/api/v1``'s, written by the same mapping (``serving.documents``) from the
same serving queries over the gold tables (``career`` nested in a driver's or a
constructor's detail), so a script can switch between the command line and the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from undercut.config import Settings
from undercut.errors import NotFoundError
from undercut.serving.documents import (
    career_totals,
    circuit_history,
    circuit_summary,
    constructor_identity,
    detail_parts,
    driver_identity,
    standing,
    winner,
)
from undercut.serving.sql import query
from undercut.serving.store import DuckReader, Reader
from undercut.warehouse import db

DRIVER_SORTS = {
    "wins": "wins desc",
    "starts": "starts desc",
    "poles": "poles desc",
    "podiums": "podiums desc",
    "points": "points desc",
    "championships": "championships desc",
    "name": "family_name asc",
}
CONSTRUCTOR_SORTS = {
    "wins": "wins desc",
    "starts": "starts desc",
    "poles": "poles desc",
    "podiums": "podiums desc",
    "points": "points desc",
    "championships": "championships desc",
    "name": "constructor_name asc",
}


@contextmanager
def reader(settings: Settings) -> Iterator[Reader]:
    """The warehouse read-only, as the API's serving queries expect it."""
    with db.attach_read_only(settings.warehouse_path) as con:
        yield DuckReader(con, frozenset(db.attached_tables(con)))


def _run(r: Reader, name: str, **params: Any) -> list[dict[str, Any]]:
    return r.fetch(query(name), params)


def _sorted(r: Reader, name: str, order: str, tie: str, limit: int | None) -> list[dict]:
    sql = f"select * from ({query(name)}) as src order by {order}, {tie}"
    if limit is not None:
        sql += " limit :limit"
    return r.fetch(sql, {"limit": limit})


def _only(r: Reader, name: str, key: str, value: str, what: str) -> dict[str, Any]:
    rows = r.fetch(f"select * from ({query(name)}) as src where {key} = :value", {"value": value})
    if not rows:
        raise NotFoundError(
            f"{what} {value!r} not found (ids are Ergast refs, e.g. {_EXAMPLES[what]})"
        )
    return rows[0]


_EXAMPLES = {
    "driver": "hamilton, max_verstappen",
    "constructor": "ferrari, red_bull",
    "circuit": "monaco, monza",
}


def drivers(r: Reader, *, sort: str = "wins", limit: int | None = None) -> list[dict]:
    """Every driver with career totals (as ``GET /api/v1/drivers`` items)."""
    rows = _sorted(r, "driver_careers", DRIVER_SORTS[sort], "driver_id", limit)
    return [{**driver_identity(row), **career_totals(row), "elo": row["elo"]} for row in rows]


def driver(r: Reader, driver_id: str) -> dict[str, Any]:
    """One driver's identity, career, seasons and Elo (as ``GET /api/v1/drivers/{id}``).

    Raises:
        NotFoundError: no driver with that Ergast ref.
    """
    row = _only(r, "driver_careers", "driver_id", driver_id, "driver")
    seasons = _run(r, "driver_seasons", driver_id=driver_id)
    return {**driver_identity(row), **detail_parts(row, seasons, "constructors")}


def constructors(r: Reader, *, sort: str = "wins", limit: int | None = None) -> list[dict]:
    """Every constructor with career totals (as ``GET /api/v1/constructors`` items)."""
    rows = _sorted(r, "constructor_careers", CONSTRUCTOR_SORTS[sort], "constructor_id", limit)
    return [{**constructor_identity(row), **career_totals(row), "elo": row["elo"]} for row in rows]


def constructor(r: Reader, constructor_id: str) -> dict[str, Any]:
    """One constructor's career, seasons and Elo (as ``GET /api/v1/constructors/{id}``).

    Raises:
        NotFoundError: no constructor with that Ergast ref.
    """
    row = _only(r, "constructor_careers", "constructor_id", constructor_id, "constructor")
    seasons = _run(r, "constructor_seasons", constructor_id=constructor_id)
    return {**constructor_identity(row), **detail_parts(row, seasons, "drivers")}


def _circuit(row: dict[str, Any]) -> dict[str, Any]:
    """A circuit as ``GET /api/v1/circuits/{id}`` gives it, but for its winners."""
    return {**circuit_summary(row), **circuit_history(row)}


def circuits(r: Reader, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Every circuit, most races held first, with lap record and pole-to-win rate."""
    rows = _sorted(r, "circuit_summaries", "races_held desc", "circuit_id", limit)
    return [_circuit(row) for row in rows]


def circuit(r: Reader, circuit_id: str) -> dict[str, Any]:
    """One circuit's history and every winner there.

    Raises:
        NotFoundError: no circuit with that Ergast ref.
    """
    row = _only(r, "circuit_summaries", "circuit_id", circuit_id, "circuit")
    winners = _run(r, "circuit_winners", circuit_id=circuit_id)
    return {**_circuit(row), "winners": [winner(w) for w in winners]}


def standings(r: Reader, season: int, round: int | None = None) -> dict[str, Any]:
    """The drivers' championship after a round, default the newest (as
    ``GET /api/v1/standings/{season}/drivers``).

    Raises:
        NotFoundError: the season has no standings, or none up to that round.
    """
    latest = _run(r, "standings_rounds", season=season)[0]["drivers_round"]
    if latest is None:
        raise NotFoundError(f"season {season} has no drivers' standings")
    if round is not None and not 1 <= round <= latest:
        raise NotFoundError(
            f"season {season} has drivers' standings for rounds 1-{latest}, not round {round}"
        )
    after = int(round if round is not None else latest)
    rows = _run(r, "driver_standings", season=season, round=after)
    return {
        "season": season,
        "after_round": after,
        "drivers": [standing(row, "driver") for row in rows],
    }
