"""The ``/api/v1/next-race`` document: the first race of the calendar without results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from undercut.serving.store import Reader
from undercut.serving.v1.listing import one


class Session(BaseModel):
    date: dt.date | None
    time: dt.time | None = Field(description="UTC start, when published.")


class NextRace(BaseModel):
    season: int
    round: int
    raceName: str
    date: dt.date | None
    time: dt.time | None
    circuitId: str
    sessions: dict[str, Session] = Field(
        description="Keys among fp1, fp2, fp3, qualifying, sprint (those scheduled)."
    )


def _utc(value: dt.time | None) -> dt.time | None:
    """Times are stored naive in UTC; say so on the wire (``19:00:00Z``, as Ergast)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _sessions(row: dict[str, Any]) -> dict[str, Session]:
    names = {"fp1": "fp1", "fp2": "fp2", "fp3": "fp3", "qualifying": "quali", "sprint": "sprint"}
    return {
        key: Session(date=row[f"{col}_date"], time=_utc(row[f"{col}_time"]))
        for key, col in names.items()
        if row[f"{col}_date"] is not None
    }


def next_race(reader: Reader) -> NextRace:
    """The next race to be run (404 when every scheduled race has results)."""
    row = one(reader, "next_race", "a race without results")
    return NextRace(
        season=row["season"],
        round=row["round"],
        raceName=row["race_name"],
        date=row["race_date"],
        time=_utc(row["race_time"]),
        circuitId=row["circuit_id"],
        sessions=_sessions(row),
    )
