"""Jolpica-F1 (https://github.com/jolpica/jolpica-f1): the Ergast-compatible API.

``JolpicaClient`` knows the Ergast URL grammar and its paging, nothing else: every
request goes through ``undercut.sources.http.ApiClient`` (User-Agent naming undercut,
the service's published limits of 4 requests a second and 500 an hour, an HTTP cache so
a repeated run costs no calls, retries with backoff honouring ``Retry-After``).

Paging: each request asks for ``limit=100`` (the service's maximum) and follows
``offset`` until ``total``, stepping by the ``limit`` the server says it applied (a
server that caps lower is still read in full). A paged answer is merged back into one
``RaceTable``/``StandingsTable``: a race split over two pages becomes one race again.

Few calls: results, qualifying and sprint results exist per season, so a catch-up over
many rounds costs a few pages instead of one call per round; pit stops, laps and
standings after a given round exist only per round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Unpack

from undercut.config import Settings
from undercut.errors import SourceError
from undercut.sources.http import (
    ApiClient,
    ApiOptions,
    ApiResponse,
    SourceClient,
    options_from_settings,
)

PAGE_LIMIT = 100
MAX_PAGES = 500

# Endpoint → (table key in MRData, list key in each race / standings list).
ENDPOINTS: dict[str, tuple[str, str]] = {
    "races": ("RaceTable", ""),
    "results": ("RaceTable", "Results"),
    "qualifying": ("RaceTable", "QualifyingResults"),
    "sprint": ("RaceTable", "SprintResults"),
    "pitstops": ("RaceTable", "PitStops"),
    "laps": ("RaceTable", "Laps"),
    "driverstandings": ("StandingsTable", "DriverStandings"),
    "constructorstandings": ("StandingsTable", "ConstructorStandings"),
}


@dataclass
class Fetched:
    """One endpoint read in full: every page as received, and the merged races/lists."""

    endpoint: str
    path: str
    pages: list[ApiResponse] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    @property
    def url(self) -> str:
        return self.pages[0].url if self.pages else self.path

    def for_round(self, season: int, rnd: int) -> dict[str, Any] | None:
        """The merged race (or standings list) of ``season``/``rnd``, if the answer has it."""
        for item in self.items:
            if int(item.get("season", 0)) == season and int(item.get("round", 0)) == rnd:
                return item
        return None


def _mrdata(payload: Any, url: str, endpoint: str) -> tuple[dict[str, Any], list[Any]]:
    table_key = ENDPOINTS[endpoint][0]
    try:
        mrdata = payload["MRData"]
        total, limit, offset = (int(mrdata[k]) for k in ("total", "limit", "offset"))
        table = mrdata[table_key]
        listing = table["Races"] if table_key == "RaceTable" else table["StandingsLists"]
        if not isinstance(listing, list) or min(total, limit, offset) < 0:
            raise TypeError("not a list")
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceError(
            f"{url}: malformed Ergast payload (expected MRData with total/limit/offset and "
            f"{table_key}; {type(exc).__name__}: {exc})",
            url=url,
        ) from exc
    return mrdata, listing


def _merge(endpoint: str, merged: list[dict[str, Any]], listing: list[dict[str, Any]]) -> None:
    """Append one page's races (or standings lists), joining a race split over pages."""
    inner = ENDPOINTS[endpoint][1]
    for item in listing:
        last = merged[-1] if merged else None
        same = last is not None and (last.get("season"), last.get("round")) == (
            item.get("season"),
            item.get("round"),
        )
        if not same or not inner:
            merged.append({**item, inner: list(item.get(inner, []))} if inner else dict(item))
            continue
        assert last is not None
        if endpoint == "laps":
            laps = last[inner]
            for lap in item.get(inner, []):
                if laps and laps[-1].get("number") == lap.get("number"):
                    laps[-1] = {
                        **laps[-1],
                        "Timings": laps[-1].get("Timings", []) + lap.get("Timings", []),
                    }
                else:
                    laps.append(lap)
        else:
            last[inner].extend(item.get(inner, []))


class JolpicaClient(SourceClient):
    """Typed access to the Ergast-compatible API, every answer read in full.

    Args:
        base_url: the API root, e.g. ``https://api.jolpi.ca/ergast/f1/`` (a local
            mirror or replay in tests).
        options: ``ApiClient`` options (rate limits, HTTP cache, timeout, retries); the
            limits default to Jolpica's published ``"4/s;500/h"`` (``"none"`` for a mirror).
    """

    def __init__(self, base_url: str, **options: Unpack[ApiOptions]) -> None:
        options.setdefault("limits", "4/s;500/h")
        self.api = ApiClient(base_url, name="jolpica", **options)
        self._apis = (self.api,)

    @classmethod
    def from_settings(
        cls, settings: Settings, base_url: str | None = None, **kwargs: Unpack[ApiOptions]
    ) -> JolpicaClient:
        """A client configured from ``UNDERCUT_JOLPICA_URL``/``_LIMITS``, timeouts, cache.

        Raises:
            InputError: ``UNDERCUT_JOLPICA_LIMITS`` cannot be read.
        """
        options = options_from_settings(
            settings, settings.jolpica_limits, "UNDERCUT_JOLPICA_LIMITS"
        )
        return cls(base_url or settings.jolpica_url, **(options | kwargs))

    @property
    def base_url(self) -> str:
        return self.api.base_url

    def fetch(self, endpoint: str, season: int, rnd: int | None = None) -> Fetched:
        """GET ``/{season}[/{round}]/{endpoint}.json`` and every further page.

        Raises:
            SourceError: the API failed after retries, or a page is not an Ergast payload
                (the message names the URL).
        """
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown Ergast endpoint {endpoint!r}")
        path = f"{season}/{rnd}/{endpoint}.json" if rnd is not None else f"{season}/{endpoint}.json"
        fetched = Fetched(endpoint, path)
        offset = 0
        for _ in range(MAX_PAGES):
            params = {"limit": PAGE_LIMIT, "offset": offset} if offset else {"limit": PAGE_LIMIT}
            payload, response = self.api.get_json(path, params)
            try:
                mrdata, listing = _mrdata(payload, response.url, endpoint)
            except SourceError:
                self.api.forget(self.api.url_for(path, params))
                raise
            fetched.pages.append(response)
            fetched.total = int(mrdata["total"])
            _merge(endpoint, fetched.items, listing)
            step = int(mrdata["limit"])
            offset = int(mrdata["offset"]) + step
            if step <= 0 or offset >= fetched.total:
                return fetched
        raise SourceError(f"{self.api.url_for(path)}: more than {MAX_PAGES} pages", url=path)

    def schedule(self, season: int) -> Fetched:
        """The season's races: circuit, date and time, session dates (a sprint weekend
        has ``Sprint``)."""
        return self.fetch("races", season)

    def results(self, season: int, rnd: int | None = None) -> Fetched:
        """Race results of one round, or of the whole season."""
        return self.fetch("results", season, rnd)

    def qualifying(self, season: int, rnd: int | None = None) -> Fetched:
        """Qualifying results (Q1/Q2/Q3) of one round, or of the whole season."""
        return self.fetch("qualifying", season, rnd)

    def sprint(self, season: int, rnd: int | None = None) -> Fetched:
        """Sprint results of one round, or of the whole season."""
        return self.fetch("sprint", season, rnd)

    def pit_stops(self, season: int, rnd: int) -> Fetched:
        """Pit stops of one race (lap, stop number, time of day, duration)."""
        return self.fetch("pitstops", season, rnd)

    def laps(self, season: int, rnd: int) -> Fetched:
        """Every lap timing of one race (paged by timing: ~12 pages a race)."""
        return self.fetch("laps", season, rnd)

    def driver_standings(self, season: int, rnd: int) -> Fetched:
        """Drivers' championship standings after one round."""
        return self.fetch("driverstandings", season, rnd)

    def constructor_standings(self, season: int, rnd: int) -> Fetched:
        """Constructors' championship standings after one round."""
        return self.fetch("constructorstandings", season, rnd)
