"""Declarative payload mapping: typed rows, and warnings instead of exceptions."""

from __future__ import annotations

from datetime import datetime

from undercut.sources.openf1 import FIELDS
from undercut.sources.records import Field, IssueLog, arrow_table, parse_records


def _lap(**changes: object) -> dict:
    lap = {
        "session_key": 7953,
        "driver_number": 1,
        "lap_number": 5,
        "date_start": "2023-03-05T15:10:00.250000+00:00",
        "lap_duration": 97.1,
        "duration_sector_1": 30.9,
        "duration_sector_2": 41.2,
        "duration_sector_3": 25.0,
        "i1_speed": 231,
        "i2_speed": 255,
        "st_speed": 310,
        "is_pit_out_lap": False,
    }
    lap.update(changes)
    return {k: v for k, v in lap.items() if v is not ...}


def test_a_good_record_is_typed_and_timestamps_become_naive_utc() -> None:
    log = IssueLog()
    rows = parse_records(
        [_lap(date_start="2023-03-05T18:10:00+03:00")], FIELDS["laps"], where="laps", log=log
    )
    assert len(log) == 0
    assert rows[0]["lap_number"] == 5
    assert rows[0]["lap_duration"] == 97.1
    assert rows[0]["date_start"] == datetime(2023, 3, 5, 15, 10)
    assert rows[0]["is_pit_out_lap"] is False


def test_missing_or_null_required_fields_skip_the_record_with_a_warning() -> None:
    log = IssueLog()
    payload = [_lap(), _lap(lap_number=...), _lap(driver_number=None), _lap(lap_number=6)]
    rows = parse_records(payload, FIELDS["laps"], where="laps 7953", log=log)
    assert [r["lap_number"] for r in rows] == [5, 6]
    problems = {(r["column"], r["message"]): r for r in log.results()}
    missing = problems[("lap_number", "required field missing; record skipped")]
    assert missing["failures"] == 1 and missing["samples"][0]["line"] == 1
    assert ("driver_number", "required field is null; record skipped") in problems
    assert all(r["severity"] == "warning" and r["where"] == "laps 7953" for r in log.results())


def test_a_badly_typed_optional_value_becomes_null_with_a_warning() -> None:
    log = IssueLog()
    rows = parse_records(
        [_lap(lap_duration="abc", i1_speed=True, is_pit_out_lap="yes")],
        FIELDS["laps"],
        where="laps",
        log=log,
    )
    assert rows[0]["lap_duration"] is None
    assert rows[0]["i1_speed"] is None
    assert rows[0]["is_pit_out_lap"] is None
    assert {r["column"] for r in log.results()} == {"lap_duration", "i1_speed", "is_pit_out_lap"}


def test_numbers_as_strings_and_integral_floats_are_accepted() -> None:
    log = IssueLog()
    rows = parse_records(
        [_lap(driver_number="44", lap_number=7.0, lap_duration="96.5")],
        FIELDS["laps"],
        where="laps",
        log=log,
    )
    assert (rows[0]["driver_number"], rows[0]["lap_number"], rows[0]["lap_duration"]) == (
        44,
        7,
        96.5,
    )
    assert len(log) == 0


def test_a_payload_that_is_not_a_list_or_holds_non_objects_is_reported() -> None:
    log = IssueLog()
    assert parse_records({"detail": "oops"}, FIELDS["laps"], where="laps", log=log) == []
    assert (
        parse_records([1, "x", _lap()], FIELDS["laps"], where="laps", log=log)[0]["lap_number"] == 5
    )
    messages = {r["message"]: r["failures"] for r in log.results()}
    assert messages == {"payload is not a JSON list": 1, "record is not a JSON object": 2}


def test_text_fields_keep_seconds_and_lap_gaps_alike() -> None:
    log = IssueLog()
    rows = parse_records(
        [
            {
                "session_key": 1,
                "driver_number": 4,
                "date": "2023-03-05T16:00:00+00:00",
                "gap_to_leader": "+1 LAP",
                "interval": 1.234,
            }
        ],
        FIELDS["intervals"],
        where="intervals",
        log=log,
    )
    assert (rows[0]["gap_to_leader"], rows[0]["interval"]) == ("+1 LAP", "1.234")


def test_arrow_table_keeps_declared_types_even_when_empty() -> None:
    fields = (Field("a", "int", required=True), Field("when", "timestamp"))
    table = arrow_table([], fields)
    assert table.num_rows == 0
    assert [str(t) for t in table.schema.types] == ["int64", "int64", "timestamp[us]"]
