"""What the driver and constructor resources share: ``*_careers`` rows (gold's
``driver_summary`` and ``constructor_summary``) name their totals alike, so both lists sort
by them and both details' ``career`` objects have one shape (the fields themselves come
from ``undercut.serving.documents``).
"""

from __future__ import annotations

from pydantic import BaseModel

CAREER_SORTS = {
    "starts": "starts",
    "wins": "wins",
    "podiums": "podiums",
    "poles": "poles",
    "points": "points",
    "championships": "championships",
    "elo": "elo",
    "first_season": "first_season",
    "last_season": "last_season",
}


class CareerTotals(BaseModel):
    """The ``career`` object of a detail, in the order the API has always written it;
    each resource's subclass documents its own definitions."""

    starts: int
    wins: int
    poles: int
    podiums: int
    fastest_laps: int
    points: float
    championships: int
    dnfs: int


class Elo(BaseModel):
    """A detail's ``elo`` object, built by ``undercut.serving.documents.detail_parts``."""

    current: float | None
    peak: float | None
