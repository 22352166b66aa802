"""OpenF1 (https://openf1.org): session-level timing data from 2023 onwards.

``OpenF1Client`` has one typed method per documented endpoint (meetings, sessions,
drivers, laps, stints, pit, weather, race_control, session_result, position, intervals).
Each returns the raw response body (kept verbatim in bronze) next to the decoded records;
turning records into typed rows is declared once per endpoint in ``FIELDS`` and done by
``undercut.sources.records``, so a payload with missing keys or wrong types yields
warnings instead of exceptions.

All requests go through ``undercut.sources.http.ApiClient`` (User-Agent, timeouts,
client-side rate limits, the HTTP cache, retries with backoff honouring ``Retry-After``);
this module only knows OpenF1's URLs and quirks: an empty result may come back as
``404 {"detail": "No results found."}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from undercut.config import Settings
from undercut.errors import SourceError
from undercut.sources.http import ApiClient, ApiOptions, SourceClient, options_from_settings
from undercut.sources.records import Field

FIRST_SEASON = 2023

# Session endpoints pulled for every session; the timing ones only on request (they are
# large: one record every few seconds per car).
SESSION_ENDPOINTS = ("drivers", "laps", "stints", "pit", "weather", "race_control")
TIMING_ENDPOINTS = ("position", "intervals")
# Car telemetry, ~3.7 samples a second per car and stream: fetched per driver in bounded
# time windows (a whole session at once is more than OpenF1 answers in one response).
TELEMETRY_ENDPOINTS = ("car_data", "location")  # their records: TELEMETRY_FIELDS
# Classified results, pulled for practice and sprint qualifying (a race's come from Ergast).
RESULT_ENDPOINTS = ("session_result",)

FIELDS: dict[str, tuple[Field, ...]] = {
    "meetings": (
        Field("meeting_key", "int", required=True),
        Field("year", "int", required=True),
        Field("meeting_name", "str"),
        Field("meeting_official_name", "str"),
        Field("location", "str"),
        Field("country_name", "str"),
        Field("country_code", "str"),
        Field("circuit_key", "int"),
        Field("circuit_short_name", "str"),
        Field("date_start", "timestamp"),
        Field("gmt_offset", "str"),
    ),
    "sessions": (
        Field("session_key", "int", required=True),
        Field("meeting_key", "int", required=True),
        Field("session_name", "str", required=True),
        Field("date_start", "timestamp", required=True),
        Field("session_type", "str"),
        Field("date_end", "timestamp"),
        Field("gmt_offset", "str"),
        Field("location", "str"),
        Field("country_name", "str"),
        Field("circuit_short_name", "str"),
        Field("year", "int"),
    ),
    "drivers": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("meeting_key", "int"),
        Field("broadcast_name", "str"),
        Field("full_name", "str"),
        Field("first_name", "str"),
        Field("last_name", "str"),
        Field("name_acronym", "str"),
        Field("team_name", "str"),
        Field("country_code", "str"),
    ),
    "laps": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("lap_number", "int", required=True),
        Field("date_start", "timestamp"),
        Field("lap_duration", "float"),
        Field("duration_sector_1", "float"),
        Field("duration_sector_2", "float"),
        Field("duration_sector_3", "float"),
        Field("i1_speed", "int"),
        Field("i2_speed", "int"),
        Field("st_speed", "int"),
        Field("is_pit_out_lap", "bool"),
    ),
    "stints": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("stint_number", "int", required=True),
        Field("lap_start", "int"),
        Field("lap_end", "int"),
        Field("compound", "str"),
        Field("tyre_age_at_start", "int"),
    ),
    "pit": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("lap_number", "int", required=True),
        Field("date", "timestamp"),
        Field("pit_duration", "float"),
        Field("lane_duration", "float"),
        Field("stop_duration", "float"),
    ),
    "weather": (
        Field("session_key", "int", required=True),
        Field("date", "timestamp", required=True),
        Field("air_temperature", "float"),
        Field("track_temperature", "float"),
        Field("humidity", "float"),
        Field("pressure", "float"),
        Field("rainfall", "float"),
        Field("wind_direction", "int"),
        Field("wind_speed", "float"),
    ),
    "race_control": (
        Field("session_key", "int", required=True),
        Field("date", "timestamp", required=True),
        Field("category", "str"),
        Field("flag", "str"),
        Field("scope", "str"),
        Field("sector", "int"),
        Field("lap_number", "int"),
        Field("driver_number", "int"),
        Field("message", "str"),
    ),
    "session_result": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("meeting_key", "int"),
        Field("position", "int"),
        Field("duration", "best"),
        Field("number_of_laps", "int"),
        Field("dnf", "bool"),
        Field("dns", "bool"),
        Field("dsq", "bool"),
    ),
    "position": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("date", "timestamp", required=True),
        Field("position", "int"),
    ),
    "intervals": (
        Field("session_key", "int", required=True),
        Field("driver_number", "int", required=True),
        Field("date", "timestamp", required=True),
        Field("gap_to_leader", "text"),
        Field("interval", "text"),
    ),
}

# The telemetry streams' records, as OpenF1 documents them. They are typed in SQL straight
# from bronze (``undercut.telemetry``: hundreds of thousands of records per session),
# not by ``parse_records``, and never staged with the session tables.
TELEMETRY_FIELDS: dict[str, tuple[Field, ...]] = {
    "car_data": (
        Field("date", "timestamp", required=True),
        Field("driver_number", "int", required=True),
        Field("session_key", "int"),
        Field("speed", "int"),
        Field("rpm", "int"),
        Field("n_gear", "int"),
        Field("throttle", "int"),
        Field("brake", "int"),
        Field("drs", "int"),
    ),
    "location": (
        Field("date", "timestamp", required=True),
        Field("driver_number", "int", required=True),
        Field("session_key", "int"),
        Field("x", "int"),
        Field("y", "int"),
        Field("z", "int"),
    ),
}


@dataclass(frozen=True)
class Response:
    """One endpoint answer: the body as received (for bronze) and its decoded records.

    ``records`` is ``None`` when the body is not JSON; the caller reports it and keeps
    nothing, so the next pull asks again.
    """

    url: str
    body: bytes
    records: Any


class OpenF1Client(SourceClient):
    """Typed access to the OpenF1 REST API (``/v1/<endpoint>?<filters>``).

    Built on ``ApiClient``: rate limits, the on-disk HTTP cache and retries are the ones
    every source shares; this class only knows OpenF1's endpoints and quirks.

    Args:
        base_url: the API root, e.g. ``https://api.openf1.org/v1/`` (a local mirror in
            tests).
        options: ``ApiClient`` options: rate limits (``"3/s;30/min"``, ``"none"``), HTTP
            cache, timeout, retries, an inner transport.
    """

    def __init__(self, base_url: str, **options: Unpack[ApiOptions]) -> None:
        self.api = ApiClient(base_url, name="openf1", **options)
        self._apis = (self.api,)

    @classmethod
    def from_settings(cls, settings: Settings, base_url: str | None = None) -> OpenF1Client:
        """A client configured by ``UNDERCUT_OPENF1_URL``/``_LIMITS``, cache and retries.

        Raises:
            InputError: ``UNDERCUT_OPENF1_LIMITS`` cannot be read.
        """
        options = options_from_settings(settings, settings.openf1_limits, "UNDERCUT_OPENF1_LIMITS")
        return cls(base_url or settings.openf1_url, **options)

    def get(self, endpoint: str, *, fresh: bool = False, **params: Any) -> Response:
        """GET one endpoint with filters; ``None`` filters are left out.

        ``fresh`` drops any cached answer first, so the request goes to the network.

        Raises:
            SourceError: the API could not be reached, kept failing after retries, or
                answered with an HTTP error other than OpenF1's "no results" 404.
        """
        if endpoint not in FIELDS and endpoint not in TELEMETRY_FIELDS:
            raise ValueError(f"unknown OpenF1 endpoint {endpoint!r}")
        query = {k: v for k, v in params.items() if v is not None}
        if fresh:
            self.api.forget(self.api.url_for(endpoint, query))
        response = self.api.get(endpoint, query, accept=range(400, 500))
        if response.status == 404 and _is_no_results(response.content):
            return Response(response.url, b"[]", [])
        if response.status >= 400:
            detail = response.content.decode("utf-8", "replace").strip().replace("\n", " ")
            raise SourceError(
                f"{response.url}: HTTP {response.status} {detail[:200]}".rstrip(), url=response.url
            )
        try:
            records = json.loads(response.content)
        except ValueError:
            self.api.forget(self.api.url_for(endpoint, query))
            records = None
        return Response(response.url, response.content, records)

    def meetings(self, year: int) -> Response:
        """Every meeting (Grand Prix weekend or test) of a season."""
        return self.get("meetings", year=year)

    def sessions(self, year: int | None = None, meeting_key: int | None = None) -> Response:
        """Sessions (practice, qualifying, sprint, race) of a season or one meeting."""
        return self.get("sessions", year=year, meeting_key=meeting_key)

    def drivers(self, session_key: int) -> Response:
        """Drivers of a session: number, acronym, names, team."""
        return self.get("drivers", session_key=session_key)

    def laps(self, session_key: int, driver_number: int | None = None) -> Response:
        """Laps: duration, sector times, speed traps, pit-out flag."""
        return self.get("laps", session_key=session_key, driver_number=driver_number)

    def stints(self, session_key: int) -> Response:
        """Tyre stints: first and last lap, compound, tyre age at the start."""
        return self.get("stints", session_key=session_key)

    def pit(self, session_key: int) -> Response:
        """Pit-lane passages: lap, time in the pit lane."""
        return self.get("pit", session_key=session_key)

    def weather(self, session_key: int) -> Response:
        """Track-side weather, about one reading a minute."""
        return self.get("weather", session_key=session_key)

    def race_control(self, session_key: int) -> Response:
        """Race control messages: flags, safety cars, incidents."""
        return self.get("race_control", session_key=session_key)

    def session_result(self, session_key: int) -> Response:
        """A session's classification: position, best time (a list of Q1-Q3 times in
        qualifying), laps, DNF/DNS/DSQ."""
        return self.get("session_result", session_key=session_key)

    def position(self, session_key: int, driver_number: int | None = None) -> Response:
        """Running positions, one record per change."""
        return self.get("position", session_key=session_key, driver_number=driver_number)

    def intervals(self, session_key: int, driver_number: int | None = None) -> Response:
        """Gaps to the leader and to the car ahead (races only), every few seconds."""
        return self.get("intervals", session_key=session_key, driver_number=driver_number)

    def telemetry(
        self,
        endpoint: str,
        session_key: int,
        driver_number: int,
        start: datetime,
        end: datetime,
    ) -> Response:
        """One driver's ``car_data`` or ``location`` samples with ``start <= date <= end``.

        Telemetry is fetched in bounded windows (OpenF1's comparison filters
        ``date>=…&date<=…``; a sample on a boundary comes twice and is de-duplicated in
        silver), so that no answer is larger than the service allows and an interrupted
        pull resumes window by window from the HTTP cache.
        """
        if endpoint not in TELEMETRY_ENDPOINTS:
            raise ValueError(f"not an OpenF1 telemetry endpoint: {endpoint!r}")
        window: dict[str, Any] = {"date>": _iso(start), "date<": _iso(end)}
        return self.get(endpoint, session_key=session_key, driver_number=driver_number, **window)

    def session_endpoint(self, endpoint: str, session_key: int, fresh: bool = False) -> Response:
        """Any per-session endpoint by name (what the loader iterates over)."""
        return self.get(endpoint, fresh=fresh, session_key=session_key)


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")


def _is_no_results(body: bytes) -> bool:
    try:
        detail = json.loads(body).get("detail", "")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, str) and "no results" in detail.lower()
