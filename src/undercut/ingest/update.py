"""Jolpica (Ergast-compatible API) → bronze → silver, race by race, then gold.

History comes from the archive; what happened since comes from the API, one race at a
time. A run:

1. reads each season's schedule (``/{season}/races``) and applies it in one transaction:
   new races and circuits are added, changed dates or circuits updated, and a race the
   warehouse lists without results that the API no longer lists is dropped as
   cancelled. An empty schedule (a season not published yet) changes nothing;
2. picks the races to fetch: those whose qualifying has happened and that are not complete
   in the warehouse (results *and* standings), plus recent races (a result may still be
   corrected after a penalty), plus ``--round`` when given;
3. fetches qualifying, sprint and race results (whole-season pages when several rounds
   are due), then per finished race the pit stops, laps and standings after it;
4. applies each race in its own transaction: new drivers, constructors and circuits are
   created, each per-race table replaced, every changed row logged in
   ``meta.update_changes``. A failure (API error after retries, malformed payload) rolls
   that race back and stops the run with the URL at fault; the races before it stay, and
   the next run resumes with the rest;
5. publishes the changed silver tables and rebuilds gold.

Every page received is kept verbatim under ``bronze/jolpica/<date>/`` (named by path and
content hash). The HTTP cache answers a repeated run, so a second run right after the
first makes no API calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from undercut.config import Settings
from undercut.errors import InputError, SourceError
from undercut.ingest import staging
from undercut.lake import Lake
from undercut.sources import jolpica_parse as parse
from undercut.sources.jolpica import Fetched, JolpicaClient
from undercut.warehouse import db

Progress = Callable[[str, int, int], None]
Row = dict[str, Any]

# A finished race is fetched again for this long: penalties can change a result.
RECHECK = timedelta(days=7)
# From this many due rounds on, whole-season pages are cheaper than one call per round.
SEASON_LEVEL_FROM = 3

# Per-race silver tables: key columns within a race, and the id column kept stable.
RACE_TABLES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "qualifying": (("driver_id",), "qualify_id"),
    "sprint_results": (("driver_id", "car_number"), "result_id"),
    "race_results": (("driver_id", "car_number"), "result_id"),
    "constructor_results": (("constructor_id",), None),
    "pit_stops": (("driver_id", "stop"), None),
    "lap_times": (("driver_id", "lap"), None),
    "driver_standings": (("driver_id",), None),
    "constructor_standings": (("constructor_id",), None),
}
ENTITY_TABLES = {"drivers": "driver_id", "constructors": "constructor_id", "circuits": "circuit_id"}

_META_DDL = (
    "create table if not exists meta.update_changes (changed_at timestamp, season integer, "
    "round integer, table_name varchar, change varchar, row_key varchar, before json, "
    "after json)",
    "create table if not exists meta.api_races (season integer, round integer, "
    "state varchar, checked_at timestamp, primary key (season, round))",
    "create table if not exists meta.updates (updated_at timestamp, source varchar, summary json)",
)


@dataclass
class UpdateSummary:
    """What a run did: races added/changed, rows written per table, what it cost."""

    source: str
    seasons: list[int] = field(default_factory=list)
    races_added: list[str] = field(default_factory=list)
    races_changed: list[str] = field(default_factory=list)
    races_pending: list[str] = field(default_factory=list)
    races_cancelled: list[str] = field(default_factory=list)
    races_scheduled: list[str] = field(default_factory=list)
    empty_seasons: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    changes: int = 0
    api_calls: int = 0
    from_cache: int = 0
    retries: int = 0
    gold: str | None = None
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.changes > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "seasons": self.seasons,
            "races_added": self.races_added,
            "races_changed": self.races_changed,
            "races_pending": self.races_pending,
            "races_cancelled": self.races_cancelled,
            "races_scheduled": self.races_scheduled,
            "empty_seasons": self.empty_seasons,
            "rows": self.rows,
            "changes": self.changes,
            "api_calls": self.api_calls,
            "from_cache": self.from_cache,
            "retries": self.retries,
            "gold": self.gold,
            "seconds": round(self.seconds, 3),
        }


# --------------------------------------------------------------------------- helpers


def _slug(path: str, url: str) -> str:
    """A bronze file name for a request: the path after the API root and the query,
    Ergast-recording style (``@`` for ``/``, ``^`` for ``?``)."""
    query = urlsplit(url).query
    name = path.replace("/", "@")
    return f"{name}^{query.replace('&', '+')}" if query else name


def _keep_bronze(lake: Lake, fetched: Fetched) -> None:
    for page in fetched.pages:
        day = page.fetched_at.date().isoformat()
        name = f"{_slug(fetched.path, page.url)}.{page.sha256[:16]}.json"
        if not lake.exists("bronze", "jolpica", day, name):
            lake.write_bytes(page.content, "bronze", "jolpica", day, name)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'silver' "
            "and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[Row]) -> None:
    if not rows:
        return
    columns = _columns(con, table)
    data = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows])
    con.register("_api_rows", data)
    try:
        con.execute(f"insert into silver.{table} by name select * from _api_rows")
    finally:
        con.unregister("_api_rows")


def _race_rows(
    con: duckdb.DuckDBPyConnection, table: str, season: int, rnd: int, where: str = ""
) -> list[Row]:
    cursor = con.execute(
        f"select * from silver.{table} where season = ? and round = ?{where}", [season, rnd]
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _jsonable(row: Row | None) -> str | None:
    return None if row is None else json.dumps(row, default=str, sort_keys=True)


# --------------------------------------------------------------------------- applying


class _Apply:
    """The writes of one transaction (a season's schedule, or one race)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: datetime) -> None:
        self.con = con
        self.now = now.replace(tzinfo=None)
        self.rows: dict[str, int] = {}
        self.changes = 0
        self.tables: set[str] = set()

    def log(
        self,
        season: int,
        rnd: int | None,
        table: str,
        change: str,
        key: str,
        before: Row | None,
        after: Row | None,
    ) -> None:
        self.con.execute(
            "insert into meta.update_changes values (?, ?, ?, ?, ?, ?, ?, ?)",
            [self.now, season, rnd, table, change, key, _jsonable(before), _jsonable(after)],
        )
        self.changes += 1
        self.tables.add(table)

    def entities(self, table: str, rows: list[Row], season: int, rnd: int | None) -> None:
        """Create drivers, constructors or circuits met for the first time."""
        key = ENTITY_TABLES[table]
        known = {r[0] for r in self.con.execute(f"select {key} from silver.{table}").fetchall()}
        new = {row[key]: row for row in rows if row[key] not in known}
        if new:
            _insert(self.con, table, list(new.values()))
            self.rows[table] = self.rows.get(table, 0) + len(new)
            for ref, row in new.items():
                self.log(season, rnd, table, "added", ref, None, row)

    def status_ids(self, rows: list[Row]) -> None:
        """Map status text onto ``silver.statuses`` ids, adding statuses never seen."""
        known = dict(
            self.con.execute(
                "select status, min(status_id) from silver.statuses group by status"
            ).fetchall()
        )
        for row in rows:
            text = row.get("status")
            if text is None:
                row["status_id"] = None
                continue
            if text not in known:
                top = self.con.execute(
                    "select coalesce(max(status_id), 0) from silver.statuses"
                ).fetchone()
                known[text] = int(top[0]) + 1 if top else 1
                self.con.execute("insert into silver.statuses values (?, ?)", [known[text], text])
                self.rows["statuses"] = self.rows.get("statuses", 0) + 1
                self.tables.add("statuses")
            row["status_id"] = known[text]

    def replace(self, table: str, season: int, rnd: int, rows: list[Row]) -> bool:
        """Replace one race's rows of ``table``; log what changed. Returns True if any."""
        keys, id_column = RACE_TABLES[table]
        where = " and source = 'jolpica'" if table == "lap_times" else ""
        old = _race_rows(self.con, table, season, rnd, where)
        old_by_key = {tuple(r[k] for k in keys): r for r in old}
        if id_column:
            top = self.con.execute(
                f"select coalesce(max({id_column}), 0) from silver.{table}"
            ).fetchone()
            next_id = int(top[0]) + 1 if top else 1
            for row in rows:
                previous = old_by_key.get(tuple(row.get(k) for k in keys))
                if previous is not None:
                    row[id_column] = previous[id_column]
                else:
                    row[id_column] = next_id
                    next_id += 1
        for row in rows:
            row["season"], row["round"] = season, rnd
        self.con.execute(
            f"delete from silver.{table} where season = ? and round = ?{where}", [season, rnd]
        )
        _insert(self.con, table, rows)
        new = _race_rows(self.con, table, season, rnd, where)
        new_by_key = {tuple(r[k] for k in keys): r for r in new}
        changed = False
        for key in sorted(set(old_by_key) | set(new_by_key), key=str):
            before, after = old_by_key.get(key), new_by_key.get(key)
            if before == after:
                continue
            change = "added" if before is None else "removed" if after is None else "changed"
            # A race seen for the first time is logged once, not row by row.
            if old:
                self.log(season, rnd, table, change, "/".join(map(str, key)), before, after)
            changed = True
        if changed:
            self.tables.add(table)
            self.rows[table] = self.rows.get(table, 0) + len(rows)
        return changed


def _apply_schedule(
    con: duckdb.DuckDBPyConnection,
    season: int,
    races: list[Row],
    circuits: list[Row],
    now: datetime,
    summary: UpdateSummary,
) -> _Apply:
    """Add new races/circuits, update moved ones, drop cancelled ones (no results)."""
    apply = _Apply(con, now)
    apply.entities("circuits", circuits, season, None)
    cursor = con.execute("select * from silver.races where season = ?", [season])
    names = [d[0] for d in cursor.description]
    current = {
        row["round"]: row
        for row in (dict(zip(names, values, strict=True)) for values in cursor.fetchall())
    }
    known = con.execute("select count(*) from silver.seasons where season = ?", [season])
    if not (known.fetchone() or (0,))[0]:
        con.execute("insert into silver.seasons (season, url) values (?, ?)", [season, None])
        apply.tables.add("seasons")
    compared = (
        "circuit_id",
        "race_name",
        "race_date",
        "race_time",
        *(f"{p}_{s}" for p in ("fp1", "fp2", "fp3", "quali", "sprint") for s in ("date", "time")),
    )
    for race in races:
        rnd = race["round"]
        before = current.get(rnd)
        if before is None:
            _insert(con, "races", [race])
            apply.rows["races"] = apply.rows.get("races", 0) + 1
            apply.log(season, rnd, "races", "added", f"{season}/{rnd}", None, race)
            summary.races_scheduled.append(f"{season}:{rnd}")
            continue
        updates = {
            c: race[c] for c in compared if race.get(c) is not None and race[c] != before.get(c)
        }
        if updates:
            sets = ", ".join(f"{c} = ?" for c in updates)
            con.execute(
                f"update silver.races set {sets} where season = ? and round = ?",
                [*updates.values(), season, rnd],
            )
            apply.rows["races"] = apply.rows.get("races", 0) + 1
            apply.log(
                season,
                rnd,
                "races",
                "changed",
                f"{season}/{rnd}",
                {c: before.get(c) for c in updates},
                updates,
            )
    listed = {race["round"] for race in races}
    for rnd, before in sorted(current.items()):
        if rnd in listed:
            continue
        has_results = con.execute(
            "select count(*) from silver.race_results where season = ? and round = ?", [season, rnd]
        ).fetchone()
        if has_results and has_results[0]:
            continue
        for table in ("races", "qualifying", "sprint_results"):
            con.execute(f"delete from silver.{table} where season = ? and round = ?", [season, rnd])
        apply.log(season, rnd, "races", "cancelled", f"{season}/{rnd}", before, None)
        con.execute(
            "insert or replace into meta.api_races values (?, ?, 'cancelled', ?)",
            [season, rnd, apply.now],
        )
        summary.races_cancelled.append(f"{season}:{rnd}")
    return apply


@dataclass
class _RaceData:
    """What the API said about one race; ``None`` means not asked this run."""

    qualifying: dict[str, Any] | None = None
    sprint: dict[str, Any] | None = None
    results: dict[str, Any] | None = None
    pit_stops: dict[str, Any] | None = None
    laps: dict[str, Any] | None = None
    driver_standings: dict[str, Any] | None = None
    constructor_standings: dict[str, Any] | None = None


def _constructor_results(results: list[Row]) -> list[Row]:
    points: dict[str, float] = {}
    for row in results:
        points[row["constructor_id"]] = points.get(row["constructor_id"], 0.0) + (
            row["points"] or 0.0
        )
    return [
        {"constructor_id": ref, "points": total, "status": None} for ref, total in points.items()
    ]


def _apply_race(
    con: duckdb.DuckDBPyConnection, season: int, rnd: int, data: _RaceData, now: datetime
) -> tuple[_Apply, str, bool, bool]:
    """One race's tables, in the caller's transaction. Returns the writes, the race's
    state, whether it had results before, and whether anything changed."""
    apply = _Apply(con, now)
    had = con.execute(
        "select count(*) from silver.race_results where season = ? and round = ?", [season, rnd]
    ).fetchone()
    had_results = bool(had and had[0])
    drivers: dict[str, Row] = {}
    constructors: dict[str, Row] = {}
    for item, key in (
        (data.qualifying, "QualifyingResults"),
        (data.sprint, "SprintResults"),
        (data.results, "Results"),
        (data.driver_standings, "DriverStandings"),
        (data.constructor_standings, "ConstructorStandings"),
    ):
        if item:
            found_drivers, found_constructors = parse.entities(item, key)
            for row in found_drivers:
                drivers.setdefault(row["driver_id"], row)
            for row in found_constructors:
                constructors.setdefault(row["constructor_id"], row)
    apply.entities("drivers", list(drivers.values()), season, rnd)
    apply.entities("constructors", list(constructors.values()), season, rnd)

    changed = False
    planned: list[tuple[str, list[Row]]] = []
    if data.qualifying:
        planned.append(("qualifying", parse.qualifying_rows(data.qualifying)))
    if data.sprint:
        planned.append(("sprint_results", parse.result_rows(data.sprint, "SprintResults")))
    results = parse.result_rows(data.results) if data.results else []
    if results:
        planned.append(("race_results", results))
        planned.append(("constructor_results", _constructor_results(results)))
    if data.pit_stops:
        planned.append(("pit_stops", parse.pit_stop_rows(data.pit_stops)))
    if data.laps:
        planned.append(("lap_times", parse.lap_rows(data.laps)))
    if data.driver_standings:
        planned.append(("driver_standings", parse.standings_rows(data.driver_standings, "driver")))
    if data.constructor_standings:
        planned.append(
            (
                "constructor_standings",
                parse.standings_rows(data.constructor_standings, "constructor"),
            )
        )
    for table, rows in planned:
        if not rows:  # an empty answer never erases what the warehouse has
            continue
        if table in ("race_results", "sprint_results"):
            apply.status_ids(rows)
        changed |= apply.replace(table, season, rnd, rows)
    has_results = had_results or bool(results)
    standings = con.execute(
        "select count(*) from silver.driver_standings where season = ? and round = ?", [season, rnd]
    ).fetchone()
    quali = con.execute(
        "select count(*) from silver.qualifying where season = ? and round = ?", [season, rnd]
    ).fetchone()
    state = (
        "complete"
        if has_results and standings and standings[0]
        else "results"
        if has_results
        else "qualifying"
        if quali and quali[0]
        else "scheduled"
    )
    con.execute(
        "insert or replace into meta.api_races values (?, ?, ?, ?)", [season, rnd, state, apply.now]
    )
    if changed:
        apply.log(
            season,
            rnd,
            "races",
            "corrected" if had_results else "updated",
            f"{season}/{rnd}",
            None,
            {"state": state},
        )
    return apply, state, had_results, changed


# --------------------------------------------------------------------------- the run


def _seasons(con: duckdb.DuckDBPyConnection, season: int | None, today: date) -> list[int]:
    if season is not None:
        return [season]
    row = con.execute("select max(season) from silver.race_results").fetchone()
    first = int(row[0]) if row and row[0] is not None else today.year
    return list(range(first, max(first, today.year) + 1))


def _due(
    con: duckdb.DuckDBPyConnection, season: int, schedule: list[Row], rnd: int | None, today: date
) -> list[Row]:
    """Races to fetch: qualifying happened, and not complete or still settling."""
    complete = {
        r[0]
        for r in con.execute(
            "select r.round from silver.race_results as r join silver.driver_standings as s "
            "on s.season = r.season and s.round = r.round where r.season = ? group by r.round",
            [season],
        ).fetchall()
    }
    due = []
    for race in schedule:
        if rnd is not None:
            if race["round"] == rnd:
                due.append(race)
            continue
        quali = race.get("quali_date") or race["race_date"] - timedelta(days=1)
        if quali > today:
            continue
        if race["round"] in complete and race["race_date"] + RECHECK < today:
            continue
        due.append(race)
    return due


def update(
    settings: Settings,
    season: int | None = None,
    rnd: int | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    client: JolpicaClient | None = None,
) -> UpdateSummary:
    """Bring the warehouse up to date from the Ergast-compatible API, then rebuild gold.

    Args:
        settings: the home; ``UNDERCUT_JOLPICA_URL``/``_LIMITS`` configure the client.
        season: only this season (default: the last season with results up to today's).
        rnd: only this round (needs ``season``); fetched even when already complete, which
            is how a result corrected long after the race is picked up.
        base_url: the API root instead of ``UNDERCUT_JOLPICA_URL``.
        progress: called with (description, done, total).
        now: the current time (tests).
        client: a ready client (tests); default one from the settings.

    Raises:
        InputError: ``rnd`` without ``season``.
        WarehouseError: no warehouse yet.
        SourceError: the API failed or sent a malformed payload (names the URL); the
            races applied before it stay, the failing one is rolled back.
    """
    started = time.perf_counter()
    if rnd is not None and season is None:
        raise InputError("--round needs --season")
    now = now or datetime.now(UTC)
    today = now.date()
    report = progress or (lambda _d, _n, _t: None)
    lake = Lake.from_settings(settings)
    root = base_url or settings.jolpica_url
    if client is None and not root.startswith(("http://", "https://")):
        raise InputError(f"--base-url / UNDERCUT_JOLPICA_URL {root!r}: not an http(s) URL")
    owned = client is None
    api = client or JolpicaClient.from_settings(settings, root)
    summary = UpdateSummary(source=api.base_url)
    touched: set[str] = set()
    failure: BaseException | None = None
    try:
        with db.open_warehouse(settings) as con:
            for statement in _META_DDL:
                con.execute(statement)
            for table in (*RACE_TABLES, *ENTITY_TABLES, "races", "statuses", "seasons"):
                staging.ensure_silver_table(con, table)
            summary.seasons = _seasons(con, season, today)
            try:
                for year in summary.seasons:
                    _update_season(con, api, lake, year, rnd, now, summary, touched, report)
            except Exception as exc:  # keep what was applied, then report the failure
                failure = exc
            summary.api_calls = api.stats.network
            summary.from_cache = api.stats.from_cache
            summary.retries = api.stats.retries
            con.execute(
                "insert into meta.updates values (?, ?, ?)",
                [now.replace(tzinfo=None), summary.source, json.dumps(summary.as_dict())],
            )
            if touched:
                report("writing silver Parquet", 0, 0)
                lake.publish_tables(con, "silver", sorted(touched))
    finally:
        if owned:
            api.close()
    if touched:
        from undercut.warehouse.build import build_gold

        report("rebuilding gold", 0, 0)
        summary.gold = build_gold(settings).status
    summary.seconds = time.perf_counter() - started
    lake.write_json(
        {**summary.as_dict(), "error": str(failure) if failure else None},
        "reports",
        "update-latest.json",
    )
    if failure is not None:
        raise failure
    return summary


def _update_season(
    con: duckdb.DuckDBPyConnection,
    api: JolpicaClient,
    lake: Lake,
    year: int,
    rnd: int | None,
    now: datetime,
    summary: UpdateSummary,
    touched: set[str],
    report: Progress,
) -> None:
    today = now.date()
    report(f"{year}: schedule", 0, 0)
    fetched = api.schedule(year)
    _keep_bronze(lake, fetched)
    if not fetched.items:
        summary.empty_seasons.append(year)
        return
    try:
        races = [parse.race_row(item) for item in fetched.items]
        circuits = [parse.circuit_row(item["Circuit"]) for item in fetched.items]
    except parse.PayloadError as exc:
        raise SourceError(f"{fetched.url}: {exc}", url=fetched.url) from exc
    _transaction(
        con, lambda: _apply_schedule(con, year, races, circuits, now, summary), summary, touched
    )
    due = _due(con, year, races, rnd, today)
    if rnd is not None and not due:
        raise InputError(f"--round {rnd}: the API lists no round {rnd} in {year} ({fetched.url})")
    # Whole-season pages when several rounds are due, one call a round otherwise.
    season_level: dict[str, Fetched] = {}
    for endpoint, wanted in (
        ("qualifying", due),
        ("sprint", [r for r in due if r.get("sprint_date")]),
        ("results", [r for r in due if r["race_date"] <= today]),
    ):
        if len(wanted) >= SEASON_LEVEL_FROM:
            report(f"{year}: {endpoint}", 0, 0)
            season_level[endpoint] = api.fetch(endpoint, year)
            _keep_bronze(lake, season_level[endpoint])
    archive_laps = {
        r[0]
        for r in con.execute(
            "select distinct round from silver.lap_times where season = ? and source <> 'jolpica'",
            [year],
        ).fetchall()
    }

    for done, race in enumerate(due):
        number = race["round"]
        label = f"{year} R{number} {race.get('race_name') or ''}".strip()
        report(label, done, len(due))
        pages: list[Fetched] = []

        def get(
            endpoint: str, number: int = number, pages: list[Fetched] = pages
        ) -> dict[str, Any] | None:
            answer = season_level.get(endpoint) or api.fetch(endpoint, year, number)
            if endpoint not in season_level:
                _keep_bronze(lake, answer)
            pages.append(answer)
            item = answer.for_round(year, number)
            if item:
                _check(endpoint, item, answer.url)
            return item

        data = _RaceData(qualifying=get("qualifying"))
        if race.get("sprint_date") and race["sprint_date"] <= today:
            data.sprint = get("sprint")
        if race["race_date"] <= today:
            data.results = get("results")
        if data.results and data.results.get("Results"):
            data.pit_stops = get("pitstops")
            if number not in archive_laps:
                data.laps = get("laps")
            data.driver_standings = get("driverstandings")
            data.constructor_standings = get("constructorstandings")

        def apply_race(
            data: _RaceData = data, number: int = number, pages: list[Fetched] = pages
        ) -> _Apply:
            try:
                applied, state, had_results, changed = _apply_race(con, year, number, data, now)
            except parse.PayloadError as exc:
                url = pages[-1].url if pages else api.base_url
                raise SourceError(f"{url}: {exc}", url=url) from exc
            key = f"{year}:{number}"
            if changed and had_results:
                summary.races_changed.append(key)
            elif state in ("complete", "results") and changed:
                summary.races_added.append(key)
            elif state in ("qualifying", "scheduled", "results"):
                summary.races_pending.append(key)
            return applied

        _transaction(con, apply_race, summary, touched)
    report(f"{year}: done", len(due), len(due))


_PARSERS: dict[str, tuple[str, Callable[[dict[str, Any]], list[Row]]]] = {
    "qualifying": ("QualifyingResults", parse.qualifying_rows),
    "sprint": ("SprintResults", lambda race: parse.result_rows(race, "SprintResults")),
    "results": ("Results", parse.result_rows),
    "pitstops": ("PitStops", parse.pit_stop_rows),
    "laps": ("Laps", parse.lap_rows),
    "driverstandings": ("DriverStandings", lambda item: parse.standings_rows(item, "driver")),
    "constructorstandings": (
        "ConstructorStandings",
        lambda item: parse.standings_rows(item, "constructor"),
    ),
}


def _check(endpoint: str, item: dict[str, Any], url: str) -> None:
    """Read one answer before anything is written, so a bad value names its own URL."""
    key, rows = _PARSERS[endpoint]
    try:
        rows(item)
        parse.entities(item, key)
    except parse.PayloadError as exc:
        raise SourceError(f"{url}: {exc}", url=url) from exc


def _transaction(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[], _Apply],
    summary: UpdateSummary,
    touched: set[str],
) -> None:
    con.execute("begin transaction")
    try:
        applied = work()
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    for table, count in applied.rows.items():
        summary.rows[table] = summary.rows.get(table, 0) + count
    summary.changes += applied.changes
    touched.update(applied.tables)
