"""`undercut schedule`: slots from the real calendar, and two schedulers at once → one runs."""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from support.jobs import BIN, cli_env, kill_group, start_cli, wait_for
from undercut.config import Settings, get_settings
from undercut.jobs import ledger
from undercut.jobs.options import JobOptions
from undercut.jobs.probes import RaceWeekend
from undercut.jobs.schedule import next_slot, previous_slot, read_calendar, slots_between

OPTIONS = JobOptions(interval_minutes=15, window_hours=3, daily_hour=6, jitter_seconds=0)


@pytest.fixture(scope="module")
def calendar(loaded_settings: Settings) -> list[RaceWeekend]:
    return read_calendar(loaded_settings)


def _weekend(calendar: list[RaceWeekend], season: int, rnd: int) -> RaceWeekend:
    return next(w for w in calendar if (w.season, w.round) == (season, rnd))


def test_race_weekend_polls_after_qualifying_and_the_race(calendar: list[RaceWeekend]) -> None:
    austin = _weekend(calendar, 2025, 19)
    assert austin.race_name == "United States Grand Prix"
    assert not austin.has_result and not austin.has_qualifying
    # The archive has no session times for 2025: qualifying is taken as the day before.
    assert austin.race_start == datetime(2025, 10, 19, 19, 0)
    assert austin.qualifying_start == austin.race_start - timedelta(days=1)
    assert austin.sprint_start is None
    weekend = slots_between(
        calendar,
        austin.first_session - timedelta(hours=1),
        austin.race_start + timedelta(days=1),
        OPTIONS,
    )
    by_session: dict[str, list[datetime]] = {}
    for slot in weekend:
        if slot.key.startswith("2025:19:"):
            by_session.setdefault(slot.key.split(":")[2], []).append(slot.at)
    assert set(by_session) == {"qualifying", "race"}
    race = by_session["race"]
    assert race[0] == austin.race_start + timedelta(hours=2)
    assert len(race) == 3 * 60 // 15 + 1
    assert all(b - a == timedelta(minutes=15) for a, b in pairwise(race))
    assert by_session["qualifying"][0] == austin.qualifying_start + timedelta(hours=1)
    busy = {at.date() for ats in by_session.values() for at in ats}
    assert not any(s.key == f"daily:{day:%Y-%m-%d}" for s in weekend for day in busy)
    # Just before the race ends the next run is the first poll after it.
    before = next_slot(calendar, austin.race_start + timedelta(minutes=90), OPTIONS)
    assert before.at == austin.race_start + timedelta(hours=2)
    assert before.key.startswith("2025:19:race:") and "after race" in before.reason
    # An hour into the polling window the due slot is the newest poll, not the first.
    due = previous_slot(calendar, austin.race_start + timedelta(hours=3, minutes=5), OPTIONS)
    assert due is not None and due.at == austin.race_start + timedelta(hours=3)


def test_outside_race_weekends_it_runs_daily(calendar: list[RaceWeekend]) -> None:
    singapore = _weekend(calendar, 2025, 18)
    austin = _weekend(calendar, 2025, 19)
    quiet = singapore.race_start + timedelta(days=4)
    assert quiet < austin.first_session
    slot = next_slot(calendar, quiet, OPTIONS)
    assert slot.key == f"daily:{(quiet + timedelta(days=1)).date():%Y-%m-%d}"
    assert slot.at.hour == 6 and slot.reason == "daily update"
    between = slots_between(
        calendar,
        singapore.race_start + timedelta(days=1),
        austin.first_session - timedelta(days=1),
        OPTIONS,
    )
    assert between and all(s.key.startswith("daily:") for s in between)


@pytest.mark.parametrize("lock", ["database", "redis"])
def test_two_schedulers_started_at_once_run_the_slot_once(
    lock: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home = tmp_path / "home"
    extra = {"UNDERCUT_JOB_DAILY_HOUR": "0", "UNDERCUT_JOB_JITTER_SECONDS": "0.5"}
    if lock == "redis":
        redis = request.getfixturevalue("redis_settings")
        extra |= {
            "UNDERCUT_REDIS_URL": redis["redis_url"],
            "UNDERCUT_REDIS_PREFIX": redis["redis_prefix"],
        }
    env = cli_env(home, **extra)
    settings = get_settings(home=str(home))
    ledger.ensure_schema(settings)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_cli(["schedule", "--step", "evaluate"], env, log) for log in logs]
    try:
        wait_for(
            lambda: all("next run" in log.read_text() for log in logs),
            120,
            "both schedulers to plan their next run",
        )
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        codes = [proc.wait(timeout=30) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                kill_group(proc)
    texts = [log.read_text() for log in logs]
    assert codes == [130, 130], texts
    assert not any("Traceback" in text for text in texts), texts
    total, runs = ledger.list_runs(settings)
    assert total == 1, texts
    assert runs[0]["trigger"] == "schedule" and runs[0]["status"] == "succeeded"
    today = datetime.now(UTC).date()
    assert runs[0]["params"]["slot"] in {
        f"daily:{today:%Y-%m-%d}",
        f"daily:{today - timedelta(days=1):%Y-%m-%d}",
    }
    ran = [text for text in texts if "running slot" in text]
    assert len(ran) == 1, texts
    assert f"run {runs[0]['id'][:12]} succeeded" in ran[0]


def test_schedule_once_is_idempotent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = cli_env(home, UNDERCUT_JOB_DAILY_HOUR="0", UNDERCUT_JOB_JITTER_SECONDS="0")
    for _ in range(2):
        done = subprocess.run(
            [str(BIN / "undercut"), "schedule", "--once", "--step", "evaluate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    total, runs = ledger.list_runs(get_settings(home=str(home)))
    assert total == 1
    assert runs[0]["steps"][0]["status"] == "skipped"


def test_with_f1db_it_also_polls_after_each_practice(f1db_settings: Settings) -> None:
    calendar = read_calendar(f1db_settings)
    singapore = _weekend(calendar, 2025, 18)
    china = _weekend(calendar, 2024, 5)  # a sprint weekend: one practice, sprint qualifying
    assert [name for name, _ in china.session_starts] == ["fp1", "sprint-qualifying"]
    assert china.session_starts[0][1] == datetime(2024, 4, 19, 3, 30)
    slots = slots_between(
        calendar,
        singapore.first_session - timedelta(days=1),
        singapore.race_start + timedelta(days=1),
        OPTIONS,
    )
    first = {}
    for slot in slots:
        if slot.key.startswith("2025:18:"):
            first.setdefault(slot.key.split(":")[2], slot)
    assert set(first) == {"fp1", "fp2", "fp3", "qualifying", "race"}
    fp1_start = dict(singapore.session_starts)["fp1"]
    assert first["fp1"].at == fp1_start + timedelta(hours=1)
    assert "after fp1" in first["fp1"].reason
