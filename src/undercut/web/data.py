"""What each dashboard page shows, read through the same code as ``/api/v1``.

The pages call the functions that build the ``/api/v1`` documents (``undercut.serving.v1``,
each a plain function of its parameters and a ``Reader`` or app-database session), so a
page shows exactly what the JSON API answers for the same question and no SQL is repeated
here. A question the API has no answer to yet (no results, no prediction, no backtest)
comes back as ``None`` or an empty list, for the template to explain, never as an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from undercut.appdb import predictions as prediction_store
from undercut.config import Settings
from undercut.errors import ModelError, NotFoundError
from undercut.serving.store import Reader
from undercut.serving.v1 import (
    circuits,
    constructors,
    drivers,
    next_race,
    predictions,
    races,
    ratings,
    standings,
    teammates,
)
from undercut.serving.v1.listing import run

T = TypeVar("T")


def optional(call: Callable[[], T]) -> T | None:
    """The answer, or None where the API would say 404."""
    try:
        return call()
    except NotFoundError:
        return None


def plain(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(mode="json")


@dataclass
class Names:
    """Display names by Ergast ref, for tables and chart labels."""

    drivers: dict[str, dict[str, Any]] = field(default_factory=dict)
    constructors: dict[str, str] = field(default_factory=dict)
    circuits: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, reader: Reader) -> Names:
        return cls(
            drivers={r["driver_id"]: r for r in run(reader, "driver_names")},
            constructors={
                r["constructor_id"]: r["constructor_name"] for r in run(reader, "constructor_names")
            },
            circuits={r["circuit_id"]: r for r in run(reader, "circuit_names")},
        )

    def driver(self, ref: str | None) -> str:
        row = self.drivers.get(ref or "")
        return f"{row['given_name']} {row['family_name']}" if row else (ref or "")

    def driver_short(self, ref: str | None) -> str:
        row = self.drivers.get(ref or "")
        if not row:
            return ref or ""
        return row["code"] or row["family_name"]

    def constructor(self, ref: str | None) -> str:
        return self.constructors.get(ref or "", ref or "")

    def circuit(self, ref: str | None) -> str:
        row = self.circuits.get(ref or "")
        return row["circuit_name"] if row else (ref or "")


def latest_finished(reader: Reader) -> dict[str, Any] | None:
    """Season and round of the newest race with results."""
    rows = run(reader, "last_race")
    return rows[0] if rows else None


def seasons(reader: Reader) -> list[int]:
    return [int(r["season"]) for r in run(reader, "season_list")]


def upcoming(reader: Reader) -> dict[str, Any] | None:
    return plain(optional(lambda: next_race.next_race(reader)))


def prediction(session: Session, season: int, round: int) -> dict[str, Any] | None:
    """The stored prediction that stands for a race (the API's document) and when it was
    made."""
    row = prediction_store.latest_row(session, season, round)
    if row is None:
        return None
    return {**row.payload, "created_at": row.created_at}


def weekend_timeline(session: Session, season: int, round: int) -> dict[str, Any] | None:
    """The forecast after each weekend stage (the API's timeline), or None when fewer than
    two stages were predicted: one point is not a timeline."""
    timeline = plain(optional(lambda: predictions.timeline(season, round, session)))
    return timeline if timeline and len(timeline["stages"]) > 1 else None


def comparison(session: Session, reader: Reader, season: int, round: int) -> dict[str, Any] | None:
    """Prediction beside the result, once both exist."""
    return plain(optional(lambda: predictions.compare_prediction(season, round, session, reader)))


def race(reader: Reader, season: int, round: int) -> dict[str, Any] | None:
    rows = run(reader, "race", season=season, round=round)
    return rows[0] if rows else None


def race_story(reader: Reader, season: int, round: int) -> dict[str, list[dict[str, Any]]]:
    """What a race page charts beyond the classification, each list empty where the
    warehouse has none: pole and fastest lap (``highlights``), positions lap by lap
    (``laps``), pit stops (``pits``) and tyre stints (``stints``)."""
    params = {"season": season, "round": round}
    return {
        "highlights": run(reader, "race_highlights", **params),
        "laps": run(reader, "race_lap_positions", **params),
        "pits": run(reader, "race_pit_stops", **params),
        "stints": run(reader, "race_stints", **params),
    }


def race_results(reader: Reader, season: int, round: int) -> dict[str, Any] | None:
    return plain(optional(lambda: races.race_results(season, round, reader)))


def season_races(reader: Reader, season: int) -> dict[str, Any] | None:
    return plain(optional(lambda: races.season_races(season, reader)))


def driver_standings(reader: Reader, season: int) -> dict[str, Any] | None:
    return plain(optional(lambda: standings.driver_standings(season, reader, round=None)))


def constructor_standings(reader: Reader, season: int) -> dict[str, Any] | None:
    return plain(optional(lambda: standings.constructor_standings(season, reader, round=None)))


def progression(reader: Reader, season: int) -> dict[str, Any] | None:
    return plain(optional(lambda: standings.progression(season, reader)))


def season_driver_teams(reader: Reader, season: int) -> dict[str, str]:
    """Each driver's team of a season (the one they raced most for), for team colours."""
    return {
        r["driver_id"]: r["constructor_id"]
        for r in run(reader, "season_driver_teams", season=season)
    }


def driver_list(reader: Reader, q: str | None, limit: int, offset: int) -> dict[str, Any]:
    """Drivers matching ``q`` (name, code or ref), most wins first."""
    return plain(
        drivers.list_drivers(
            reader, limit=limit, offset=offset, sort="-wins", nationality=None, q=q or None
        )
    )  # type: ignore[return-value]


def constructor_list(reader: Reader, q: str | None, limit: int, offset: int) -> dict[str, Any]:
    return plain(
        constructors.list_constructors(
            reader, limit=limit, offset=offset, sort="-wins", nationality=None, q=q or None
        )
    )  # type: ignore[return-value]


def circuit_list(reader: Reader, q: str | None, limit: int, offset: int) -> dict[str, Any]:
    return plain(
        circuits.list_circuits(
            reader, limit=limit, offset=offset, sort="-races_held", country=None, q=q or None
        )
    )  # type: ignore[return-value]


def driver(reader: Reader, driver_id: str) -> dict[str, Any]:
    return plain(drivers.get_driver(driver_id, reader))  # type: ignore[return-value]


def constructor(reader: Reader, constructor_id: str) -> dict[str, Any]:
    return plain(constructors.get_constructor(constructor_id, reader))  # type: ignore[return-value]


def circuit(reader: Reader, circuit_id: str) -> dict[str, Any]:
    return plain(circuits.get_circuit(circuit_id, reader))  # type: ignore[return-value]


def driver_elo(reader: Reader, driver_id: str) -> list[dict[str, Any]]:
    history = optional(lambda: ratings.driver_history(driver_id, reader))
    return [] if history is None else plain(history)["history"]  # type: ignore[index]


def constructor_elo(reader: Reader, constructor_id: str) -> list[dict[str, Any]]:
    history = optional(lambda: ratings.constructor_history(constructor_id, reader))
    return [] if history is None else plain(history)["history"]  # type: ignore[index]


def head_to_heads(reader: Reader, driver_id: str) -> list[dict[str, Any]]:
    rows = optional(lambda: teammates.teammates(driver_id, reader)) or []
    return [row.model_dump(mode="json") for row in rows]


def team_head_to_heads(
    reader: Reader, constructor_id: str, driver_ids: list[str]
) -> list[dict[str, Any]]:
    """Each pairing of the team's drivers once per season (the first-named driver's view)."""
    seen: set[tuple[int, str, str]] = set()
    pairs = []
    for driver_id in driver_ids:
        for row in head_to_heads(reader, driver_id):
            if row["constructorId"] != constructor_id:
                continue
            key = (row["season"], *sorted((driver_id, row["teammate_id"])))
            if key in seen:
                continue
            seen.add(key)  # type: ignore[arg-type]
            pairs.append({**row, "driverId": driver_id})
    pairs.sort(key=lambda r: (-r["season"], r["driverId"]))
    return pairs


def accuracy(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every scored prediction, by race (what ``/api/v1/accuracy`` lists): the forecasts,
    and apart from them the hindcasts (never counted as forecasts)."""
    rows = prediction_store.accuracy_rows(session, None)
    forecasts = [r for r in rows if r["kind"] == prediction_store.FORECAST]
    return forecasts, [r for r in rows if r["kind"] != prediction_store.FORECAST]


def registry_state(settings: Settings) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Registered model versions (newest first) and the latest stored backtest."""
    try:
        from undercut.ml.registry import Registry

        registry = Registry.from_settings(settings)
        return registry.list(), registry.latest_backtest()
    except (ImportError, ModelError, OSError):
        return [], None
