"""Declared layout of an Ergast-format CSV archive.

The archive's own column names and types are declared here, explicitly, because CSV
sniffing guesses wrong on this data (``races.csv`` has 2025 rows with 8 of 18 columns).
Columns are matched by header name, not position (``sprint_results.csv`` orders its last
columns differently from ``results.csv``). Type ``DURATION`` is a lap/session time such
as ``1:27.452`` that silver stores both as text and as milliseconds.

Every numeric column has physical bounds (``BOUNDS``, by column name): generous, well
beyond anything a race has produced, but finite, so a corrupt value (``laps=5800000``,
``points=1e308``, ``nan``) is refused at ingest instead of being served.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INT = "INTEGER"
DBL = "DOUBLE"
TXT = "VARCHAR"
DATE = "DATE"
TIME = "TIME"
DURATION = "DURATION"
NUMERIC = frozenset({INT, DBL, DURATION})


# No line of the archive comes near this (its longest is under 500 bytes); a longer one is
# refused before it is read into memory.
MAX_LINE_BYTES = 1 << 20

Bound = tuple[float, float]

_ID: Bound = (1, 10_000_000)
_DAY_MS: Bound = (0, 86_400_000)  # a race, a lap or a pit stop (red flags included)
_LAP: Bound = (0, 1000)  # laps run, a lap number (the longest races ran 200)
_PLACE: Bound = (1, 1000)  # a finishing, qualifying or standings place

# Physical bounds per numeric column name: a numeric column means the same in every file.
BOUNDS: dict[str, Bound] = {
    **dict.fromkeys(
        (
            "circuitId",
            "constructorId",
            "driverId",
            "raceId",
            "statusId",
            "resultId",
            "qualifyId",
            "driverStandingsId",
            "constructorStandingsId",
            "constructorResultsId",
        ),
        _ID,
    ),
    **dict.fromkeys(
        ("milliseconds", "time", "duration", "fastestLapTime", "q1", "q2", "q3"), _DAY_MS
    ),
    **dict.fromkeys(
        ("laps", "lap", "fastestLap", "Lap", "Deployed", "Retreated", "FullLaps"), _LAP
    ),
    **dict.fromkeys(("position", "positionOrder"), _PLACE),
    **dict.fromkeys(("grid", "rank"), (0, 1000)),  # grid 0: from the pit lane
    "year": (1950, 2100),
    "round": (1, 100),
    "number": (0, 999),
    "points": (0, 10_000),
    "wins": (0, 100),
    "stop": (1, 100),
    "fastestLapSpeed": (0, 500),  # km/h
    "lat": (-90, 90),
    "lng": (-180, 180),
    "alt": (-500, 9000),  # metres: the Dead Sea shore to Everest
}


@dataclass(frozen=True)
class ArchiveTable:
    """One CSV file of the archive."""

    name: str
    columns: dict[str, str]
    primary_key: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)
    not_null: tuple[str, ...] = ()
    optional_columns: frozenset[str] = frozenset()
    row_may_omit: frozenset[str] = frozenset()  # trailing columns a row may leave out
    required: bool = True
    min_rows: int = 1
    encoding: str = "utf-8"

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def __post_init__(self) -> None:
        unbounded = [c for c, kind in self.columns.items() if kind in NUMERIC and c not in BOUNDS]
        if unbounded:
            raise ValueError(f"{self.file_name}: no BOUNDS for numeric column(s) {unbounded}")

    def required_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.optional_columns]

    def bounds(self) -> dict[str, Bound]:
        """The physical bounds of each numeric column."""
        return {c: BOUNDS[c] for c, kind in self.columns.items() if kind in NUMERIC}


_RACE_SESSIONS = (
    "fp1_date",
    "fp1_time",
    "fp2_date",
    "fp2_time",
    "fp3_date",
    "fp3_time",
    "quali_date",
    "quali_time",
    "sprint_date",
    "sprint_time",
)

_RESULT_COLUMNS = {
    "resultId": INT,
    "raceId": INT,
    "driverId": INT,
    "constructorId": INT,
    "number": INT,
    "grid": INT,
    "position": INT,
    "positionText": TXT,
    "positionOrder": INT,
    "points": DBL,
    "laps": INT,
    "time": TXT,
    "milliseconds": INT,
    "fastestLap": INT,
    "rank": INT,
    "fastestLapTime": DURATION,
    "fastestLapSpeed": DBL,
    "statusId": INT,
}
_RESULT_FKS = {
    "raceId": "races",
    "driverId": "drivers",
    "constructorId": "constructors",
    "statusId": "status",
}

TABLES: tuple[ArchiveTable, ...] = (
    ArchiveTable(
        "circuits",
        {
            "circuitId": INT,
            "circuitRef": TXT,
            "name": TXT,
            "location": TXT,
            "country": TXT,
            "lat": DBL,
            "lng": DBL,
            "alt": INT,
            "url": TXT,
        },
        primary_key=("circuitId",),
        not_null=("circuitRef", "name"),
        optional_columns=frozenset({"alt", "url"}),
    ),
    ArchiveTable(
        "constructors",
        {"constructorId": INT, "constructorRef": TXT, "name": TXT, "nationality": TXT, "url": TXT},
        primary_key=("constructorId",),
        not_null=("constructorRef", "name"),
        optional_columns=frozenset({"url"}),
    ),
    ArchiveTable(
        "drivers",
        {
            "driverId": INT,
            "driverRef": TXT,
            "number": INT,
            "code": TXT,
            "forename": TXT,
            "surname": TXT,
            "dob": DATE,
            "nationality": TXT,
            "url": TXT,
        },
        primary_key=("driverId",),
        not_null=("driverRef", "surname"),
        optional_columns=frozenset({"url"}),
    ),
    ArchiveTable("seasons", {"year": INT, "url": TXT}, primary_key=("year",), required=False),
    ArchiveTable(
        "status", {"statusId": INT, "status": TXT}, primary_key=("statusId",), not_null=("status",)
    ),
    ArchiveTable(
        "races",
        {
            "raceId": INT,
            "year": INT,
            "round": INT,
            "circuitId": INT,
            "name": TXT,
            "date": DATE,
            "time": TIME,
            "url": TXT,
            **{c: (DATE if c.endswith("_date") else TIME) for c in _RACE_SESSIONS},
        },
        primary_key=("raceId",),
        foreign_keys={"circuitId": "circuits"},
        not_null=("year", "round", "circuitId", "name", "date"),
        optional_columns=frozenset({"time", "url", *_RACE_SESSIONS}),
        row_may_omit=frozenset(_RACE_SESSIONS),  # the 2025 rows stop after url
    ),
    ArchiveTable(
        "results",
        _RESULT_COLUMNS,
        primary_key=("resultId",),
        foreign_keys=_RESULT_FKS,
        not_null=("raceId", "driverId", "constructorId", "positionOrder", "statusId"),
    ),
    ArchiveTable(
        "sprint_results",
        _RESULT_COLUMNS,
        primary_key=("resultId",),
        foreign_keys=_RESULT_FKS,
        not_null=("raceId", "driverId", "constructorId", "positionOrder", "statusId"),
        optional_columns=frozenset({"rank", "fastestLapSpeed"}),
        required=False,
        min_rows=0,
    ),
    ArchiveTable(
        "qualifying",
        {
            "qualifyId": INT,
            "raceId": INT,
            "driverId": INT,
            "constructorId": INT,
            "number": INT,
            "position": INT,
            "q1": DURATION,
            "q2": DURATION,
            "q3": DURATION,
        },
        primary_key=("qualifyId",),
        foreign_keys={"raceId": "races", "driverId": "drivers", "constructorId": "constructors"},
        not_null=("raceId", "driverId", "constructorId"),
    ),
    ArchiveTable(
        "pit_stops",
        {
            "raceId": INT,
            "driverId": INT,
            "stop": INT,
            "lap": INT,
            "time": TIME,
            "duration": DURATION,
            "milliseconds": INT,
        },
        primary_key=("raceId", "driverId", "stop"),
        foreign_keys={"raceId": "races", "driverId": "drivers"},
        not_null=("raceId", "driverId", "stop"),
        required=False,
        min_rows=0,
    ),
    ArchiveTable(
        "lap_times",
        {
            "raceId": INT,
            "driverId": INT,
            "lap": INT,
            "position": INT,
            "time": DURATION,
            "milliseconds": INT,
        },
        primary_key=("raceId", "driverId", "lap"),
        foreign_keys={"raceId": "races", "driverId": "drivers"},
        not_null=("raceId", "driverId", "lap"),
        required=False,
        min_rows=0,
    ),
    ArchiveTable(
        "driver_standings",
        {
            "driverStandingsId": INT,
            "raceId": INT,
            "driverId": INT,
            "points": DBL,
            "position": INT,
            "positionText": TXT,
            "wins": INT,
        },
        primary_key=("driverStandingsId",),
        foreign_keys={"raceId": "races", "driverId": "drivers"},
        not_null=("raceId", "driverId", "points"),
    ),
    ArchiveTable(
        "constructor_standings",
        {
            "constructorStandingsId": INT,
            "raceId": INT,
            "constructorId": INT,
            "points": DBL,
            "position": INT,
            "positionText": TXT,
            "wins": INT,
        },
        primary_key=("constructorStandingsId",),
        foreign_keys={"raceId": "races", "constructorId": "constructors"},
        not_null=("raceId", "constructorId", "points"),
    ),
    ArchiveTable(
        "constructor_results",
        {
            "constructorResultsId": INT,
            "raceId": INT,
            "constructorId": INT,
            "points": DBL,
            "status": TXT,
        },
        primary_key=("constructorResultsId",),
        foreign_keys={"raceId": "races", "constructorId": "constructors"},
        not_null=("raceId", "constructorId"),
        required=False,
        min_rows=0,
    ),
    ArchiveTable(
        "safety_cars",
        {"Race": TXT, "Cause": TXT, "Deployed": INT, "Retreated": DBL, "FullLaps": INT},
        not_null=("Race",),
        required=False,
        min_rows=0,
    ),
    ArchiveTable(
        "red_flags",
        {"Race": TXT, "Lap": INT, "Resumed": TXT, "Incident": TXT, "Excluded": TXT},
        not_null=("Race",),
        required=False,
        min_rows=0,
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}
