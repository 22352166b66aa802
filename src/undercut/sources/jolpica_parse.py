"""Ergast JSON → silver rows, declared once per table.

The wire format has strings everywhere and camelCase keys; silver has typed snake_case
columns keyed by Ergast refs, exactly as the archive mapping produces them
(``warehouse/sql/silver/*.sql``). Every function here is pure: a payload the mapping
cannot read raises ``PayloadError`` naming the field, and the loader turns that into a
``SourceError`` naming the URL.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

Row = dict[str, Any]

_DURATION = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$")


class PayloadError(ValueError):
    """A value of an Ergast payload cannot be read (the message names the field)."""


def duration_ms(text: str | None) -> int | None:
    """``"1:34:50.616"``, ``"1:27.452"`` or ``"27.452"`` → milliseconds (the SQL macro's
    rule); anything else → ``None``."""
    if text is None:
        return None
    match = _DURATION.match(str(text).strip())
    if not match:
        return None
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    total = float(seconds) + 60 * float(minutes or 0) + 3600 * float(hours or 0)
    return round(1000 * total)


def _int(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{where}: {value!r} is not an integer") from exc


def _float(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{where}: {value!r} is not a number") from exc


def _date(value: Any, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise PayloadError(f"{where}: {value!r} is not a date") from exc


def _time(value: Any, where: str) -> time | None:
    if not value:
        return None
    try:
        return time.fromisoformat(str(value).rstrip("Z"))
    except ValueError as exc:
        raise PayloadError(f"{where}: {value!r} is not a time of day") from exc


def _ref(obj: Any, key: str, where: str) -> str:
    try:
        value = obj[key]
    except (KeyError, TypeError) as exc:
        raise PayloadError(f"{where}: missing {key}") from exc
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{where}: {key} {value!r} is not an id")
    return value


def circuit_row(circuit: dict[str, Any]) -> Row:
    where = "Circuit"
    location = circuit.get("Location") or {}
    return {
        "circuit_id": _ref(circuit, "circuitId", where),
        "circuit_name": circuit.get("circuitName"),
        "locality": location.get("locality"),
        "country": location.get("country"),
        "lat": _float(location.get("lat"), f"{where}.Location.lat"),
        "lng": _float(location.get("long"), f"{where}.Location.long"),
        "alt": _int(location.get("alt"), f"{where}.Location.alt"),
        "url": circuit.get("url"),
    }


def driver_row(driver: dict[str, Any]) -> Row:
    where = "Driver"
    return {
        "driver_id": _ref(driver, "driverId", where),
        "permanent_number": _int(driver.get("permanentNumber"), f"{where}.permanentNumber"),
        "code": driver.get("code"),
        "given_name": driver.get("givenName"),
        "family_name": driver.get("familyName"),
        "date_of_birth": _date(driver.get("dateOfBirth"), f"{where}.dateOfBirth"),
        "nationality": driver.get("nationality"),
        "url": driver.get("url"),
    }


def constructor_row(constructor: dict[str, Any]) -> Row:
    return {
        "constructor_id": _ref(constructor, "constructorId", "Constructor"),
        "constructor_name": constructor.get("name"),
        "nationality": constructor.get("nationality"),
        "url": constructor.get("url"),
    }


_SESSIONS = {
    "FirstPractice": "fp1",
    "SecondPractice": "fp2",
    "ThirdPractice": "fp3",
    "Qualifying": "quali",
    "Sprint": "sprint",
}


def race_row(race: dict[str, Any]) -> Row:
    """A schedule entry as a ``silver.races`` row (sessions in UTC)."""
    where = f"Race {race.get('season')}/{race.get('round')}"
    row: Row = {
        "season": _int(race.get("season"), f"{where}.season"),
        "round": _int(race.get("round"), f"{where}.round"),
        "circuit_id": _ref(race.get("Circuit"), "circuitId", f"{where}.Circuit"),
        "race_name": race.get("raceName"),
        "race_date": _date(race.get("date"), f"{where}.date"),
        "race_time": _time(race.get("time"), f"{where}.time"),
        "url": race.get("url"),
    }
    if row["season"] is None or row["round"] is None or row["race_date"] is None:
        raise PayloadError(f"{where}: season, round and date are required")
    for key, prefix in _SESSIONS.items():
        session = race.get(key) or {}
        row[f"{prefix}_date"] = _date(session.get("date"), f"{where}.{key}.date")
        row[f"{prefix}_time"] = _time(session.get("time"), f"{where}.{key}.time")
    return row


def result_rows(race: dict[str, Any], key: str = "Results") -> list[Row]:
    """``Results``/``SprintResults`` → ``silver.race_results``/``sprint_results`` rows
    (``status`` as text; the loader maps it onto ``status_id``).

    ``position`` is kept as the API gives it, for every car (``positionText`` says
    ``R``/``D``/``W`` for the unclassified): the archive's rows since 2025, built from
    the same service, do the same, so an updated race reads like an archived one.
    """
    rows = []
    for index, item in enumerate(race.get(key) or []):
        where = f"{key}[{index}]"
        order = _int(item.get("position"), f"{where}.position")
        fastest = item.get("FastestLap") or {}
        timing = item.get("Time") or {}
        lap_time = (fastest.get("Time") or {}).get("time")
        rows.append(
            {
                "driver_id": _ref(item.get("Driver"), "driverId", f"{where}.Driver"),
                "constructor_id": _ref(
                    item.get("Constructor"), "constructorId", f"{where}.Constructor"
                ),
                "car_number": _int(item.get("number"), f"{where}.number"),
                "grid": _int(item.get("grid"), f"{where}.grid"),
                "position": order,
                "position_text": item.get("positionText"),
                "position_order": order,
                "points": _float(item.get("points"), f"{where}.points"),
                "laps": _int(item.get("laps"), f"{where}.laps"),
                "time_text": timing.get("time"),
                "time_ms": _int(timing.get("millis"), f"{where}.Time.millis"),
                "fastest_lap": _int(fastest.get("lap"), f"{where}.FastestLap.lap"),
                "fastest_lap_rank": _int(fastest.get("rank"), f"{where}.FastestLap.rank"),
                "fastest_lap_time_text": lap_time,
                "fastest_lap_time_ms": duration_ms(lap_time),
                "fastest_lap_speed_kph": _float(
                    (fastest.get("AverageSpeed") or {}).get("speed"),
                    f"{where}.FastestLap.AverageSpeed",
                ),
                "status": item.get("status"),
            }
        )
        if order is None:
            raise PayloadError(f"{where}.position: missing")
    return rows


def qualifying_rows(race: dict[str, Any]) -> list[Row]:
    rows = []
    for index, item in enumerate(race.get("QualifyingResults") or []):
        where = f"QualifyingResults[{index}]"
        row: Row = {
            "driver_id": _ref(item.get("Driver"), "driverId", f"{where}.Driver"),
            "constructor_id": _ref(
                item.get("Constructor"), "constructorId", f"{where}.Constructor"
            ),
            "car_number": _int(item.get("number"), f"{where}.number"),
            "position": _int(item.get("position"), f"{where}.position"),
        }
        for part in ("q1", "q2", "q3"):
            text = item.get(part.upper()) or None
            row[f"{part}_text"] = text
            row[f"{part}_ms"] = duration_ms(text)
        rows.append(row)
    return rows


def pit_stop_rows(race: dict[str, Any]) -> list[Row]:
    rows = []
    for index, item in enumerate(race.get("PitStops") or []):
        where = f"PitStops[{index}]"
        rows.append(
            {
                "driver_id": _ref(item, "driverId", where),
                "stop": _int(item.get("stop"), f"{where}.stop"),
                "lap": _int(item.get("lap"), f"{where}.lap"),
                "time_of_day": _time(item.get("time"), f"{where}.time"),
                "duration_text": item.get("duration"),
                "duration_ms": duration_ms(item.get("duration")),
            }
        )
    return rows


def lap_rows(race: dict[str, Any]) -> list[Row]:
    rows = []
    for lap in race.get("Laps") or []:
        number = _int(lap.get("number"), "Laps.number")
        for index, timing in enumerate(lap.get("Timings") or []):
            where = f"Laps[{number}].Timings[{index}]"
            rows.append(
                {
                    "driver_id": _ref(timing, "driverId", where),
                    "lap": number,
                    "position": _int(timing.get("position"), f"{where}.position"),
                    "time_text": timing.get("time"),
                    "time_ms": duration_ms(timing.get("time")),
                    "source": "jolpica",
                }
            )
    return rows


def standings_rows(listing: dict[str, Any], kind: str) -> list[Row]:
    """``DriverStandings``/``ConstructorStandings`` → silver standings rows."""
    key, entity, ref = (
        ("DriverStandings", "Driver", "driverId")
        if kind == "driver"
        else ("ConstructorStandings", "Constructor", "constructorId")
    )
    rows = []
    for index, item in enumerate(listing.get(key) or []):
        where = f"{key}[{index}]"
        rows.append(
            {
                f"{kind}_id": _ref(item.get(entity), ref, f"{where}.{entity}"),
                "points": _float(item.get("points"), f"{where}.points"),
                "position": _int(item.get("position"), f"{where}.position"),
                "position_text": item.get("positionText"),
                "wins": _int(item.get("wins"), f"{where}.wins"),
            }
        )
    return rows


def entities(race: dict[str, Any], listing_key: str) -> tuple[list[Row], list[Row]]:
    """Drivers and constructors named anywhere in a race's list (results, standings)."""
    drivers: dict[str, Row] = {}
    constructors: dict[str, Row] = {}
    for item in race.get(listing_key) or []:
        if isinstance(item.get("Driver"), dict):
            row = driver_row(item["Driver"])
            drivers.setdefault(row["driver_id"], row)
        found = item.get("Constructors") or (
            [item["Constructor"]] if isinstance(item.get("Constructor"), dict) else []
        )
        for constructor in found:
            row = constructor_row(constructor)
            constructors.setdefault(row["constructor_id"], row)
    return list(drivers.values()), list(constructors.values())
