"""Rows of the Ergast tables -> Ergast JSON objects (the only camelCase in undercut).

Ergast writes every value as a string and leaves a key out when it has no value (a driver
without a permanent number has no ``permanentNumber``), so each builder drops ``None``.

The items of the tables every served copy derives (``serving/derived``) are rendered here
once per copy, as JSON text in columns of those tables (``RENDERED``), so a request selects
a few text columns and joins them instead of reading, formatting and encoding some forty
columns per row: DuckDB's cost per query grows with the columns it reads, not the rows
(measured: a page of 2023 results 3.6 ms to 1.1 ms in-process). The listings read from
silver (circuits, seasons, laps...) are built per request by the same builders.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

Row = dict[str, Any]
Item = dict[str, Any]


def text(value: Any) -> str | None:
    """Ergast's string form of a value: ``25`` not ``25.0``, ISO dates, ``None`` kept."""
    if value is None:
        return None
    if type(value) is int:  # most values: a fast path for a call made ~600,000 times per copy
        return str(value)
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def compact(pairs: Iterable[tuple[str, Any]]) -> Item:
    """A JSON object from (key, value) pairs, without the keys whose value is missing."""
    return {key: value for key, value in pairs if value is not None}


def clock(value: dt.time | None) -> str | None:
    """A UTC session time as Ergast writes it: ``15:00:00Z``."""
    return None if value is None else value.strftime("%H:%M:%S") + "Z"


def circuit(row: Row) -> Item:
    return compact(
        [
            ("circuitId", row["circuit_id"]),
            ("url", row["circuit_url"]),
            ("circuitName", row["circuit_name"]),
            (
                "Location",
                compact(
                    [
                        ("lat", text(row["lat"])),
                        ("long", text(row["lng"])),
                        ("locality", row["locality"]),
                        ("country", row["country"]),
                    ]
                ),
            ),
        ]
    )


def driver(row: Row) -> Item:
    return compact(
        [
            ("driverId", row["driver_id"]),
            ("permanentNumber", text(row["permanent_number"])),
            ("code", text(row["code"])),
            ("url", row["driver_url"]),
            ("givenName", row["given_name"]),
            ("familyName", row["family_name"]),
            ("dateOfBirth", text(row["date_of_birth"])),
            ("nationality", row["nationality"]),
        ]
    )


def constructor(row: Row) -> Item:
    return compact(
        [
            ("constructorId", row["constructor_id"]),
            ("url", row["constructor_url"]),
            ("name", row["constructor_name"]),
            ("nationality", row["constructor_nationality"]),
        ]
    )


def season(row: Row) -> Item:
    return compact([("season", text(row["season"])), ("url", row["url"])])


def status(row: Row) -> Item:
    return {
        "statusId": text(row["status_id"]),
        "count": text(row["entries"]),
        "status": row["status"],
    }


def race(row: Row) -> Item:
    """The race header every race-grouped endpoint repeats."""
    return compact(
        [
            ("season", text(row["season"])),
            ("round", text(row["round"])),
            ("url", row["race_url"]),
            ("raceName", row["race_name"]),
            ("Circuit", circuit(row)),
            ("date", text(row["race_date"])),
            ("time", clock(row["race_time"])),
        ]
    )


# Session columns of silver.races -> the key Ergast gives each session of the weekend.
SESSIONS = (
    ("fp1", "FirstPractice"),
    ("fp2", "SecondPractice"),
    ("fp3", "ThirdPractice"),
    ("quali", "Qualifying"),
    ("sprint", "Sprint"),
)


def schedule(row: Row) -> Item:
    """A race with its weekend sessions, in the order they are run."""
    item = race(row)
    sessions = [
        (row[f"{prefix}_date"], row[f"{prefix}_time"] or dt.time.min, order, key, prefix)
        for order, (prefix, key) in enumerate(SESSIONS)
        if row[f"{prefix}_date"] is not None
    ]
    for _date, _time, _order, key, prefix in sorted(sessions):
        item[key] = compact(
            [("date", text(row[f"{prefix}_date"])), ("time", clock(row[f"{prefix}_time"]))]
        )
    return item


def speed(value: float | None) -> str | None:
    """Average speeds always carry three decimals in Ergast (``237.990``)."""
    return None if value is None else f"{value:.3f}"


_GAP = re.compile(r"\+(\d+)\.(\d+)")
_LAPPED = re.compile(r"\+\d+ Laps?")


def gap(value: str | None) -> str | None:
    """Ergast writes gaps of a minute or more as ``+1:12.647``; some archives as ``+72.647``."""
    match = _GAP.fullmatch(value) if value else None
    if not match or int(match[1]) < 60:
        return value
    minutes, seconds = divmod(int(match[1]), 60)
    return f"+{minutes}:{seconds:02d}.{match[2]}"


def classification(row: Row) -> Item:
    """One car's race or sprint result; lapped cars have no race time in Ergast."""
    time = None
    if row["time_ms"] is not None and not _LAPPED.fullmatch(row["status"] or ""):
        time = compact([("millis", text(row["time_ms"])), ("time", gap(row["time_text"]))])
    fastest = None
    if row["fastest_lap"] is not None:
        rank = row["fastest_lap_rank"]
        fastest = compact(
            [
                ("rank", text(rank) if rank else None),
                ("lap", text(row["fastest_lap"])),
                ("Time", compact([("time", text(row["fastest_lap_time_text"]))]) or None),
                (
                    "AverageSpeed",
                    None
                    if row["fastest_lap_speed_kph"] is None
                    else {"units": "kph", "speed": speed(row["fastest_lap_speed_kph"])},
                ),
            ]
        )
    return compact(
        [
            ("number", text(row["car_number"])),
            ("position", text(row["position_order"])),
            ("positionText", row["position_text"]),
            ("points", text(row["points"])),
            ("Driver", driver(row)),
            ("Constructor", constructor(row)),
            ("grid", text(row["grid"])),
            ("laps", text(row["laps"])),
            ("status", row["status"]),
            ("Time", time),
            ("FastestLap", fastest),
        ]
    )


def qualifying(row: Row) -> Item:
    return compact(
        [
            ("number", text(row["car_number"])),
            ("position", text(row["position"])),
            ("Driver", driver(row)),
            ("Constructor", constructor(row)),
            # An empty string means "took part, set no time"; a missing key "did not take part".
            ("Q1", row["q1_text"]),
            ("Q2", row["q2_text"]),
            ("Q3", row["q3_text"]),
        ]
    )


def pit_stop(row: Row) -> Item:
    return compact(
        [
            ("driverId", row["driver_id"]),
            ("lap", text(row["lap"])),
            ("stop", text(row["stop"])),
            ("time", text(row["time_of_day"])),
            ("duration", text(row["duration_text"])),
        ]
    )


def timing(row: Row) -> Item:
    return compact(
        [
            ("driverId", row["driver_id"]),
            ("position", text(row["position"])),
            ("time", text(row["time_text"])),
        ]
    )


def driver_standing(row: Row) -> Item:
    return compact(
        [
            ("position", text(row["position"])),
            ("positionText", text(row["position_text"])),
            ("points", text(row["points"])),
            ("wins", text(row["wins"])),
            ("Driver", driver(row)),
            ("Constructors", [constructor(team) for team in row["constructors"] or []]),
        ]
    )


def constructor_standing(row: Row) -> Item:
    return compact(
        [
            ("position", text(row["position"])),
            ("positionText", text(row["position_text"])),
            ("points", text(row["points"])),
            ("wins", text(row["wins"])),
            ("Constructor", constructor(row)),
        ]
    )


def with_key(obj: str, key: str, value: str) -> str:
    """The JSON object ``obj`` (as text) with one more key, last, whose value is JSON text
    already: items are joined in without being parsed and encoded again."""
    head = obj[:-1]
    return f'{head}{"," if len(head) > 1 else ""}"{key}":{value}}}'


def array(items: list[str]) -> str:
    """A JSON array of items that are JSON text already."""
    return f"[{','.join(items)}]"


# One encoder for every item: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dumps(item: Item) -> str:
    """An item as the compact JSON text the API sends (the encoding of FastAPI's
    ``JSONResponse``)."""
    return _ENCODER.encode(item)


# Derived table -> the JSON text columns rendered for each of its rows: ``item`` the row's
# own item, ``race_item`` the header of its race (the same text for every row of a race).
RENDERED: dict[str, dict[str, Callable[[Row], Item]]] = {
    "ergast_races": {"race_item": race, "item": schedule},
    "ergast_results": {"race_item": race, "item": classification},
    "ergast_qualifying": {"race_item": race, "item": qualifying},
    "ergast_driver_standings": {"item": driver_standing},
    "ergast_constructor_standings": {"item": constructor_standing},
    "ergast_drivers": {"item": driver},
}


def render(rows: Iterable[Row], builders: dict[str, Callable[[Row], Item]]) -> dict[str, list[str]]:
    """Each rendered column for ``rows``, in their order. A race header is rendered once
    per race and the text reused for its other rows."""
    columns: dict[str, list[str]] = {name: [] for name in builders}
    headers: dict[tuple[Any, Any], str] = {}
    for row in rows:
        for name, build in builders.items():
            if build is race:
                key = (row["season"], row["round"])
                text_ = headers.get(key)
                if text_ is None:
                    text_ = headers[key] = dumps(build(row))
                columns[name].append(text_)
            else:
                columns[name].append(dumps(build(row)))
    return columns
