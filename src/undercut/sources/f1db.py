"""Reading an F1DB source tree (YAML) from a clone, a source archive or a URL.

F1DB (https://github.com/f1db/f1db, data CC BY 4.0) keeps one YAML file per entity and,
per race, one file per session: ``seasons/<year>/races/<NN-name>/race.yml``,
``free-practice-1-results.yml``, ``starting-grid-positions.yml`` and so on under
``src/data``. Only the files undercut uses are read; every value is read as text (YAML's
own typing turns ``13:00`` into a number of minutes) and typed here by a declared column
list, so a wrong value is refused naming its file, entry and field.

F1DB ids are its own (``max-verstappen``, ``red-bull``, ``marina-bay``); mapping them to
the warehouse's Ergast refs happens in SQL (``warehouse/sql/f1db``), with its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import yaml

from undercut.errors import ArchiveError
from undercut.sources.archive import (
    ArchiveLimits,
    ArchiveSource,
    DataLayout,
    check_sizes,
    file_entry,
    local_copy,
)

ATTRIBUTION = "Includes data from F1DB (https://github.com/f1db/f1db), licensed CC BY 4.0."
LICENSE = "CC BY 4.0"
LAYOUT = DataLayout("circuits/monza.yml", (".yml", ".yaml"), "an F1DB source tree (src/data)")

# Per-race session files and the silver session name each one becomes.
PRACTICE_FILES = {
    "free-practice-1-results.yml": "fp1",
    "free-practice-2-results.yml": "fp2",
    "free-practice-3-results.yml": "fp3",
    "free-practice-4-results.yml": "fp4",
}
GRID_FILES = {"starting-grid-positions.yml": "race", "sprint-starting-grid-positions.yml": "sprint"}
RACE_FILES = (
    "race.yml",
    *PRACTICE_FILES,
    *GRID_FILES,
    "sprint-qualifying-results.yml",
    "driver-of-the-day-results.yml",
    "race-results.yml",
)
ENTITY_FOLDERS = ("drivers", "constructors", "circuits")
_RACE_FOLDER = re.compile(r"seasons/(\d{4})/races/(\d{2})-[^/]+/([^/]+)$")


class BadValue(ValueError):
    """A value that does not fit its column's kind."""


_DURATION = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+)(?:\.(\d{1,3}))?$")


def duration_ms(text: str) -> int:
    """``1:36.302``, ``54.064`` or ``1:02:03.4`` as milliseconds."""
    found = _DURATION.match(text.strip())
    if not found:
        raise BadValue("not a lap time")
    hours, minutes, seconds, fraction = found.groups()
    if minutes is None:
        hours, minutes = None, hours
    total = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds)
    return total * 1000 + int((fraction or "0").ljust(3, "0"))


def _gap_ms(text: str) -> int | None:
    """``+0.327`` as 327 ms; a gap in laps (``+1 lap``) has no time: null."""
    value = text.strip().removeprefix("+")
    if re.fullmatch(r"\d+ laps?", value, re.IGNORECASE):
        return None
    return duration_ms(value)


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise BadValue("not an integer") from None


def _float(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise BadValue("not a number") from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadValue("not a date (YYYY-MM-DD)") from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise BadValue("not a time of day (HH:MM)") from None


def _text(text: str) -> str:
    return text


CONVERTERS: dict[str, tuple[Callable[[str], Any], pa.DataType]] = {
    "int": (_int, pa.int64()),
    "float": (_float, pa.float64()),
    "text": (_text, pa.string()),
    "date": (_date, pa.date32()),
    "clock": (_clock, pa.time64("us")),
    "duration": (duration_ms, pa.int64()),
    "gap": (_gap_ms, pa.int64()),
}


@dataclass(frozen=True)
class Column:
    """One YAML key, the column it becomes and its kind (a key of ``CONVERTERS``)."""

    raw: str
    kind: str = "text"
    required: bool = False
    name: str = ""

    @property
    def column(self) -> str:
        return self.name or re.sub(r"(?<!^)([A-Z])", r"_\1", self.raw).lower()


def _columns(*specs: str | Column) -> tuple[Column, ...]:
    return tuple(Column(s) if isinstance(s, str) else s for s in specs)


_ENTRY = (
    Column("driverId", required=True, name="f1db_driver_id"),
    Column("constructorId", required=True, name="f1db_constructor_id"),
    Column("driverNumber", name="car_number"),
)
_POSITION = Column("position", name="position_text")

# The tables staged from the tree: each row a YAML mapping typed by these columns.
TABLES: dict[str, tuple[Column, ...]] = {
    "drivers": _columns(
        Column("id", required=True, name="f1db_driver_id"),
        "firstName",
        "lastName",
        "abbreviation",
        Column("permanentNumber", "int"),
        Column("dateOfBirth", "date"),
    ),
    "constructors": _columns(
        Column("id", required=True, name="f1db_constructor_id"), "name", "fullName"
    ),
    "circuits": _columns(
        Column("id", required=True, name="f1db_circuit_id"),
        "name",
        "placeName",
        Column("latitude", "float"),
        Column("longitude", "float"),
    ),
    "races": _columns(
        Column("round", "int", required=True),
        Column("date", "date", required=True, name="race_date"),
        Column("time", "clock", name="race_time"),
        Column("circuitId", required=True, name="f1db_circuit_id"),
        "circuitLayoutId",
        "circuitType",
        "direction",
        Column("courseLength", "float", name="course_length_km"),
        Column("turns", "int"),
        Column("laps", "int"),
        Column("distance", "float", name="distance_km"),
        "qualifyingFormat",
        "sprintQualifyingFormat",
        Column("freePractice1Date", "date", name="fp1_date"),
        Column("freePractice1Time", "clock", name="fp1_time"),
        Column("freePractice2Date", "date", name="fp2_date"),
        Column("freePractice2Time", "clock", name="fp2_time"),
        Column("freePractice3Date", "date", name="fp3_date"),
        Column("freePractice3Time", "clock", name="fp3_time"),
        Column("freePractice4Date", "date", name="fp4_date"),
        Column("freePractice4Time", "clock", name="fp4_time"),
        Column("sprintQualifyingDate", "date", name="sprint_qualifying_date"),
        Column("sprintQualifyingTime", "clock", name="sprint_qualifying_time"),
        Column("sprintRaceDate", "date", name="sprint_date"),
        Column("sprintRaceTime", "clock", name="sprint_time"),
        Column("qualifyingDate", "date", name="qualifying_date"),
        Column("qualifyingTime", "clock", name="qualifying_time"),
    ),
    "practice": (
        *_ENTRY,
        _POSITION,
        Column("time", "duration", name="best_lap_ms"),
        Column("gap", "gap", name="gap_ms"),
        Column("laps", "int"),
    ),
    "sprint_qualifying": (
        *_ENTRY,
        _POSITION,
        Column("q1", "duration", name="q1_ms"),
        Column("q2", "duration", name="q2_ms"),
        Column("q3", "duration", name="q3_ms"),
        Column("laps", "int"),
    ),
    "grids": (
        *_ENTRY,
        _POSITION,
        Column("gridPenalty", name="grid_penalty"),
        Column("time", "duration", name="qualifying_time_ms"),
    ),
    "driver_of_the_day": (*_ENTRY, _POSITION, Column("percentage", "float")),
    "race_results": (*_ENTRY, _POSITION, Column("gridPosition", name="grid_text")),
}
# Columns every race-level row carries besides its declared ones.
_RACE_KEYS = {"season": pa.int64(), "round": pa.int64(), "session": pa.string()}
_KEYS = {"_file": pa.string(), "_entry": pa.int64()}


def open_f1db(
    spec: str,
    workdir: Path,
    *,
    limits: ArchiveLimits,
    on_download: Callable[[int, int | None], None] | None = None,
    timeout: float = 60.0,
    attempts: int = 4,
) -> ArchiveSource:
    """Make the F1DB files undercut reads available locally, with their checksums.

    ``spec`` is a clone (or its ``src/data`` folder), a source archive ``.zip`` of the
    repository, or an http(s) URL of one. The content hash covers exactly the files read.

    Raises:
        ArchiveError: no F1DB data folder in ``spec``, or larger than ``limits`` allow.
        SourceError: a URL could not be downloaded.
    """
    directory = local_copy(
        spec,
        workdir,
        layout=LAYOUT,
        limits=limits,
        on_download=on_download,
        timeout=timeout,
        attempts=attempts,
    )
    kept: list[Path] = []
    for folder in ENTITY_FOLDERS:
        kept.extend(sorted((directory / folder).glob("*.yml")))
    for race in sorted(directory.glob("seasons/*/races/*")):
        kept.extend(race / name for name in RACE_FILES if (race / name).is_file())
    names = {path.relative_to(directory).as_posix(): path for path in kept}
    check_sizes(spec, {name: path.stat().st_size for name, path in names.items()}, limits)
    files = {name: file_entry(name, path) for name, path in names.items()}
    return ArchiveSource(origin=spec, directory=directory, files=files)


_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def read_yaml(name: str, data: bytes) -> Any:
    """One file's YAML with every scalar as text; an unreadable file is a one-line error."""
    try:
        return yaml.load(data, Loader=_LOADER)  # a base loader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ArchiveError(f"{name}{where}: not valid YAML ({problem})") from exc


def typed_row(name: str, entry: int | None, record: Any, columns: tuple[Column, ...]) -> dict:
    """``record`` (a YAML mapping of text) as a typed row, or the error naming the field."""
    where = f"{name}, entry {entry}" if entry is not None else name
    if not isinstance(record, dict):
        raise ArchiveError(f"{where}: expected a mapping of fields, found {type(record).__name__}")
    row: dict[str, Any] = {"_file": name, "_entry": entry or 0}
    for spec in columns:
        value = record.get(spec.raw)
        if isinstance(value, str) and value.strip() in ("", "~", "null"):
            value = None
        if value is None:
            if spec.required:
                raise ArchiveError(f"{where}, field '{spec.raw}': a required value is missing")
            row[spec.column] = None
            continue
        if not isinstance(value, str):
            raise ArchiveError(f"{where}, field '{spec.raw}': expected a value, found a list/map")
        try:
            row[spec.column] = CONVERTERS[spec.kind][0](value)
        except BadValue as exc:
            raise ArchiveError(f"{where}, field '{spec.raw}': {value!r} is {exc}") from exc
    return row


def _records(name: str, document: Any) -> Iterator[tuple[int, Any]]:
    if document is None:
        return
    if not isinstance(document, list):
        raise ArchiveError(f"{name}: expected a list of entries, found a mapping or value")
    yield from enumerate(document, start=1)


def parse_tree(source: ArchiveSource) -> dict[str, pa.Table]:
    """Every file of ``source`` typed into the staging tables of ``TABLES``.

    Raises:
        ArchiveError: a file is not YAML, lacks a required field or has a value of the
            wrong kind (the message names file, entry and field).
    """
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    for name, item in source.files.items():
        document = read_yaml(name, item.path.read_bytes())
        folder = PurePosixPath(name).parts[0]
        if folder in ENTITY_FOLDERS:
            rows[folder].append(typed_row(name, None, document, TABLES[folder]))
            continue
        found = _RACE_FOLDER.search(name)
        if not found:
            continue
        season, file = int(found.group(1)), found.group(3)
        if file == "race.yml":
            row = typed_row(name, None, document, TABLES["races"])
            rows["races"].append(row | {"season": season})
            continue
        table, session = _table_of(file)
        round_ = int(found.group(2))
        for entry, record in _records(name, document):
            row = typed_row(name, entry, record, TABLES[table])
            rows[table].append(row | {"season": season, "round": round_, "session": session})
    return {table: _arrow(table, found_rows) for table, found_rows in rows.items()}


def _table_of(file: str) -> tuple[str, str]:
    if file in PRACTICE_FILES:
        return "practice", PRACTICE_FILES[file]
    if file in GRID_FILES:
        return "grids", GRID_FILES[file]
    return {
        "sprint-qualifying-results.yml": ("sprint_qualifying", "sprint-qualifying"),
        "driver-of-the-day-results.yml": ("driver_of_the_day", "race"),
        "race-results.yml": ("race_results", "race"),
    }[file]


def _arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    fields = [pa.field(c.column, CONVERTERS[c.kind][1]) for c in TABLES[table]]
    keys = {} if table in ENTITY_FOLDERS else _RACE_KEYS
    present = {f.name for f in fields}
    fields += [pa.field(n, t) for n, t in {**_KEYS, **keys}.items() if n not in present]
    schema = pa.schema(fields)
    return pa.table({f.name: [row.get(f.name) for row in rows] for f in schema}, schema=schema)
