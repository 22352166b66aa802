"""When to run the pipeline: a calendar-aware, long-running scheduler.

Outside race weekends one run a day (``UNDERCUT_JOB_DAILY_HOUR`` UTC) is enough: nothing
new is published. During a weekend results arrive within minutes of a session ending, so
after each practice and sprint qualifying (when F1DB's schedule dates them), qualifying,
the sprint and the race the scheduler runs every
``UNDERCUT_JOB_INTERVAL_MINUTES`` for ``UNDERCUT_JOB_WINDOW_HOURS``.

Every run time is a *slot* with a stable key (``daily:2025-10-06``,
``2025:19:race:2025-10-19T20:15``) computed from the calendar alone, so several schedulers
on several machines agree on it. Before running a slot a scheduler claims it with a lease
that outlives the slot (Redis ``SET NX`` or a ``job_locks`` row): of two schedulers started
at once exactly one runs it, the other logs that it was taken and waits for the next one.
A random jitter spreads the load on the sources; a missed slot (the scheduler was down) is
run as soon as the scheduler starts.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from undercut.config import Settings
from undercut.jobs import ledger, locks, probes
from undercut.jobs.options import JobOptions, job_options

log = logging.getLogger("undercut.jobs.schedule")

PRACTICE_LENGTH = timedelta(hours=1)
QUALIFYING_LENGTH = timedelta(hours=1)
SPRINT_LENGTH = timedelta(hours=1)
RACE_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class Slot:
    """One planned run: when, why, and the key schedulers agree on."""

    key: str
    at: datetime
    reason: str


def _session_windows(
    weekend: probes.RaceWeekend, options: JobOptions
) -> list[tuple[str, datetime, datetime]]:
    """(name, polling starts, polling ends) for the sessions that publish data."""
    window = timedelta(hours=options.window_hours)
    ends = [(name, start + PRACTICE_LENGTH) for name, start in weekend.session_starts]
    if weekend.qualifying_start is not None:
        ends.append(("qualifying", weekend.qualifying_start + QUALIFYING_LENGTH))
    if weekend.sprint_start is not None:
        ends.append(("sprint", weekend.sprint_start + SPRINT_LENGTH))
    ends.append(("race", weekend.race_start + RACE_LENGTH))
    return [(name, end, end + window) for name, end in ends]


def slots_between(
    calendar: Sequence[probes.RaceWeekend], start: datetime, end: datetime, options: JobOptions
) -> list[Slot]:
    """Every slot in ``[start, end)``, in time order.

    Daily slots fall on days without a polling window; during a window the slots are
    ``interval_minutes`` apart from the session's end.
    """
    step = timedelta(minutes=options.interval_minutes)
    slots: list[Slot] = []
    busy_days: set[datetime] = set()
    for weekend in calendar:
        if (
            weekend.race_start + timedelta(days=1) < start
            or weekend.first_session - timedelta(days=1) > end
        ):
            continue
        for session, first, last in _session_windows(weekend, options):
            at = first
            while at <= last:
                if start <= at < end:
                    slots.append(
                        Slot(
                            f"{weekend.key}:{session}:{at:%Y-%m-%dT%H:%M}",
                            at,
                            f"{weekend.race_name} {weekend.season}: after {session}",
                        )
                    )
                busy_days.add(datetime(at.year, at.month, at.day))
                at += step
    day = datetime(start.year, start.month, start.day)
    while day < end:
        at = day + timedelta(hours=options.daily_hour)
        if start <= at < end and day not in busy_days:
            slots.append(Slot(f"daily:{day:%Y-%m-%d}", at, "daily update"))
        day += timedelta(days=1)
    return sorted(slots, key=lambda s: (s.at, s.key))


def previous_slot(
    calendar: Sequence[probes.RaceWeekend], now: datetime, options: JobOptions
) -> Slot | None:
    """The newest slot at or before ``now`` (within two days)."""
    found = slots_between(calendar, now - timedelta(days=2), now + timedelta(seconds=1), options)
    return found[-1] if found else None


def next_slot(calendar: Sequence[probes.RaceWeekend], now: datetime, options: JobOptions) -> Slot:
    """The first slot strictly after ``now`` (there is always a daily one within two days)."""
    found = slots_between(calendar, now + timedelta(seconds=1), now + timedelta(days=2), options)
    return found[0]


def _slot_ttl(options: JobOptions) -> float:
    """A claim outlives its slot by far: the same slot is never run twice."""
    return 2 * 86400.0


def read_calendar(settings: Settings) -> list[probes.RaceWeekend]:
    if not probes.warehouse_ready(settings):
        return []
    with probes.connect_read_only(settings) as con:
        return probes.calendar(con)


def _ran_since(settings: Settings, since: datetime) -> bool:
    """Whether a scheduled run was created at or after ``since``."""
    from sqlalchemy import select

    from undercut.appdb.ledger import Run

    with ledger.session(settings) as db:
        found = db.scalars(
            select(Run.id).where(Run.trigger == "schedule", Run.created_at >= since).limit(1)
        ).first()
    return found is not None


RunSlot = Callable[[Slot], str]


@dataclass
class Scheduler:
    """Decides, claims and runs slots until stopped.

    ``run_slot`` runs the pipeline for a slot and returns the run's status; the command line
    passes one that runs in-process or on workers.
    """

    settings: Settings
    run_slot: RunSlot
    options: JobOptions
    clock: Callable[[], datetime] = probes.now_utc
    rng: random.Random | None = None
    say: Callable[[str], None] = log.info

    def __post_init__(self) -> None:
        self.stop = threading.Event()
        self.rng = self.rng or random.Random()

    def due_now(self) -> Slot | None:
        """A slot that has passed without any scheduler running it (catch up)."""
        slot = previous_slot(read_calendar(self.settings), self.clock(), self.options)
        if slot is None or _ran_since(self.settings, slot.at):
            return None
        return slot

    def claim(self, slot: Slot) -> bool:
        """Take a slot for this scheduler; False when another scheduler has it."""
        held = locks.lease(self.settings, f"schedule:{slot.key}", ttl=_slot_ttl(self.options))
        return locks.acquire_waiting(held, wait=0)

    def run_once(self, slot: Slot) -> str | None:
        """Claim and run one slot; returns the run's status, ``None`` when not ours."""
        if not self.claim(slot):
            self.say(f"slot {slot.key} was taken by another scheduler")
            return None
        self.say(f"running slot {slot.key} ({slot.reason})")
        return self.run_slot(slot)

    def _sleep_until(self, at: datetime) -> bool:
        """Sleep until ``at``; False when asked to stop first."""
        while not self.stop.is_set():
            left = (at - self.clock()).total_seconds()
            if left <= 0:
                return True
            self.stop.wait(min(left, 60.0))
        return False

    def jitter(self) -> timedelta:
        assert self.rng is not None
        return timedelta(seconds=self.rng.uniform(0, self.options.jitter_seconds))

    def serve(self, *, once: bool = False) -> None:
        """Run missed slots, then every slot as it comes, until ``stop`` is set."""
        slot = self.due_now()
        if slot is not None:
            if not self._sleep_until(self.clock() + self.jitter()):
                return
            self.run_once(slot)
        if once:
            return
        while not self.stop.is_set():
            slot = next_slot(read_calendar(self.settings), self.clock(), self.options)
            self.say(f"next run {slot.at:%Y-%m-%d %H:%M} UTC: {slot.reason}")
            if not self._sleep_until(slot.at + self.jitter()):
                return
            self.run_once(slot)


def make_scheduler(
    settings: Settings,
    run_slot: RunSlot,
    options: JobOptions | None = None,
    say: Callable[[str], None] | None = None,
) -> Scheduler:
    return Scheduler(settings, run_slot, options or job_options(), say=say or log.info)
