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
from typing import Any, Unpack

from undercut.config import Settings
from undercut.errors import SourceError
from undercut.sources.http import ApiClient, ApiOptions, SourceClient, options_from_settings
from undercut.sources.records import BadValue, IssueLog, to_utc

ARCHIVE_VARIABLES = ("temperature_2m", "precipitation", "relative_humidity_2m", "wind_speed_10m")
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


class OpenMeteoClient(SourceClient):
    """The archive and forecast APIs, one request per race.

    Each API is an ``ApiClient`` (rate limits, HTTP cache, retries shared with every
    source); this class only knows the two URLs and the query.

    Args:
        archive_url: root of the historical API (``https://archive-api.open-meteo.com/v1/``).
        forecast_url: root of the forecast API (``https://api.open-meteo.com/v1/``).
        options: ``ApiClient`` options, applied to each API: rate limits
            (``"600/min;5000/h"``), HTTP cache, timeout, retries, an inner transport.
    """

    def __init__(self, archive_url: str, forecast_url: str, **options: Unpack[ApiOptions]) -> None:
        self.archive_api = ApiClient(archive_url, name="openmeteo-archive", **options)
        self.forecast_api = ApiClient(forecast_url, name="openmeteo-forecast", **options)
        self._apis = (self.archive_api, self.forecast_api)

    @classmethod
    def from_settings(
        cls, settings: Settings, archive_url: str | None = None, forecast_url: str | None = None
    ) -> OpenMeteoClient:
        """A client configured by ``UNDERCUT_OPENMETEO_*``, the HTTP cache and retries.

        Raises:
            InputError: ``UNDERCUT_OPENMETEO_LIMITS`` cannot be read.
        """
        options = options_from_settings(
            settings, settings.openmeteo_limits, "UNDERCUT_OPENMETEO_LIMITS"
        )
        return cls(
            archive_url or settings.openmeteo_url,
            forecast_url or settings.openmeteo_forecast_url,
            **options,
        )

    def archive(
        self, latitude: float, longitude: float, start: date, end: date, fresh: bool = False
    ) -> Response:
        """Observed (reanalysis) hourly weather for whole days ``start``..``end`` (GMT);
        ``fresh`` goes past the HTTP cache."""
        return self._get(
            self.archive_api,
            "archive",
            latitude,
            longitude,
            start,
            end,
            ARCHIVE_VARIABLES,
            fresh,
        )

    def forecast(self, latitude: float, longitude: float, start: date, end: date) -> Response:
        """Forecast hourly weather, including the probability of precipitation."""
        return self._get(
            self.forecast_api, "forecast", latitude, longitude, start, end, FORECAST_VARIABLES
        )

    @staticmethod
    def _get(
        api: ApiClient,
        path: str,
        latitude: float,
        longitude: float,
        start: date,
        end: date,
        variables: tuple[str, ...],
        fresh: bool = False,
    ) -> Response:
        params = {
            "latitude": f"{latitude:.4f}",
            "longitude": f"{longitude:.4f}",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "hourly": ",".join(variables),
            "timezone": "GMT",
            "wind_speed_unit": "kmh",
        }
        if fresh:
            api.forget(api.url_for(path, params))
        response = api.get(path, params, accept=range(400, 500))
        try:
            payload = json.loads(response.content)
        except ValueError:
            api.forget(api.url_for(path, params))
            payload = None
        if response.status >= 400:
            reason = payload.get("reason") if isinstance(payload, dict) else None
            detail = reason or response.content.decode("utf-8", "replace").strip()[:200]
            raise SourceError(f"{response.url}: HTTP {response.status} {detail}", url=response.url)
        return Response(response.url, response.content, payload)


def parse_hourly(
    payload: Any, *, where: str, log: IssueLog, expected: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Hourly rows ``{"hour_at", <column>: value, ...}`` from an Open-Meteo response.

    A variable of the wrong length or in an unexpected unit is dropped (its column stays
    null) with a warning, and so is one of ``expected`` (the variables requested) that
    the response lacks; a null value stays null (the archive has none yet for the last
    few days) and is counted in a warning. A repeated hour keeps its first values.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("hourly"), dict):
        log.add(where, "hourly", "response has no hourly block", {"value": repr(payload)[:120]})
        return []
    hourly = payload["hourly"]
    declared = payload.get("hourly_units")
    units: dict[str, Any] = declared if isinstance(declared, dict) else {}
    times = hourly.get("time")
    if not isinstance(times, list) or not times:
        log.add(where, "time", "hourly block has no time array", {"value": None})
        return []
    rows: list[dict[str, Any]] = []
    for index, text in enumerate(times):
        try:
            rows.append({"hour_at": to_utc(text)})
        except BadValue:
            log.add(
                where,
                "time",
                "not an ISO 8601 timestamp; hour skipped",
                {"line": index, "value": repr(text)[:40]},
            )
            rows.append({"hour_at": None})
    for variable, (column, unit) in COLUMNS.items():
        values = hourly.get(variable)
        for row in rows:
            row[column] = None
        if values is None:
            if variable in expected:
                log.add(
                    where, variable, "requested variable missing; column left null", {"value": None}
                )
            continue
        if not isinstance(values, list) or len(values) != len(times):
            log.add(
                where,
                variable,
                "array length differs from time; variable dropped",
                {"value": len(values) if isinstance(values, list) else repr(values)[:40]},
            )
            continue
        got_unit = units.get(variable)
        if got_unit is not None and got_unit != unit:
            log.add(where, variable, f"unit is not {unit}; variable dropped", {"value": got_unit})
            continue
        for index, (row, value) in enumerate(zip(rows, values, strict=True)):
            if value is None:
                log.add(where, variable, "null hourly value", {"line": index, "value": None})
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                log.add(
                    where,
                    variable,
                    "not a number; value set to null",
                    {"line": index, "value": repr(value)[:40]},
                )
                continue
            row[column] = float(value)
    seen: set[Any] = set()
    kept = []
    for index, row in enumerate(rows):
        if row["hour_at"] is None:
            continue
        if row["hour_at"] in seen:
            log.add(
                where,
                "time",
                "repeated hour; first values kept",
                {"line": index, "value": row["hour_at"].isoformat()},
            )
            continue
        seen.add(row["hour_at"])
        kept.append(row)
    return kept
