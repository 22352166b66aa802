"""OpenF1 pull against a local replay: mapping, silver tables, idempotence, bad payloads."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer, Reply
from support.replay import OPENF1, openf1_replay
from undercut.cli import main
from undercut.config import Settings
from undercut.errors import InputError
from undercut.ingest.archive import ingest_archive
from undercut.ingest.sessions import (
    pull_missing_sessions,
    pull_sessions,
    rebuild_session_silver,
)

pytestmark = pytest.mark.usefixtures("local_mirrors")
SHARED = pytest.mark.xdist_group("sessions")
LATER = datetime(2024, 1, 1)


@pytest.fixture
def home(loaded_settings: Settings, tmp_path: Path) -> Settings:
    return copy_home(loaded_settings, tmp_path / "home")


@SHARED
def test_sessions_are_mapped_onto_races(sessions_settings: Settings) -> None:
    rows = warehouse_rows(
        sessions_settings,
        "select session_key, season, round, circuit_id, "
        "session_name, is_circuit_matched from silver.sessions order by session_key",
    )
    assert rows == [
        (7763, 2023, 1, "bahrain", "Practice 1", True),
        (7779, 2023, 2, "jeddah", "Race", True),
        (7952, 2023, 1, "bahrain", "Qualifying", True),
        (7953, 2023, 1, "bahrain", "Race", True),
    ]


@SHARED
def test_car_numbers_are_mapped_onto_drivers(sessions_settings: Settings) -> None:
    rows = warehouse_rows(
        sessions_settings,
        "select driver_number, driver_id, match_rule from "
        "silver.session_drivers where session_key = 7953 order by driver_number",
    )
    assert rows == [
        (1, "max_verstappen", "car_number"),
        (11, "perez", "car_number"),
        (14, "alonso", "car_number"),
        (44, "hamilton", "car_number"),
    ]


@SHARED
def test_laps_carry_sectors_tyres_pits_and_track_status(sessions_settings: Settings) -> None:
    raw = {
        (r["driver_number"], r["lap_number"]): r
        for r in json.loads((OPENF1 / "laps_session_key=7953.json").read_text())
    }
    rows = warehouse_rows(
        sessions_settings,
        """
        select lap, lap_time_ms, sector_1_ms, sector_2_ms, sector_3_ms, compound,
               tyre_age_laps, is_pit_in_lap, is_pit_out_lap, track_status
        from silver.session_laps
        where session_key = 7953 and driver_id = 'max_verstappen' order by lap""",
    )
    assert len(rows) == 57
    by_lap = {r[0]: r for r in rows}
    assert by_lap[20][1] == round(raw[(1, 20)]["lap_duration"] * 1000)
    assert by_lap[20][2:5] == tuple(
        round(raw[(1, 20)][f"duration_sector_{i}"] * 1000) for i in (1, 2, 3)
    )
    assert by_lap[1][2] is None  # no sector 1 time from the standing start
    # Stint 1: softs aged 3 at the start; stint 2 from lap 15 on new softs; pit on lap 14.
    assert by_lap[1][5:7] == ("SOFT", 3) and by_lap[14][5:7] == ("SOFT", 16)
    assert by_lap[15][5:7] == ("SOFT", 0) and by_lap[57][5:7] == ("HARD", 20)
    assert [lap for lap, *rest in rows if rest[6]] == [14, 36]
    assert [lap for lap, *rest in rows if rest[7]] == [15, 37]
    assert [lap for lap, *rest in rows if rest[8] == "vsc"] == [41, 42]
    assert {rest[8] for lap, *rest in rows if lap not in (41, 42)} == {"green"}


@SHARED
def test_stints_pits_and_weather(sessions_settings: Settings) -> None:
    assert warehouse_rows(
        sessions_settings,
        "select stint_number, lap_start, lap_end, laps, compound "
        "from silver.stints where session_key = 7953 and driver_id = 'hamilton' "
        "order by 1",
    ) == [(1, 1, 12, 12, "SOFT"), (2, 13, 29, 17, "HARD"), (3, 30, 57, 28, "HARD")]
    pits = warehouse_rows(
        sessions_settings,
        "select driver_id, lap, pit_lane_ms from "
        "silver.session_pits where session_key = 7953 order by driver_id, lap",
    )
    assert len(pits) == 8 and all(20000 < ms < 26000 for *_, ms in pits)
    weather = warehouse_rows(
        sessions_settings,
        "select count(*), bool_or(is_raining), "
        "min(air_temperature_c) from silver.session_weather where round = 1",
    )
    assert weather == [(25, False, 26.2)]


def test_second_pull_fetches_nothing_and_changes_nothing(home: Settings) -> None:
    with LocalServer(fallback=openf1_replay()) as server:
        first = pull_sessions(home, 2023, base_url=f"{server.url}/v1/", now=LATER)
        before = warehouse_rows(home, "select * from silver.session_laps order by all")
        second = pull_sessions(home, 2023, base_url=f"{server.url}/v1/", now=LATER)
    assert (first.sessions_fetched, first.requests) == (2, 2 + 2 * 6)
    # The schedule is asked again, and answered by the HTTP cache: no network at all.
    assert (second.sessions_fetched, second.sessions_cached, second.requests) == (0, 2, 0)
    assert second.from_cache == 2
    assert second.row_counts == first.row_counts
    assert warehouse_rows(home, "select * from silver.session_laps order by all") == before
    assert first.warnings == []


def test_round_filter_and_unfinished_sessions(home: Settings) -> None:
    with LocalServer(fallback=openf1_replay()) as server:
        result = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
        paths = [p for p, _ in server.requests]
        early = pull_sessions(home, 2023, 2, f"{server.url}/v1/", now=datetime(2023, 3, 19, 18, 0))
    assert "/v1/laps?session_key=7953" in paths
    assert not any("7779" in p for p in paths)
    assert result.row_counts["session_laps"] == 228
    assert (early.sessions_fetched, early.sessions_pending) == (0, 1)


def test_all_sessions_and_timing(home: Settings) -> None:
    with LocalServer(fallback=openf1_replay()) as server:
        result = pull_sessions(
            home, 2023, 1, f"{server.url}/v1/", now=LATER, all_sessions=True, with_timing=True
        )
    assert result.sessions_fetched == 3  # practice and qualifying have no data: empty lists
    assert result.row_counts["session_positions"] == 4
    rows = warehouse_rows(
        home,
        "select driver_id, gap_to_leader_ms, interval_ms from "
        "silver.session_intervals where recorded_at < '2023-03-05 15:25' "
        "order by recorded_at",
    )
    assert rows[0][1:] == (None, None) and rows[1][1] > 0
    lapped = warehouse_rows(
        home,
        "select driver_id, gap_to_leader_ms, interval_ms, laps_behind from "
        "silver.session_intervals where recorded_at > '2023-03-05 16:35'",
    )
    assert lapped == [("alonso", None, None, 1)]


def test_bad_payloads_become_warnings_not_errors(home: Settings) -> None:
    laps = json.loads((OPENF1 / "laps_session_key=7953.json").read_text())
    del laps[0]["lap_number"]  # missing field
    laps[1]["driver_number"] = None  # null key
    laps[2]["lap_duration"] = "n/a"  # wrong type
    laps[3]["lap_duration"] = -1.0  # impossible value
    duplicate = dict(laps[10], lap_duration=123.456)
    stranger = [dict(laps[20], driver_number=99, lap_number=n) for n in (1, 2, 3)]
    laps += [duplicate, *stranger]
    drivers = json.loads((OPENF1 / "drivers_session_key=7953.json").read_text())
    drivers.append(
        dict(
            drivers[0],
            driver_number=98,
            name_acronym="ZZZ",
            first_name="Nobody",
            last_name="Known",
            full_name="Nobody KNOWN",
        )
    )
    sessions = json.loads((OPENF1 / "sessions_year=2023.json").read_text())
    sessions.append(
        dict(
            sessions[0],
            session_key=9999,
            meeting_key=4242,
            date_start="2023-08-13T12:00:00+00:00",
            date_end="2023-08-13T14:00:00+00:00",
            session_name="Race",
        )
    )
    sessions.append(dict(sessions[0], session_key=9998, date_start=None))
    overrides = {
        "laps_session_key=7953.json": json.dumps(laps).encode(),
        "drivers_session_key=7953.json": json.dumps(drivers).encode(),
        "sessions_year=2023.json": json.dumps(sessions).encode(),
        "weather_session_key=7953.json": Reply(200, b"<html>502 Bad Gateway</html>"),
    }
    with LocalServer(fallback=openf1_replay(overrides)) as server:
        result = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    found = {(w.name, w.column): w for w in result.warnings}
    assert found[("payload_required_field_missing_record", "lap_number")].failures == 1
    assert found[("payload_required_field_is_null", "driver_number")].failures == 1
    assert found[("payload_not_a_number_value", "lap_duration")].failures == 1
    assert (
        found[("laps_duplicated", "lap_number")].samples[0]["driver_number"]
        == laps[10]["driver_number"]
    )
    assert found[("laps_unknown_driver", "driver_number")].samples[0]["value"] == 99
    assert found[("laps_bad_duration", "lap_duration")].failures == 1
    assert found[("drivers_unmapped", "driver_id")].samples[0]["value"] == 98
    assert found[("sessions_unmapped", "round")].samples[0]["session_key"] == 9999
    assert found[("payload_required_field_is_null", "date_start")].failures == 1
    assert any("not JSON" in w.message for w in result.warnings)
    # What was loaded is right: the first copy of a duplicated lap, unknown car kept
    # without a driver, the impossible time nulled, nothing invented.
    assert warehouse_rows(
        home,
        "select lap_time_ms from silver.session_laps where session_key = 7953 "
        "and driver_number = ? and lap = ?",
        [laps[10]["driver_number"], laps[10]["lap_number"]],
    ) == [(round(laps[10]["lap_duration"] * 1000),)]
    assert warehouse_rows(
        home, "select count(*), count(driver_id) from silver.session_laps where driver_number = 99"
    ) == [(3, 0)]
    assert warehouse_rows(
        home, "select count(*) from silver.session_laps where session_key = 7953"
    ) == [(228 - 2 + 3,)]
    assert warehouse_rows(
        home, "select count(*) from silver.session_laps where lap_time_ms <= 0"
    ) == [(0,)]
    assert warehouse_rows(home, "select count(*) from silver.session_weather") == [(0,)]
    report = json.loads(Path(result.report_path or "").read_text())
    assert report["warnings"] == len(result.warnings) >= 10
    # The weather body was not stored, so the next pull asks for it again.
    with LocalServer(fallback=openf1_replay()) as server:
        again = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    assert [p for p, _ in server.requests][2:] == ["/v1/weather?session_key=7953"]
    assert again.row_counts["session_weather"] == 25


def test_tables_are_restored_from_bronze_after_a_reingest(
    home: Settings, archive_dir: Path
) -> None:
    with LocalServer(fallback=openf1_replay()) as server:
        pulled = pull_sessions(home, 2023, base_url=f"{server.url}/v1/", now=LATER)
    ingest_archive(home, str(archive_dir), force=True)
    assert warehouse_rows(home, "select count(*) from silver.session_laps") == [(0,)]
    counts, _warnings, _report = rebuild_session_silver(home)
    assert counts == pulled.row_counts and counts["session_laps"] == 378


def test_inputs_are_checked(home: Settings) -> None:
    with pytest.raises(InputError, match="from 2023 on"):
        pull_sessions(home, 2019)
    with pytest.raises(InputError, match="--round needs --season"):
        pull_sessions(home, None, 3)


def test_cli_pull_json_and_errors(
    home: Settings, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_HTTP_RETRIES", "1")
    with LocalServer(fallback=openf1_replay()) as server:
        code = main(
            [
                "sessions",
                "pull",
                "--season",
                "2023",
                "--round",
                "2",
                "--base-url",
                f"{server.url}/v1/",
                "--home",
                str(home.local_dir),
                "--format",
                "json",
            ]
        )
    out = capsys.readouterr()
    assert code == 0, out.err
    document = json.loads(out.out)
    assert document["row_counts"]["session_laps"] == 150
    assert document["sessions_fetched"] == 1 and document["warnings"] == []
    code = main(["sessions", "pull", "--season", "2019", "--home", str(home.local_dir)])
    assert code == 2
    assert "from 2023 on" in capsys.readouterr().err
    with LocalServer({}, fallback=lambda p, h: Reply(500)) as server:
        code = main(
            [
                "sessions",
                "pull",
                "--season",
                "2023",
                "--base-url",
                f"{server.url}/v1/",
                "--home",
                str(home.local_dir),
            ]
        )
    err = capsys.readouterr().err
    assert code == 1 and "HTTP 500" in err and "Traceback" not in err


def test_pull_missing_sessions_is_what_update_calls(home: Settings) -> None:
    calls: list[tuple[str, int, int]] = []
    with LocalServer(fallback=openf1_replay()) as server:
        settings = home.model_copy(update={"openf1_url": f"{server.url}/v1/"})
        first = pull_missing_sessions(settings, progress=lambda *a: calls.append(a))
        second = pull_missing_sessions(settings, 2023)
        before_2023 = pull_missing_sessions(settings, 2019)
        paths = [p for p, _ in server.requests]
    assert first.seasons == [2023, 2024, 2025]  # up to the warehouse's last season
    # The two races and Bahrain's first practice (for the weekend forecasts).
    assert (first.sessions_fetched, first.row_counts["session_laps"]) == (3, 378 + 37)
    assert ("OpenF1: done", 3, 3) in calls and any(total == 3 for _d, _n, total in calls)
    assert (second.sessions_fetched, second.sessions_cached) == (0, 3)
    assert before_2023.seasons == [] and before_2023.requests == 0
    assert not any("2019" in p for p in paths)


def test_one_session_by_key(home: Settings) -> None:
    with LocalServer(fallback=openf1_replay()) as server:
        result = pull_sessions(
            home, 2023, base_url=f"{server.url}/v1/", session_key=7779, now=LATER
        )
        with pytest.raises(InputError, match="--session 1234: OpenF1 lists no such session"):
            pull_sessions(home, 2023, base_url=f"{server.url}/v1/", session_key=1234, now=LATER)
    assert result.sessions_fetched == 1
    assert not any("7953" in p for p, _ in server.requests)
    assert warehouse_rows(home, "select distinct session_key from silver.session_laps") == [(7779,)]


def test_car_numbers_fall_back_to_codes_numbers_and_names(home: Settings) -> None:
    drivers = json.loads((OPENF1 / "drivers_session_key=7953.json").read_text())
    extra = [
        (3, "RIC", "Daniel", "Ricciardo"),  # raced 2023 in car 3, from round 11
        (40, "LWS", "Liam", "Lawson"),  # car 40 later in 2023, acronym unknown
        (47, "MSC", "Mick", "Schumacher"),  # not a 2023 race driver
        (97, "AGI", "Antonio", "Giovinazzi"),  # only the name matches
        (96, "ZZZ", "Nobody", "Known"),
    ]
    drivers += [
        dict(
            drivers[0],
            driver_number=n,
            name_acronym=code,
            first_name=first,
            last_name=last,
            full_name=f"{first} {last.upper()}",
        )
        for n, code, first, last in extra
    ]
    sessions = json.loads((OPENF1 / "sessions_year=2023.json").read_text())
    sessions.append(
        dict(
            sessions[-1],
            session_key=9997,
            meeting_key=4243,
            location="Atlantis",
            country_name="Nowhere",
        )
    )  # date alone matches
    sessions.append(
        dict(
            sessions[0],
            session_key=7760,
            meeting_key=1140,
            session_name="Day 1",
            date_start="2023-02-23T07:00:00+00:00",
            date_end="2023-02-23T16:00:00+00:00",
        )
    )  # pre-season testing
    meetings = json.loads((OPENF1 / "meetings_year=2023.json").read_text())
    meetings.append(
        dict(
            meetings[0],
            meeting_key=1140,
            meeting_name="Pre-Season Testing",
            date_start="2023-02-23T07:00:00+00:00",
        )
    )
    overrides = {
        "drivers_session_key=7953.json": json.dumps(drivers).encode(),
        "sessions_year=2023.json": json.dumps(sessions).encode(),
        "meetings_year=2023.json": json.dumps(meetings).encode(),
    }
    with LocalServer(fallback=openf1_replay(overrides)) as server:
        result = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    rows = warehouse_rows(
        home,
        "select driver_number, driver_id, match_rule from "
        "silver.session_drivers where session_key = 7953 and driver_number in "
        "(3, 40, 47, 97, 96) order by driver_number",
    )
    assert rows == [
        (3, "ricciardo", "season_code"),
        (40, "lawson", "season_number"),
        (47, "mick_schumacher", "permanent_number"),
        (96, None, None),
        (97, "giovinazzi", "name"),
    ]
    unmapped = [w for w in result.warnings if w.name == "drivers_unmapped"]
    assert [s["value"] for s in unmapped[0].samples] == [96]
    assert warehouse_rows(
        home,
        "select season, round, circuit_id, is_circuit_matched from "
        "silver.sessions where session_key = 9997",
    ) == [(2023, 2, "jeddah", False)]
    mismatch = [w for w in result.warnings if w.name == "sessions_circuit_mismatch"]
    assert [s["session_key"] for s in mismatch[0].samples] == [9997]
    # Testing belongs to no race: kept, unmapped, and not a warning.
    assert warehouse_rows(home, "select round from silver.sessions where session_key = 7760") == [
        (None,)
    ]
    assert not any(w.name == "sessions_unmapped" for w in result.warnings)


def test_bad_stints_and_pits_become_warnings(home: Settings) -> None:
    stints = json.loads((OPENF1 / "stints_session_key=7953.json").read_text())
    ver = sorted((s for s in stints if s["driver_number"] == 1), key=lambda s: s["stint_number"])
    ver[1]["lap_start"] = ver[0]["lap_end"] - 2  # overlaps stint 1
    ham = [s for s in stints if s["driver_number"] == 44]
    ham[-1]["lap_end"] = None  # no last lap
    pits = json.loads((OPENF1 / "pit_session_key=7953.json").read_text())
    pits.append(dict(pits[0], driver_number=77, lap_number=20))
    overrides = {
        "stints_session_key=7953.json": json.dumps(stints).encode(),
        "pit_session_key=7953.json": json.dumps(pits).encode(),
    }
    with LocalServer(fallback=openf1_replay(overrides)) as server:
        result = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    found = {w.name: w for w in result.warnings}
    assert {(s["driver_number"], s["stint_number"]) for s in found["stints_invalid"].samples} == {
        (1, 1),
        (1, 2),
        (44, ham[-1]["stint_number"]),
    }
    assert [s["value"] for s in found["pits_unknown_driver"].samples] == [77]
    # Each lap is still one row; the overlapped laps take the later stint.
    overlap = ver[0]["lap_end"]
    assert warehouse_rows(
        home,
        "select count(*), count(distinct lap) from silver.session_laps "
        "where session_key = 7953 and driver_number = 1",
    ) == [(57, 57)]
    assert warehouse_rows(
        home,
        "select stint_number, tyre_age_laps from silver.session_laps where "
        "session_key = 7953 and driver_number = 1 and lap = ?",
        [overlap],
    ) == [(2, ver[1]["tyre_age_at_start"] + 2)]


def test_a_recent_race_without_laps_yet_is_asked_again(home: Settings) -> None:
    soon = datetime(2023, 3, 5, 18, 0)  # an hour after the Bahrain race ended
    hidden = {"laps_session_key=7953.json": Reply(404, b'{"detail": "No results found."}')}
    with LocalServer(fallback=openf1_replay(hidden)) as server:
        early = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=soon)
    assert early.sessions_fetched == 1 and early.row_counts["session_laps"] == 0
    assert any(w.message == "no data published yet; asked again next pull" for w in early.warnings)
    with LocalServer(fallback=openf1_replay()) as server:
        later = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
    assert [p for p, _ in server.requests][2:] == ["/v1/laps?session_key=7953"]
    assert later.row_counts["session_laps"] == 228 and later.warnings == []


def test_refresh_fetches_again_past_the_http_cache(home: Settings) -> None:
    overrides: dict[str, bytes | Reply] = {}
    with LocalServer(fallback=openf1_replay(overrides)) as server:
        pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
        laps = json.loads((OPENF1 / "laps_session_key=7953.json").read_text())
        corrected = [dict(r, lap_duration=r["lap_duration"] + 1) for r in laps]
        overrides["laps_session_key=7953.json"] = json.dumps(corrected).encode()
        cached = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER)
        before = warehouse_rows(home, "select sum(lap_time_ms) from silver.session_laps")
        refreshed = pull_sessions(home, 2023, 1, f"{server.url}/v1/", now=LATER, refresh=True)
        after = warehouse_rows(home, "select sum(lap_time_ms) from silver.session_laps")
    assert (cached.sessions_fetched, refreshed.sessions_fetched) == (0, 1)
    assert refreshed.requests == 6  # every endpoint of the session, none from the cache
    timed = sum(1 for r in laps if r["lap_duration"])
    assert after[0][0] - before[0][0] == 1000 * timed
