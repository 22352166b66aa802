"""The Ergast URL grammar, in one place.

An Ergast path is ``[{season}[/{round}]]/({filter}/{value})*/[{endpoint}[/{value}]][.json]``:
the season and round come first, the other filters follow in any order, and the last
segment names the endpoint, optionally followed by one more value (the "final filter",
e.g. ``/drivers/alonso`` or ``/2023/5/results/1``). ``parse_path`` turns a path into an
``ErgastQuery`` or raises ``ErgastPathError`` carrying the status Ergast answers with:
404 for a path that is not in the grammar at all, 400 for a well-formed path that asks
for something the endpoint cannot do (Ergast's and Jolpica's "Bad Request").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Endpoint names as they appear in a path (compared case-insensitively).
ENDPOINTS = (
    "seasons",
    "races",
    "results",
    "sprint",
    "qualifying",
    "drivers",
    "constructors",
    "circuits",
    "status",
    "driverstandings",
    "constructorstandings",
    "pitstops",
    "laps",
)

# Path segment of a filter -> the name it has in an ErgastQuery (and in the SQL parameters).
FILTER_SEGMENTS: dict[str, str] = {
    "circuits": "circuit",
    "constructors": "constructor",
    "drivers": "driver",
    "grid": "grid",
    "results": "position",
    "fastest": "fastest",
    "status": "status",
    "laps": "lap",
    "driverstandings": "driver_standing",
    "constructorstandings": "constructor_standing",
}

# Filters whose values are numbers; the rest are Ergast ids.
NUMERIC_FILTERS = frozenset(
    {
        "grid",
        "position",
        "fastest",
        "status",
        "lap",
        "stop",
        "driver_standing",
        "constructor_standing",
        "sprint_position",
        "qualifying_position",
    }
)

# The name used in the MRData table for each filter, in the order Ergast writes them.
CRITERIA_NAMES: dict[str, str] = {
    "season": "season",
    "round": "round",
    "circuit": "circuitId",
    "constructor": "constructorId",
    "driver": "driverId",
    "grid": "grid",
    "position": "position",
    "fastest": "fastest",
    "status": "status",
    "lap": "lap",
    "stop": "stop",
    "driver_standing": "driverStandings",
    "constructor_standing": "constructorStandings",
}

_SEASON = re.compile(r"[0-9]{4}|current")
_ROUND = re.compile(r"[0-9]{1,2}|last|next")
_VALUE = re.compile(r"[A-Za-z0-9_\-]+")
_NUMBER = re.compile(r"[0-9]{1,4}")


class ErgastPathError(Exception):
    """A path Ergast would refuse; ``status`` is the HTTP status it answers with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class ErgastQuery:
    """A parsed path: the endpoint, the raw filter values (strings, as written) and the
    final filter value, if any. ``season``/``round`` may still be ``current``/``last``/
    ``next``; the endpoint layer resolves them against the data."""

    endpoint: str
    filters: dict[str, str] = field(default_factory=dict)
    final_value: str | None = None


def _bad_path(path: str) -> ErgastPathError:
    return ErgastPathError(404, f"Not found: '/ergast/f1/{path}' is not an Ergast API path.")


def parse_path(path: str) -> ErgastQuery:
    """Parse the part of a URL after ``/ergast/f1/`` (``.json`` suffix optional)."""
    text = path.strip("/")
    if text.lower().endswith(".json"):
        text = text[: -len(".json")]
    segments = [segment for segment in text.split("/") if segment] if text else []
    filters: dict[str, str] = {}
    index = 0
    if index < len(segments) and _SEASON.fullmatch(segments[index]):
        filters["season"] = segments[index]
        index += 1
        if index < len(segments) and _ROUND.fullmatch(segments[index]):
            filters["round"] = segments[index]
            index += 1
    rest = segments[index:]
    while len(rest) >= 3:
        name, value, rest = rest[0].lower(), rest[1], rest[2:]
        key = FILTER_SEGMENTS.get(name)
        if key is None or not _VALUE.fullmatch(value):
            raise _bad_path(path)
        if key in filters:
            raise ErgastPathError(400, f"Bad Request: the '{name}' filter is given twice.")
        filters[key] = value
    endpoint = rest[0].lower() if rest else "races"
    final_value = rest[1] if len(rest) == 2 else None
    if endpoint not in ENDPOINTS:
        raise _bad_path(path)
    if final_value is not None and not _VALUE.fullmatch(final_value):
        raise _bad_path(path)
    return ErgastQuery(endpoint=endpoint, filters=filters, final_value=final_value)


def check_numeric(name: str, value: str, path: str) -> int:
    """Numeric filters accept digits only; anything else is not an Ergast path (404)."""
    if not _NUMBER.fullmatch(value):
        raise ErgastPathError(
            404, f"Not found: '{value}' is not a valid {name} in '/ergast/f1/{path}'."
        )
    return int(value)
