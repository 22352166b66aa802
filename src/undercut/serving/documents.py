"""Field names of the driver, constructor, circuit and standings documents, from rows of
the named queries.

``/api/v1`` (through its pydantic models) and ``undercut stats`` (as plain dicts) write the
same documents from the same rows (``*_careers``, ``*_seasons``, ``circuit_summaries``,
``*_standings``: projections of the gold tables); naming each column once, here, keeps the
two from drifting apart. Names follow one rule: a field Ergast defines keeps Ergast's name
(``driverId``, ``givenName``, ``dateOfBirth``…), every field of undercut's own is
snake_case (``races_entered``, ``first_season``).
"""

from __future__ import annotations

from typing import Any


def driver_identity(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "driverId": row["driver_id"],
        "code": row["code"],
        "permanentNumber": row["permanent_number"],
        "givenName": row["given_name"],
        "familyName": row["family_name"],
        "nationality": row["nationality"],
        "dateOfBirth": row["date_of_birth"],
        "races_entered": row["races_entered"],
        "first_season": row["first_season"],
        "last_season": row["last_season"],
    }


def constructor_identity(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "constructorId": row["constructor_id"],
        "name": row["constructor_name"],
        "nationality": row["nationality"],
        "races_entered": row["races_entered"],
        "first_season": row["first_season"],
        "last_season": row["last_season"],
    }


def career_totals(row: dict[str, Any]) -> dict[str, Any]:
    """A detail's ``career`` object; a list item carries the same totals flat. Drivers'
    and constructors' careers name their columns alike."""
    return {
        "starts": row["starts"],
        "wins": row["wins"],
        "poles": row["poles"],
        "podiums": row["podiums"],
        "fastest_laps": row["fastest_laps"],
        "points": float(row["points"]),
        "championships": row["championships"],
        "dnfs": row["dnfs"],
    }


def detail_parts(row: dict[str, Any], seasons: list[dict[str, Any]], refs: str) -> dict[str, Any]:
    """A detail's ``career``, ``seasons`` and ``elo`` from its ``*_careers`` row and its
    ``*_seasons`` rows. ``refs`` names the list a season carries (a driver's
    ``constructors``, a constructor's ``drivers``), which the row holds comma-joined."""
    return {
        "career": career_totals(row),
        "seasons": [
            {
                "season": s["season"],
                refs: s[refs].split(",") if s[refs] else [],
                "starts": s["starts"],
                "wins": s["wins"],
                "podiums": s["podiums"],
                "poles": s["poles"],
                "points": float(s["points"]),
                "position": s["position"],
            }
            for s in seasons
        ],
        "elo": {"current": row["elo"], "peak": row["elo_peak"]},
    }


def circuit_summary(row: dict[str, Any]) -> dict[str, Any]:
    """A circuit's list item: where it is and when it held a Grand Prix."""
    return {
        "circuitId": row["circuit_id"],
        "name": row["circuit_name"],
        "locality": row["locality"],
        "country": row["country"],
        "lat": row["lat"],
        "lng": row["lng"],
        "races_held": row["races_held"],
        "first_season": row["first_season"],
        "last_season": row["last_season"],
    }


def lap_record(row: dict[str, Any]) -> dict[str, Any] | None:
    """A circuit's race lap record (``None`` where no lap time is recorded, before 2004)."""
    if row["lap_record_ms"] is None:
        return None
    return {
        "time": row["lap_record_text"],
        "ms": row["lap_record_ms"],
        "driverId": row["lap_record_driver_id"],
        "season": row["lap_record_season"],
    }


def circuit_history(row: dict[str, Any]) -> dict[str, Any]:
    """A circuit detail's record: race lap record, the driver and the constructor with the
    most wins there, and the share of its races won from pole."""
    rate = row["pole_to_win_rate"]
    return {
        "lap_record": lap_record(row),
        "top_driver": {"driverId": row["top_driver_id"], "wins": row["top_driver_wins"]}
        if row["top_driver_id"]
        else None,
        "top_constructor": {
            "constructorId": row["top_constructor_id"],
            "wins": row["top_constructor_wins"],
        }
        if row["top_constructor_id"]
        else None,
        "pole_to_win_rate": None if rate is None else round(float(rate), 4),
    }


def winner(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "season": row["season"],
        "round": row["round"],
        "driverId": row["driver_id"],
        "constructorId": row["constructor_id"],
    }


def standing(row: dict[str, Any], who: str) -> dict[str, Any]:
    """One entry of a championship after a round; ``who`` is ``driver`` or ``constructor``
    (whose ref, ``driverId`` or ``constructorId``, the entry carries)."""
    return {
        "position": row["position"],
        f"{who}Id": row[f"{who}_id"],
        "points": float(row["points"] or 0),
        "wins": int(row["wins"] or 0),
    }
