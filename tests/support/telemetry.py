"""Generated OpenF1 telemetry: ``car_data`` and ``location`` for a whole session.

Real OpenF1 telemetry is far too large to keep in the repository (hundreds of thousands
of samples per stream per session), so the fixtures are generated, deterministically:

- **circuit**: a closed outline of the Bahrain International Circuit (the 2023 round 1
  race whose laps are in ``tests/fixtures/openf1``), smoothed and scaled so that its length
  is F1DB's ``courseLength`` for that race, 5.412 km;
- **speed profile**: the fastest speed each point allows (a lateral-grip limit from the
  outline's curvature, a top speed), then an acceleration pass forward and a braking pass
  backward, as a lap simulator does;
- **laps**: every lap of the laps fixture (``date_start``, ``lap_duration``) is driven
  on that profile, scaled so the lap takes exactly its recorded duration;
- **samples**: car data and positions at ~3.7 Hz on two unaligned clocks, with OpenF1's
  fields and formats (``date`` with microseconds and ``+00:00``, integer ``speed``, ``rpm``,
  ``n_gear``, ``throttle``, ``brake`` 0/100, ``drs`` codes, ``x``/``y``/``z`` in tenths of a
  metre).

``telemetry_replay`` serves them as OpenF1 does (``car_data?session_key=…&driver_number=…
&date>=…&date<=…``), falling back to the hand-written fixtures for every other endpoint;
its ``faults`` produce the bad inputs a real feed has (shuffled and duplicated samples,
gaps, records missing fields).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import numpy as np

from support.homes import copy_home
from support.httpserver import LocalServer, Reply
from support.replay import NO_RESULTS, OPENF1, openf1_replay

if TYPE_CHECKING:
    from undercut.config import Settings
    from undercut.telemetry.pull import TelemetryResult

SESSION_KEY = 7953  # 2023 round 1, Bahrain, race
RACE = (2023, 1)
# the telemetry pages the browser checks (tests/e2e), by screenshot name, over a home
# holding this race's telemetry (``pulled_home``)
TELEMETRY_PAGES = {
    "telemetry-2023-1-r": "/telemetry/2023/1/R",
    "telemetry-2023-1-r-gear": "/telemetry/2023/1/R?a=HAM&b=VER&lap=20&colour=gear",
}
MEETING_KEY = 1141
COURSE_LENGTH_M = 5412.0  # F1DB seasons/2023/races/01-bahrain/race.yml, courseLength 5.412
# Drivers with telemetry; 14 (Alonso) is in the laps fixture but has none: the absent driver.
DRIVERS = (1, 11, 44)
HZ = 3.7

# Bahrain's outline, clockwise, in metres before scaling: the main straight into the
# turn 1 hairpin, turns 2-3, the run to turn 4, the esses (5-7), the turn 8 hairpin,
# 9-10, the back straight to turn 11, the fast 12, 13, the straight to 14-15.
OUTLINE = np.array(
    [
        (0, 0),
        (700, 0),
        (980, 0),
        (1030, 60),
        (990, 130),
        (900, 170),
        (880, 260),
        (930, 420),
        (900, 700),
        (820, 780),
        (700, 760),
        (620, 820),
        (540, 760),
        (470, 830),
        (400, 790),
        (430, 700),
        (380, 640),
        (300, 680),
        (260, 600),
        (330, 500),
        (330, 380),
        (250, 330),
        (140, 380),
        (60, 470),
        (-60, 430),
        (-120, 330),
        (-80, 200),
        (-180, 120),
        (-200, 40),
    ],
    dtype=float,
)

TOP_SPEED = 92.0  # m/s, ~331 km/h
LATERAL_G = 20.0  # m/s² of cornering grip
ACCEL = 11.0  # m/s² at low speed, falling to 0 at TOP_SPEED
BRAKE = 42.0  # m/s²
STEP_M = 2.0
DRS_ZONES = ((0.02, 0.13), (0.55, 0.66))  # fractions of the lap: main and back straights


@dataclass(frozen=True)
class Track:
    """The outline resampled every ``STEP_M`` metres and its speed profile."""

    s: np.ndarray  # distance from the line, m
    x: np.ndarray
    y: np.ndarray
    speed: np.ndarray  # m/s
    lap_time: float  # s, the profile's lap

    @property
    def length(self) -> float:
        return float(self.s[-1] + STEP_M)


def _chaikin(points: np.ndarray, rounds: int) -> np.ndarray:
    for _ in range(rounds):
        nxt = np.roll(points, -1, axis=0)
        points = np.stack([0.75 * points + 0.25 * nxt, 0.25 * points + 0.75 * nxt], axis=1)
        points = points.reshape(-1, 2)
    return points


@cache
def track() -> Track:
    """Bahrain, smoothed, scaled to its course length, with a simulated speed profile."""
    points = _chaikin(OUTLINE, 3)
    closed = np.vstack([points, points[:1]])
    seg = np.hypot(*np.diff(closed, axis=0).T)
    points = points * (COURSE_LENGTH_M / seg.sum())
    closed = np.vstack([points, points[:1]])
    cum = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(closed, axis=0).T))])
    s = np.arange(0, COURSE_LENGTH_M, STEP_M)
    x = np.interp(s, cum, closed[:, 0])
    y = np.interp(s, cum, closed[:, 1])
    heading = np.unwrap(np.arctan2(np.gradient(np.r_[y, y[:1]]), np.gradient(np.r_[x, x[:1]])))
    kappa = np.abs(np.gradient(heading))[:-1] / STEP_M
    kappa = np.convolve(np.r_[kappa[-15:], kappa, kappa[:15]], np.ones(31) / 31, "valid")
    speed = np.minimum(TOP_SPEED, np.sqrt(LATERAL_G / np.maximum(kappa, 1e-6)))
    for _ in range(2):  # twice round, so the end of the lap feeds its start
        for i in range(len(s)):
            prev = speed[i - 1]
            accel = ACCEL * max(0.05, 1 - prev / TOP_SPEED)
            speed[i] = min(speed[i], np.sqrt(prev**2 + 2 * accel * STEP_M))
        for i in range(len(s) - 1, -1, -1):
            nxt = speed[(i + 1) % len(s)]
            speed[i] = min(speed[i], np.sqrt(nxt**2 + 2 * BRAKE * STEP_M))
    return Track(s, x, y, speed, float(np.sum(STEP_M / speed)))


def laps_fixture(session_key: int = SESSION_KEY) -> list[dict[str, Any]]:
    return json.loads((OPENF1 / f"laps_session_key={session_key}.json").read_text())


# The 2023 grid (car number, acronym, name): a full field for the benchmark.
GRID = (
    (1, "VER", "Max VERSTAPPEN"),
    (11, "PER", "Sergio PEREZ"),
    (14, "ALO", "Fernando ALONSO"),
    (44, "HAM", "Lewis HAMILTON"),
    (16, "LEC", "Charles LECLERC"),
    (55, "SAI", "Carlos SAINZ"),
    (63, "RUS", "George RUSSELL"),
    (18, "STR", "Lance STROLL"),
    (31, "OCO", "Esteban OCON"),
    (10, "GAS", "Pierre GASLY"),
    (4, "NOR", "Lando NORRIS"),
    (81, "PIA", "Oscar PIASTRI"),
    (77, "BOT", "Valtteri BOTTAS"),
    (24, "ZHO", "ZHOU Guanyu"),
    (20, "MAG", "Kevin MAGNUSSEN"),
    (27, "HUL", "Nico HULKENBERG"),
    (23, "ALB", "Alexander ALBON"),
    (2, "SAR", "Logan SARGEANT"),
    (22, "TSU", "Yuki TSUNODA"),
    (21, "DEV", "Nyck DE VRIES"),
)


@cache
def full_field() -> tuple[bytes, bytes]:
    """A 20-car race: the ``drivers`` and ``laps`` answers for ``SESSION_KEY``, every car
    driving the winner's laps a little later and a little slower than the car ahead."""
    winner = [r for r in laps_fixture() if r["driver_number"] == 1]
    drivers, laps = [], []
    for place, (number, acronym, name) in enumerate(GRID):
        drivers.append(
            {
                "session_key": SESSION_KEY,
                "meeting_key": MEETING_KEY,
                "driver_number": number,
                "name_acronym": acronym,
                "full_name": name,
                "broadcast_name": name,
            }
        )
        start = _parse(winner[0]["date_start"]) + 0.25 * place
        for row in winner:
            duration = round(row["lap_duration"] * (1 + 0.0015 * place), 3)
            laps.append({**row, "driver_number": number, "date_start": _stamp(start)})
            laps[-1]["lap_duration"] = duration
            start += duration
    return json.dumps(drivers).encode(), json.dumps(laps).encode()


def _parse(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(round(seconds, 3), UTC).isoformat(timespec="microseconds")


@dataclass
class Streams:
    """One driver's generated samples as columns (times in epoch seconds)."""

    car_t: np.ndarray
    car: dict[str, np.ndarray]
    loc_t: np.ndarray
    loc: dict[str, np.ndarray]
    laps: list[tuple[int, float, float]] = field(default_factory=list)  # lap, start, duration


def _clock(start: float, end: float, rng: np.random.Generator) -> np.ndarray:
    steps = rng.uniform(0.8, 1.2, int((end - start) * HZ * 1.1) + 10) / HZ
    times = start + np.cumsum(steps)
    return times[times < end]


@cache
def driver_streams(driver: int, session_key: int = SESSION_KEY, full: bool = False) -> Streams:
    """A driver's whole session: on the grid, every lap of the laps fixture (of
    ``full_field`` when ``full``), parked."""
    tr = track()
    source = json.loads(full_field()[1]) if full else laps_fixture(session_key)
    laps = sorted(
        (r["lap_number"], _parse(r["date_start"]), float(r["lap_duration"]))
        for r in source
        if r["driver_number"] == driver and r["date_start"] and r["lap_duration"]
    )
    rng = np.random.default_rng(driver * 1000 + session_key)
    first, last = laps[0][1], laps[-1][1] + laps[-1][2]
    # Profile time at each track point, then each lap's wall-clock time at each point.
    profile_t = np.concatenate([[0], np.cumsum(STEP_M / tr.speed)])
    knots_t = [np.array([first - 600.0])]
    knots_s = [np.array([0.0])]
    for index, (_, start, duration) in enumerate(laps):
        scale = duration / tr.lap_time
        knots_t.append(start + profile_t[:-1] * scale)
        knots_s.append(index * tr.length + np.r_[tr.s])
    knots_t.append(np.array([last, last + 600.0]))
    knots_s.append(np.array([len(laps) * tr.length] * 2))
    wall = np.concatenate(knots_t)
    dist = np.concatenate(knots_s)

    def at(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.interp(times, wall, dist)
        lap_s = np.mod(s, tr.length)
        lap_index = np.clip(np.searchsorted([lap[1] for lap in laps], times) - 1, 0, len(laps) - 1)
        scale = np.array([tr.lap_time / laps[i][2] for i in lap_index])
        moving = (times >= first) & (times < last)
        speed = np.where(moving, np.interp(lap_s, tr.s, tr.speed) * scale, 0.0)
        return lap_s, speed

    car_t = _clock(first - 300, last + 300, rng)
    lap_s, speed = at(car_t)
    accel = np.gradient(speed, car_t)
    kph = speed * 3.6
    gear = np.where(kph < 1, 0, np.clip(1 + (kph - 20) // 42, 1, 8)).astype(int)
    band = np.clip((kph - 20 - (gear - 1) * 42) / 42, 0, 1)
    rpm = np.where(gear == 0, 4000 + rng.integers(-50, 50, len(car_t)), 9500 + 2500 * band)
    braking = accel < -8
    throttle = np.where(braking, 0, np.where(accel > 0.5, 100, 45))
    throttle = np.where(kph < 1, 16, throttle)
    frac = lap_s / tr.length
    in_zone = np.zeros(len(car_t), bool)
    for lo, hi in DRS_ZONES:
        in_zone |= (frac >= lo) & (frac < hi)
    lap_no = np.searchsorted([lap[1] for lap in laps], car_t)
    drs = np.where(in_zone & (lap_no >= 3) & ~braking, 12, np.where(lap_no >= 3, 8, 0))
    car = {
        "speed": np.round(kph).astype(int),
        "rpm": np.round(rpm).astype(int),
        "n_gear": gear,
        "throttle": throttle.astype(int),
        "brake": np.where(braking, 100, 0),
        "drs": drs.astype(int),
    }
    loc_t = _clock(first - 300 + 0.11, last + 300, rng)
    lap_s, _ = at(loc_t)
    loc = {
        "x": np.round(np.interp(lap_s, tr.s, tr.x) * 10).astype(int),
        "y": np.round(np.interp(lap_s, tr.s, tr.y) * 10).astype(int),
        "z": np.round(-1500 + 30 * np.sin(2 * np.pi * lap_s / tr.length)).astype(int),
    }
    return Streams(car_t, car, loc_t, loc, laps)


def records(
    endpoint: str,
    driver: int,
    start: float,
    end: float,
    session_key: int = SESSION_KEY,
    full: bool = False,
) -> list[dict[str, Any]]:
    """The OpenF1 records of one stream in ``[start, end]`` (epoch seconds)."""
    st = driver_streams(driver, session_key, full)
    times, columns = (st.car_t, st.car) if endpoint == "car_data" else (st.loc_t, st.loc)
    lo, hi = np.searchsorted(times, start), np.searchsorted(times, end, side="right")
    names = list(columns)
    out = []
    for i in range(lo, hi):
        record: dict[str, Any] = {
            "date": _stamp(float(times[i])),
            "session_key": session_key,
            "meeting_key": MEETING_KEY,
            "driver_number": driver,
        }
        for name in names:
            record[name] = int(columns[name][i])
        out.append(record)
    return out


# A fault rewrites one answer's records (endpoint, driver, records) → records.
Fault = Callable[[str, int, list[dict[str, Any]]], list[dict[str, Any]]]


def shuffled_and_duplicated(endpoint: str, driver: int, rows: list[dict]) -> list[dict]:
    """Samples out of order, a tenth of them twice."""
    rng = np.random.default_rng(len(rows))
    doubled = rows + [rows[i] for i in range(0, len(rows), 10)]
    return [doubled[i] for i in rng.permutation(len(doubled))]


def missing_fields(endpoint: str, driver: int, rows: list[dict]) -> list[dict]:
    """Every 50th record loses its speed (or x), every 97th its date."""
    key = "speed" if endpoint == "car_data" else "x"
    out = []
    for i, row in enumerate(rows):
        row = dict(row)
        if i % 50 == 0:
            row.pop(key, None)
        if i % 97 == 0:
            row.pop("date", None)
        out.append(row)
    return out


def gap(start: str, seconds: float) -> Fault:
    """No sample in ``[start, start + seconds)`` (a transmission drop-out)."""
    lo = datetime.fromisoformat(start)
    hi = lo + timedelta(seconds=seconds)

    def fault(endpoint: str, driver: int, rows: list[dict]) -> list[dict]:
        return [r for r in rows if not lo <= datetime.fromisoformat(r["date"]) < hi]

    return fault


def implausible(jump_at: str) -> Fault:
    """Values no car can have: speeds 10 % high (a lap's integrated distance 10 % long),
    every 100th rpm at 20,000, and the position trace jumping 300 m at ``jump_at``."""
    jump = datetime.fromisoformat(jump_at)

    def fault(endpoint: str, driver: int, rows: list[dict]) -> list[dict]:
        out = []
        for i, row in enumerate(rows):
            row = dict(row)
            if endpoint == "car_data":
                row["speed"] = round(row["speed"] * 1.1)
                row["rpm"] = 20000 if i % 100 == 0 else row["rpm"]
            elif datetime.fromisoformat(row["date"]) >= jump:
                row["x"] += 3000
            out.append(row)
        return out

    return fault


def chain(*faults: Fault) -> Fault:
    """Several faults on the same answers, in order."""

    def fault(endpoint: str, driver: int, rows: list[dict]) -> list[dict]:
        for one in faults:
            rows = one(endpoint, driver, rows)
        return rows

    return fault


def _query(path: str) -> tuple[str, dict[str, str]]:
    """Endpoint and filters of an OpenF1 URL, ``date>=`` and ``date<`` kept as keys."""
    parts = urlsplit(path)
    endpoint = parts.path.rstrip("/").rsplit("/", 1)[-1]
    filters: dict[str, str] = {}
    for item in unquote(parts.query).split("&"):
        for op in (">=", "<=", "=", ">", "<"):
            if op in item:
                key, value = item.split(op, 1)
                filters[key + ("" if op == "=" else op)] = value
                break
    return endpoint, filters


def telemetry_replay(
    faults: dict[int, Fault] | None = None,
    drivers: tuple[int, ...] = DRIVERS,
    session_key: int = SESSION_KEY,
    full: bool = False,
) -> Callable[[str, dict[str, str]], Reply]:
    """OpenF1 with generated ``car_data``/``location`` for ``session_key``'s ``drivers``.

    Any other session or driver answers OpenF1's "No results found." 404 (a pre-2023
    session, a driver who did not run); every other endpoint comes from the fixtures.
    ``faults`` maps a car number to a fault applied to each of its answers. ``full``
    serves the 20-car ``full_field`` instead (its drivers, laps and telemetry).
    """
    faults = faults or {}
    overrides: dict[str, bytes | Reply] = {}
    if full:
        drivers = tuple(number for number, _code, _name in GRID)
        overrides = {
            f"drivers_session_key={session_key}.json": full_field()[0],
            f"laps_session_key={session_key}.json": full_field()[1],
        }
    fixtures = openf1_replay(overrides)

    def handle(path: str, headers: dict[str, str]) -> Reply:
        endpoint, query = _query(path)
        if endpoint not in ("car_data", "location"):
            return fixtures(path, headers)
        driver = int(query.get("driver_number", "0"))
        if int(query.get("session_key", "0")) != session_key or driver not in drivers:
            return Reply(404, NO_RESULTS, {"Content-Type": "application/json"})
        start = _parse(query["date>="]) if "date>=" in query else 0.0
        end = _parse(query["date<="]) if "date<=" in query else 4e9
        rows = records(endpoint, driver, start, end, session_key, full)
        if driver in faults:
            rows = faults[driver](endpoint, driver, rows)
        if not rows:
            return Reply(404, NO_RESULTS, {"Content-Type": "application/json"})
        return Reply(200, json.dumps(rows).encode(), {"Content-Type": "application/json"})

    return handle


def pull_race(settings: Settings, handler: Any, **options: Any) -> TelemetryResult:
    """Pull the 2023 round 1 telemetry of ``settings``' home from ``handler`` served locally."""
    from undercut.telemetry.pull import pull_telemetry

    with LocalServer(fallback=handler) as server:
        return pull_telemetry(settings, *RACE, base_url=f"{server.url}/v1/", **options)


def telemetry_home(sessions_settings: Settings, target: Path) -> Settings:
    """A copy of the sessions home at ``target`` that asks a local mirror without limits."""
    settings = copy_home(sessions_settings, target)
    return settings.model_copy(update={"openf1_limits": "none"})


def pulled_home(sessions_settings: Settings, target: Path) -> tuple[Settings, TelemetryResult]:
    """The sessions home copied to ``target`` with the race's telemetry (VER, PER, HAM;
    ALO has none) pulled from ``telemetry_replay``."""
    settings = telemetry_home(sessions_settings, target)
    return settings, pull_race(settings, telemetry_replay(), session="R")
