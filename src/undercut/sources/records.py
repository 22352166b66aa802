"""Declarative mapping of JSON records (raw key → column + converter) with a warning log.

Sources such as OpenF1 answer with lists of flat JSON objects. Each endpoint declares its
fields once (``Field``); ``parse_records`` turns a payload into typed rows and never
raises on bad data: a record lacking a required key is skipped, a value of the wrong type
becomes null, and every such decision is written to an ``IssueLog`` that ends up in the
validation report. That is how a malformed payload produces warnings rather than a crash
or silently wrong rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pyarrow as pa

SAMPLE_ROWS = 5

Kind = Literal["int", "float", "str", "bool", "timestamp", "text", "best"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "text": pa.string(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "best": pa.float64(),
}


@dataclass(frozen=True)
class Field:
    """One raw JSON key, the column it becomes and how its value is converted.

    ``text`` keeps numbers and strings alike as text (for values such as OpenF1's
    ``gap_to_leader`` that are either seconds or ``"+1 LAP"``), to be typed in SQL.
    ``best`` is a number, or a list of numbers and nulls (OpenF1's ``duration`` of a
    qualifying session, one per part) kept as its smallest: the best time.
    """

    raw: str
    kind: Kind
    required: bool = False
    name: str = ""

    @property
    def column(self) -> str:
        return self.name or self.raw


class BadValue(ValueError):
    """A value that cannot be converted to its field's kind."""


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue("a boolean is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise BadValue("not an integer")


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise BadValue("a boolean is not a number")
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise BadValue("not a number") from None
    else:
        raise BadValue("not a number")
    if not math.isfinite(result):
        raise BadValue("not a finite number")
    return result


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise BadValue("not a boolean")


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise BadValue("not a string")


def _to_best(value: Any) -> float:
    if isinstance(value, list):
        times = [_to_float(item) for item in value if item is not None]
        if not times:
            raise BadValue("a list without a number")
        return min(times)
    return _to_float(value)


def _to_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValue("not a number or a string")
    return str(value)


def to_utc(value: Any) -> datetime:
    """ISO 8601 text to a naive UTC datetime (a value without offset is taken as UTC)."""
    if not isinstance(value, str):
        raise BadValue("not an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadValue("not an ISO 8601 timestamp") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


CONVERTERS = {
    "int": _to_int,
    "float": _to_float,
    "str": _to_str,
    "text": _to_text,
    "bool": _to_bool,
    "timestamp": to_utc,
    "best": _to_best,
}


@dataclass
class _Issue:
    where: str
    column: str
    message: str
    failures: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)


class IssueLog:
    """Collects payload problems, grouped by (source, column, problem), for the report."""

    def __init__(self) -> None:
        self._issues: dict[tuple[str, str, str], _Issue] = {}

    def add(self, where: str, column: str, message: str, sample: dict[str, Any]) -> None:
        issue = self._issues.setdefault((where, column, message), _Issue(where, column, message))
        issue.failures += 1
        if len(issue.samples) < SAMPLE_ROWS:
            issue.samples.append(sample)

    def __len__(self) -> int:
        return len(self._issues)

    def results(self) -> list[dict[str, Any]]:
        """The issues in the shape of a warning check result (name, severity, where, ...)."""
        out = []
        for issue in self._issues.values():
            words = "".join(c if c.isalnum() else " " for c in issue.message).split()
            out.append(
                {
                    "name": "payload_" + "_".join(words[:4]).lower(),
                    "severity": "warning",
                    "where": issue.where,
                    "column": issue.column,
                    "message": issue.message,
                    "failures": issue.failures,
                    "samples": issue.samples,
                }
            )
        return out


def parse_records(
    payload: Any,
    fields: Iterable[Field],
    *,
    where: str,
    log: IssueLog,
    extra: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Typed rows from a JSON payload that should be a list of objects.

    Args:
        payload: the decoded JSON.
        fields: the endpoint's declared fields.
        where: names the payload in warnings (e.g. ``"openf1 laps, session 7953"``).
        log: receives every skipped record and nulled value.
        extra: constant columns added to every row (e.g. the bronze file it came from).

    Returns:
        One dict per usable record, keyed by column, plus ``_row`` (position in the
        payload) so later de-duplication can keep the first occurrence deterministically.
    """
    declared = list(fields)
    if not isinstance(payload, list):
        log.add(where, "", "payload is not a JSON list", {"value": repr(payload)[:120]})
        return []
    rows = []
    for index, record in enumerate(payload):
        if not isinstance(record, dict):
            log.add(
                where,
                "",
                "record is not a JSON object",
                {"line": index, "value": repr(record)[:120]},
            )
            continue
        row: dict[str, Any] = {"_row": index}
        usable = True
        for spec in declared:
            value = record.get(spec.raw)
            if value is None:
                if spec.required:
                    problem = (
                        "required field missing"
                        if spec.raw not in record
                        else "required field is null"
                    )
                    log.add(
                        where,
                        spec.raw,
                        f"{problem}; record skipped",
                        {"line": index, "value": None},
                    )
                    usable = False
                row[spec.column] = None
                continue
            try:
                row[spec.column] = CONVERTERS[spec.kind](value)
            except BadValue as exc:
                if spec.required:
                    log.add(
                        where,
                        spec.raw,
                        f"required field {exc}; record skipped",
                        {"line": index, "value": repr(value)[:80]},
                    )
                    usable = False
                else:
                    log.add(
                        where,
                        spec.raw,
                        f"{exc}; value set to null",
                        {"line": index, "value": repr(value)[:80]},
                    )
                row[spec.column] = None
        if usable:
            row.update(extra or {})
            rows.append(row)
    return rows


def arrow_table(
    rows: list[dict[str, Any]],
    fields: Iterable[Field],
    extra: Mapping[str, pa.DataType] | None = None,
) -> pa.Table:
    """Rows as an Arrow table with the declared types (empty input keeps the schema)."""
    schema = [pa.field("_row", pa.int64())]
    schema += [pa.field(f.column, ARROW_TYPES[f.kind]) for f in fields]
    schema += [pa.field(name, kind) for name, kind in (extra or {}).items()]
    arrow_schema = pa.schema(schema)
    columns = {f.name: [row.get(f.name) for row in rows] for f in arrow_schema}
    return pa.table(columns, schema=arrow_schema)
