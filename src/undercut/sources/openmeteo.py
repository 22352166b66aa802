"""Open-Meteo (https://open-meteo.com): hourly weather at a circuit around a race.

Two APIs with one response shape (``hourly`` = parallel arrays keyed by variable, with
``time``): the historical *archive* API (reanalysis, back to 1940, a few days' delay) for
races that have happened, and the *forecast* API (16 days ahead) for an upcoming race.
Times are requested in GMT so they line up with the warehouse's UTC race times.

``parse_hourly`` turns a response into rows and reports, rather than raises on, what is
wrong with it (missing variables, arrays of the wrong length, nulls, unexpected units).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from undercut.errors import SourceError
from undercut.sources.http import RetryableHTTPError, make_client, raise_for_retry, with_retries
from undercut.sources.records import BadValue, IssueLog, to_utc

ARCHIVE_VARIABLES = ("temperature_2m", "precipitation", "relative_humidity_2m",
                     "wind_speed_10m")
FORECAST_VARIABLES = (*ARCHIVE_VARIABLES, "precipitation_probability")

# variable → (silver column, expected unit)
COLUMNS = {
    "temperature_2m": ("temperature_c", "°C"),
    "precipitation": ("precipitation_mm", "mm"),
    "precipitation_probability": ("precipitation_probability_pct", "%"),
    "relative_humidity_2m": ("relative_humidity_pct", "%"),
    "wind_speed_10m": ("wind_speed_kph", "km/h"),
}


@dataclass(frozen=True)
class Response:
    url: str
    body: bytes
    payload: Any


class OpenMeteoClient:
    """The archive and forecast APIs, one request per race.

    Args:
        archive_url: root of the historical API (``https://archive-api.open-meteo.com/v1/``).
        forecast_url: root of the forecast API (``https://api.open-meteo.com/v1/``).
    """

    def __init__(
        self,
        archive_url: str,
        forecast_url: str,
        *,
        timeout: float = 30.0,
        attempts: int = 4,
        base_wait: float = 0.5,
        client: httpx.Client | None = None,
    ) -> None:
        self.archive_url = archive_url.rstrip("/") + "/archive"
        self.forecast_url = forecast_url.rstrip("/") + "/forecast"
        self.attempts = attempts
        self.base_wait = base_wait
        self._client = client or make_client(timeout)
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OpenMeteoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def archive(self, latitude: float, longitude: float, start: date, end: date) -> Response:
        """Observed (reanalysis) hourly weather for whole days ``start``..``end`` (GMT)."""
        return self._get(self.archive_url, latitude, longitude, start, end, ARCHIVE_VARIABLES)

    def forecast(self, latitude: float, longitude: float, start: date, end: date) -> Response:
        """Forecast hourly weather, including the probability of precipitation."""
        return self._get(self.forecast_url, latitude, longitude, start, end,
                         FORECAST_VARIABLES)

    def _get(self, url: str, latitude: float, longitude: float, start: date, end: date,
             variables: tuple[str, ...]) -> Response:
        params = {
            "latitude": f"{latitude:.4f}",
            "longitude": f"{longitude:.4f}",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "hourly": ",".join(variables),
            "timezone": "GMT",
            "wind_speed_unit": "kmh",
        }

        @with_retries(self.attempts, self.base_wait)
        def fetch() -> httpx.Response:
            self.requests += 1
            response = self._client.get(url, params=params)
            raise_for_retry(response)
            return response

        try:
            response = fetch()
        except RetryableHTTPError as exc:
            raise SourceError(f"{exc} (gave up after {self.attempts} attempts)",
                              url=str(exc.response.request.url)) from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"{url}: {type(exc).__name__}: {exc}", url=url) from exc
        full_url = str(response.request.url)
        try:
            payload = json.loads(response.content)
        except ValueError:
            payload = None
        if response.status_code >= 400:
            reason = payload.get("reason") if isinstance(payload, dict) else None
            detail = reason or response.text.strip()[:200]
            raise SourceError(f"{full_url}: HTTP {response.status_code} {detail}", url=full_url)
        return Response(full_url, response.content, payload)


def parse_hourly(payload: Any, *, where: str, log: IssueLog) -> list[dict[str, Any]]:
    """Hourly rows ``{"hour_at", <column>: value, ...}`` from an Open-Meteo response.

    A variable that is absent, of the wrong length or in an unexpected unit is dropped
    (its column stays null) with a warning; a null value stays null (the archive has
    none yet for the last few days) and is counted in a warning.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("hourly"), dict):
        log.add(where, "hourly", "response has no hourly block", {"value": repr(payload)[:120]})
        return []
    hourly = payload["hourly"]
    units = payload.get("hourly_units") if isinstance(payload.get("hourly_units"), dict) else {}
    times = hourly.get("time")
    if not isinstance(times, list) or not times:
        log.add(where, "time", "hourly block has no time array", {"value": None})
        return []
    rows: list[dict[str, Any]] = []
    for index, text in enumerate(times):
        try:
            rows.append({"hour_at": to_utc(text)})
        except BadValue:
            log.add(where, "time", "not an ISO 8601 timestamp; hour skipped",
                    {"line": index, "value": repr(text)[:40]})
            rows.append({"hour_at": None})
    for variable, (column, unit) in COLUMNS.items():
        values = hourly.get(variable)
        for row in rows:
            row[column] = None
        if values is None:
            continue
        if not isinstance(values, list) or len(values) != len(times):
            log.add(where, variable, "array length differs from time; variable dropped",
                    {"value": len(values) if isinstance(values, list) else repr(values)[:40]})
            continue
        got_unit = units.get(variable)
        if got_unit is not None and got_unit != unit:
            log.add(where, variable, f"unit is not {unit}; variable dropped",
                    {"value": got_unit})
            continue
        for index, (row, value) in enumerate(zip(rows, values, strict=True)):
            if value is None:
                log.add(where, variable, "null hourly value", {"line": index, "value": None})
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                log.add(where, variable, "not a number; value set to null",
                        {"line": index, "value": repr(value)[:40]})
                continue
            row[column] = float(value)
    return [row for row in rows if row["hour_at"] is not None]
