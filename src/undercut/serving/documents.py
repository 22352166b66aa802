"""Field names of the driver and constructor documents, from rows of the named queries.

``/api/v1`` (through its pydantic models) and ``undercut stats`` (as plain dicts) write the
same documents from the same ``*_careers`` and ``*_seasons`` rows; naming each column
once, here, keeps the two from drifting apart.
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
        "racesEntered": row["races_entered"],
        "firstSeason": row["first_season"],
        "lastSeason": row["last_season"],
    }


def constructor_identity(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "constructorId": row["constructor_id"],
        "name": row["constructor_name"],
        "nationality": row["nationality"],
        "racesEntered": row["races_entered"],
        "firstSeason": row["first_season"],
        "lastSeason": row["last_season"],
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
