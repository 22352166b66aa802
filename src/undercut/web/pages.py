"""The dashboard's pages: next race, season, race, driver, constructor, circuit, model.

Every page is rendered on the server from a Jinja2 template, so it is readable as soon as
the HTML arrives; charts are drawn afterwards by plotly.js. A page whose data is missing
(an empty warehouse, no prediction, no backtest) says what is missing and how to get it;
an unknown driver or season is a 404 page, never a 500.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from undercut import __version__
from undercut.config import Settings
from undercut.errors import NotFoundError, StorageError, WarehouseError
from undercut.serving.colours import TeamColours
from undercut.serving.store import Reader
from undercut.web import assets, charts, data, formats, race_charts
from undercut.web.styles import driver_styles
from undercut.web.threads import PageRouter

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"

router = PageRouter(include_in_schema=False)


@cache
def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=str(TEMPLATES))
    env.env.filters.update(formats.FILTERS)
    env.env.globals["static"] = assets.fingerprint
    env.env.globals["plotly_js"] = assets.plotly_name
    env.env.globals["version"] = __version__
    return env


@dataclass
class Page:
    """What a page builder gets: one request's readers and the display names."""

    reader: Reader
    session: Session
    settings: Settings
    names: data.Names
    colours: TeamColours


def _per_version(request: Request, key: str, load: Callable[[], Any]) -> Any:
    """A lookup loaded once per version of the served data (names, team colours)."""
    store = request.app.state.store
    cached = getattr(request.app.state, key, None)
    if cached is None or cached[0] != store.version:
        cached = (store.version, load())
        setattr(request.app.state, key, cached)
    return cached[1]


def _names(request: Request, reader: Reader) -> data.Names:
    return _per_version(request, "web_names", lambda: data.Names.load(reader))  # type: ignore[no-any-return]


def _colours(request: Request, reader: Reader) -> TeamColours:
    return _per_version(request, "web_colours", lambda: TeamColours.load(reader))  # type: ignore[no-any-return]


def render(
    request: Request, template: str, build: Callable[[Page], dict[str, Any] | Response]
) -> Response:
    """Run a page builder over the served data and render its template. An error is left
    to the API's one mapping (``undercut.api.errors``): a browser gets the page of its
    status (``error_page``), a program JSON, with the status the API gives that error."""
    with request.app.state.store.reader() as reader, request.app.state.sessions() as session:
        page = Page(
            reader,
            session,
            request.app.state.settings,
            _names(request, reader),
            _colours(request, reader),
        )
        context = build(page)
    if isinstance(context, Response):
        return context
    context.setdefault("charts", [])
    context["chart_map"] = {c.id: c for c in context["charts"]}
    return templates().TemplateResponse(request, template, context)


ERROR_TITLES = {
    404: "Page not found",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Not available",
}


def error_page(
    request: Request,
    status: int,
    text: str,
    headers: Mapping[str, str] | None = None,
    *,
    empty_warehouse: bool = False,
) -> Response:
    """An error as a page of the dashboard (``undercut.api.errors`` decides who gets one);
    ``empty_warehouse`` adds how to load one."""
    title = ERROR_TITLES.get(status, "Something went wrong" if status >= 500 else "Not possible")
    if empty_warehouse:
        title = "No data yet"
    if status == 429:
        text = f"Too many pages asked for in a short time from your address: {text}."
    context = {"title": title, "text": text, "charts": [], "empty_warehouse": empty_warehouse}
    return templates().TemplateResponse(
        request, "message.html", context, status_code=status, headers=dict(headers or {})
    )


def _number(value: str | None, what: str) -> int | None:
    """A season or round typed into a page address: one that is not a number names no
    page, so it is a 404 page like an unknown season, not a JSON validation error."""
    if value is None or value == "":
        return None
    if re.fullmatch(r"[0-9]{1,6}", value) is None:
        raise NotFoundError(f"{what} {value!r} is not a number")
    return int(value)


# -- static files ------------------------------------------------------------------------
@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    return assets.serve(request, name)


# -- next race ---------------------------------------------------------------------------
def _comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    actual = {a["driverId"]: a for a in comparison["actual"]}
    drivers = sorted(comparison["drivers"], key=lambda d: d["expected_position"])
    rows = []
    for rank, d in enumerate(drivers, start=1):
        result = actual.get(d["driverId"])
        rows.append(
            {
                **d,
                "predicted_rank": rank,
                "actual": result["positionOrder"] if result else None,
                "classified": result["position"] if result else None,
            }
        )
    return rows


def _prediction_styles(prediction: dict[str, Any], colours: TeamColours) -> dict[str, Any]:
    """The predicted drivers in their team's colours, favourites first."""
    return driver_styles(
        [(d["driverId"], d.get("constructorId")) for d in prediction["drivers"]],
        colours,
        prediction["season"],
    )


def _probabilities_chart(prediction: dict[str, Any], p: Page) -> charts.Chart:
    """The home and a race page show a prediction the same way, so a reader who has seen one
    knows the other."""
    return charts.chart(
        "chart-probabilities",
        "Bar chart of win, podium and points probabilities of the favourites",
        charts.win_probabilities(
            prediction["drivers"], p.names.driver_short, _prediction_styles(prediction, p.colours)
        ),
    )


def _comparison_chart(
    comparison: dict[str, Any], rows: list[dict[str, Any]], p: Page
) -> charts.Chart:
    """Like ``_probabilities_chart``: one scorecard chart for the home and a race page."""
    return charts.chart(
        "chart-comparison",
        "Scatter chart of each driver's expected position against the result",
        charts.predicted_vs_actual(
            rows, p.names.driver_short, _prediction_styles(comparison, p.colours)
        ),
    )


@router.get("/", response_class=HTMLResponse)
def next_race_page(request: Request) -> Response:
    """The next race: schedule and the latest prediction; the last race's scorecard."""

    def build(p: Page) -> dict[str, Any]:
        upcoming = data.upcoming(p.reader)
        last = data.latest_finished(p.reader)
        if upcoming is None and last is None:
            raise WarehouseError(
                "the warehouse holds no races yet; run `undercut ingest "
                "archive` and `undercut build`"
            )
        figures = []
        prediction = None
        if upcoming is not None:
            prediction = data.prediction(p.session, upcoming["season"], upcoming["round"])
            if prediction is not None:
                figures.append(_probabilities_chart(prediction, p))
        comparison, rows = None, []
        if last is not None:
            comparison = data.comparison(p.session, p.reader, last["season"], last["round"])
            if comparison is not None:
                rows = _comparison_rows(comparison)
                figures.append(_comparison_chart(comparison, rows, p))
        last_results = (
            data.race_results(p.reader, last["season"], last["round"]) if last is not None else None
        )
        return {
            "title": upcoming["raceName"] if upcoming else "Next race",
            "nav": "next",
            "upcoming": upcoming,
            "prediction": prediction,
            "last": last,
            "last_results": last_results,
            "comparison": comparison,
            "comparison_rows": rows,
            "charts": figures,
            "names": p.names,
        }

    return render(request, "next_race.html", build)


# -- seasons and races ---------------------------------------------------------------------
@router.get("/seasons", response_class=HTMLResponse, response_model=None)
def seasons_page(request: Request, season: str | None = None) -> Response:
    """The chosen season (the picker's form), else the newest season with results."""

    def build(p: Page) -> Response:
        chosen = _number(season, "season")
        if chosen is not None:
            return RedirectResponse(f"/seasons/{chosen}", status_code=303)
        last = data.latest_finished(p.reader)
        if last is None:
            raise WarehouseError(
                "the warehouse holds no results yet; run `undercut ingest "
                "archive` and `undercut build`"
            )
        return RedirectResponse(f"/seasons/{last['season']}", status_code=307)

    return render(request, "message.html", build)


@router.get("/seasons/{season}", response_class=HTMLResponse)
def season_page(
    request: Request,
    season_path: Annotated[str, PathParam(alias="season")],
    round_query: Annotated[str | None, Query(alias="round")] = None,
) -> Response:
    """Standings, the points chart and the race results of one round."""

    def build(p: Page) -> dict[str, Any]:
        season = _number(season_path, "season")
        round = _number(round_query, "round")
        assert season is not None
        calendar = data.season_races(p.reader, season)
        if calendar is None:
            raise NotFoundError(f"season {season} is not in the warehouse")
        drivers = data.driver_standings(p.reader, season)
        teams = data.constructor_standings(p.reader, season)
        progression = data.progression(p.reader, season)
        figures = []
        if progression is not None and drivers is not None:
            order = [d["driverId"] for d in drivers["drivers"]]
            teams_of = data.season_driver_teams(p.reader, season)
            styles = driver_styles([(d, teams_of.get(d)) for d in order], p.colours, season)
            figures.append(
                charts.chart(
                    "chart-progression",
                    f"Line chart of the drivers' points after each round of {season}",
                    charts.points_progression(
                        progression["drivers"], p.names.driver, order, styles
                    ),
                )
            )
        run = [r["round"] for r in calendar["races"] if r["has_result"]]
        selected = round if round is not None else (run[-1] if run else None)
        results = data.race_results(p.reader, season, selected) if selected is not None else None
        if round is not None and results is None:
            raise NotFoundError(f"race {season}:{round} has no results")
        selected_race = next((r for r in calendar["races"] if r["round"] == selected), None)
        return {
            "title": f"{season} season",
            "nav": "season",
            "season": season,
            "seasons": data.seasons(p.reader),
            "calendar": calendar["races"],
            "drivers": drivers,
            "teams": teams,
            "charts": figures,
            "results": results,
            "selected": selected_race,
            "names": p.names,
        }

    return render(request, "season.html", build)


def _highlights(
    rows: list[dict[str, Any]], season: int, colours: TeamColours
) -> dict[str, list[dict[str, Any]]]:
    """Pole and fastest lap for the top of a race page: who, their time as timing screens
    write it, and the team's colours for the chip beside the name."""
    found: dict[str, list[dict[str, Any]]] = {"pole": [], "fastest_lap": []}
    for r in rows:
        found[r["kind"]].append(
            {
                **r,
                "time": formats.lap_time(r["time_ms"]) if r["time_ms"] else None,
                "team": colours.of(r["constructor_id"], season),
            }
        )
    return found


def _race_charts(
    story: dict[str, list[dict[str, Any]]],
    results: list[dict[str, Any]],
    styles: Mapping[str, Any],
    names: data.Names,
) -> list[charts.Chart]:
    """The race's charts, each only when its data exists (the template says which are
    missing and why)."""
    short = names.driver_short
    order = [r["driverId"] for r in results]
    figures = []
    if any(r["position"] is not None for r in results):
        figures += [
            charts.chart(
                "chart-slope",
                "Slope chart: each classified driver's line from grid slot to finishing place",
                race_charts.grid_to_finish(results, styles, short),
            ),
            charts.chart(
                "chart-gained",
                "Bar chart of the places each classified driver gained or lost from the grid",
                race_charts.places_gained(results, styles, short),
            ),
        ]
    if story["laps"]:
        figures.append(
            charts.chart(
                "chart-laps",
                "Lap chart: each driver's position at the end of every lap",
                race_charts.lap_chart(story["laps"], results, styles, short),
            )
        )
    if any(row["gap_to_leader_ms"] is not None for row in story["laps"]):
        figures.append(
            charts.chart(
                "chart-gaps",
                "Line chart of each driver's gap to the leader at the end of every lap",
                race_charts.gap_chart(story["laps"], results, styles, short),
            )
        )
    if story["pits"]:
        figures.append(
            charts.chart(
                "chart-pits",
                "Timeline of the pit stops: the lap of each driver's stops",
                race_charts.pit_timeline(story["pits"], order, styles, short),
            )
        )
    if story["stints"]:
        figures.append(
            charts.chart(
                "chart-stints",
                "Bar chart of each driver's tyre stints by compound along the race",
                race_charts.tyre_stints(story["stints"], order, short),
            )
        )
    return figures


def _telemetry_links(settings: Settings, season: int, round: int) -> list[tuple[str, str]]:
    """The race's sessions with car telemetry on the lake, as (code, name) links; none
    while the lake's store is unreachable (the links are a pointer, not the page's
    content, so an outage must not take the race page down with it)."""
    from undercut.telemetry.laps import sessions_with_telemetry
    from undercut.telemetry.store import SESSION_CODES

    try:
        codes = sessions_with_telemetry(settings, season, round)
    except StorageError as exc:
        log.warning("telemetry links left out: %s", exc)
        return []
    return [(code, SESSION_CODES[code][0]) for code in codes]


@router.get("/races/{season}/{round}", response_class=HTMLResponse)
def race_page(
    request: Request,
    season_path: Annotated[str, PathParam(alias="season")],
    round_path: Annotated[str, PathParam(alias="round")],
) -> Response:
    """One race: its result and, when one was stored, the prediction beside it."""

    def build(p: Page) -> dict[str, Any]:
        season = _number(season_path, "season")
        round = _number(round_path, "round")
        assert season is not None and round is not None
        race = data.race(p.reader, season, round)
        if race is None:
            raise NotFoundError(f"race {season}:{round} is not in the calendar")
        results = data.race_results(p.reader, season, round)
        prediction = data.prediction(p.session, season, round)
        comparison = data.comparison(p.session, p.reader, season, round)
        rows = _comparison_rows(comparison) if comparison is not None else []
        figures = []
        if comparison is not None and rows:
            figures.append(_comparison_chart(comparison, rows, p))
        elif prediction is not None:
            figures.append(_probabilities_chart(prediction, p))
        timeline = data.weekend_timeline(p.session, season, round)
        if timeline is not None:
            figures.append(
                charts.chart(
                    "chart-timeline",
                    "Chart of each favourite's win and podium chances after every session",
                    charts.weekend_timeline(timeline, p.names.driver_short),
                )
            )
        story = data.race_story(p.reader, season, round)
        classified = results["results"] if results is not None else []
        styles = driver_styles(
            [(r["driverId"], r["constructorId"]) for r in classified], p.colours, season
        )
        figures += _race_charts(story, classified, styles, p.names)
        return {
            "telemetry_sessions": _telemetry_links(p.settings, season, round),
            "title": f"{season} {race['race_name']}",
            "nav": "season",
            "race": race,
            "results": results,
            "prediction": prediction,
            "comparison_rows": rows,
            "timeline": timeline,
            "charts": figures,
            "names": p.names,
            "highlights": _highlights(story["highlights"], season, p.colours),
            "story": story,
        }

    return render(request, "race.html", build)


# -- drivers, constructors, circuits ---------------------------------------------------------
LISTS: dict[str, dict[str, Any]] = {
    "drivers": {"title": "Drivers", "fetch": data.driver_list, "noun": "driver"},
    "constructors": {
        "title": "Constructors",
        "fetch": data.constructor_list,
        "noun": "constructor",
    },
    "circuits": {"title": "Circuits", "fetch": data.circuit_list, "noun": "circuit"},
}


PER_PAGE = 50


def _list_page(request: Request, kind: str, q: str | None, page: str | None) -> Response:
    """One page of a list (``?page=N``, 50 rows), searched server-side over every row."""
    spec = LISTS[kind]

    def build(p: Page) -> dict[str, Any]:
        number = _number(page, "page") or 1
        query = (q or "").strip()[:100]
        found = spec["fetch"](p.reader, query or None, PER_PAGE, (number - 1) * PER_PAGE)
        pages = max(1, -(-found["total"] // PER_PAGE))
        if number > pages:
            raise NotFoundError(f"page {number}: the list has {pages} page(s)")

        def link(n: int) -> str | None:
            if not 1 <= n <= pages or n == number:
                return None
            params = {**({"q": query} if query else {}), **({"page": n} if n > 1 else {})}
            return f"/{kind}" + (f"?{urlencode(params)}" if params else "")

        return {
            "title": spec["title"] + (f", page {number}" if number > 1 else ""),
            "nav": kind,
            "kind": kind,
            "q": query,
            "noun": spec["noun"],
            "found": found,
            "first_row": found["offset"] + 1,
            "page": number,
            "pages": pages,
            "prev_url": link(number - 1),
            "next_url": link(number + 1),
            "names": p.names,
        }

    return render(request, "list.html", build)


@router.get("/drivers", response_class=HTMLResponse)
def drivers_page(request: Request, q: str | None = None, page: str | None = None) -> Response:
    """Find a driver by name, code or ref (most wins first)."""
    return _list_page(request, "drivers", q, page)


@router.get("/constructors", response_class=HTMLResponse)
def constructors_page(request: Request, q: str | None = None, page: str | None = None) -> Response:
    """Find a constructor by name (most wins first)."""
    return _list_page(request, "constructors", q, page)


@router.get("/circuits", response_class=HTMLResponse)
def circuits_page(request: Request, q: str | None = None, page: str | None = None) -> Response:
    """Every circuit, most Grands Prix held first."""
    return _list_page(request, "circuits", q, page)


def _career_charts(
    name: str,
    history: list[dict[str, Any]],
    seasons: list[dict[str, Any]],
    team_of: Callable[[dict[str, Any]], str | None],
    colours: TeamColours,
) -> list[charts.Chart]:
    """A driver's and a constructor's page draw their Elo history and points per season
    alike, in the colours of the team (``team_of`` a season) of each season, the Elo line
    in the latest one; either chart is left out when there is nothing to draw."""
    painted = [colours.of(team_of(s), s["season"]).line for s in seasons]
    figures = []
    if history:
        figures.append(
            charts.chart(
                "chart-elo",
                f"Line chart of {name}'s Elo rating after each race",
                charts.elo_history(history, f"{name}: Elo rating", *painted[-1:]),
            )
        )
    if seasons:
        figures.append(
            charts.chart(
                "chart-seasons",
                f"Bar chart of {name}'s points per season",
                charts.season_points(seasons, "Points per season", painted),
            )
        )
    return figures


@router.get("/drivers/{driver_id}", response_class=HTMLResponse)
def driver_page(request: Request, driver_id: str) -> Response:
    """Career, Elo history, season by season and team-mate head-to-heads of a driver."""

    def build(p: Page) -> dict[str, Any]:
        driver = data.driver(p.reader, driver_id)
        name = f"{driver['givenName']} {driver['familyName']}"
        history = data.driver_elo(p.reader, driver_id)
        figures = _career_charts(
            name,
            history,
            driver["seasons"],
            lambda s: s["constructors"][0] if s["constructors"] else None,
            p.colours,
        )
        h2h = sorted(
            data.head_to_heads(p.reader, driver_id), key=lambda r: (-r["season"], r["teammate_id"])
        )
        return {
            "title": name,
            "nav": "drivers",
            "driver": driver,
            "charts": figures,
            "head_to_heads": h2h,
            "names": p.names,
        }

    return render(request, "driver.html", build)


@router.get("/constructors/{constructor_id}", response_class=HTMLResponse)
def constructor_page(request: Request, constructor_id: str) -> Response:
    """Career, Elo history, season by season and its drivers' head-to-heads."""

    def build(p: Page) -> dict[str, Any]:
        team = data.constructor(p.reader, constructor_id)
        history = data.constructor_elo(p.reader, constructor_id)
        figures = _career_charts(
            team["name"], history, team["seasons"], lambda _: constructor_id, p.colours
        )
        recent = team["seasons"][-10:]
        driver_ids = sorted({d for s in recent for d in s["drivers"]})
        h2h = [
            r
            for r in data.team_head_to_heads(p.reader, constructor_id, driver_ids)
            if r["season"] >= (recent[0]["season"] if recent else 0)
        ]
        return {
            "title": team["name"],
            "nav": "constructors",
            "team": team,
            "charts": figures,
            "head_to_heads": h2h,
            "names": p.names,
        }

    return render(request, "constructor.html", build)


@router.get("/circuits/{circuit_id}", response_class=HTMLResponse)
def circuit_page(request: Request, circuit_id: str) -> Response:
    """Where a circuit is, how often it held a Grand Prix, its lap record and winners."""

    def build(p: Page) -> dict[str, Any]:
        circuit = data.circuit(p.reader, circuit_id)
        counts = Counter(p.names.driver(w["driverId"]) for w in circuit["winners"])
        # each driver's bar in the colours of the team of their latest win here
        latest = {
            p.names.driver(w["driverId"]): p.colours.of(w["constructorId"], w["season"]).line
            for w in sorted(circuit["winners"], key=lambda w: (w["season"], w["round"]))
        }
        figures = []
        if counts:
            figures.append(
                charts.chart(
                    "chart-winners",
                    f"Bar chart of the drivers with most wins at {circuit['name']}",
                    charts.circuit_winners(counts.most_common(), latest),
                )
            )
        return {
            "title": circuit["name"],
            "nav": "circuits",
            "circuit": circuit,
            "charts": figures,
            "names": p.names,
            "winners": sorted(circuit["winners"], key=lambda w: (-w["season"], -w["round"])),
        }

    return render(request, "circuit.html", build)


# -- the model -------------------------------------------------------------------------------
def _titled_charts(kind: str, figures: Mapping[str, Any]) -> list[charts.Chart]:
    """Figures made outside this module (the backtest report's, the live accuracy) are
    labelled for screen readers by their own titles, the same way for both kinds."""
    return [
        charts.chart(f"chart-{kind}-{key}", f"Chart: {_title(fig, key)}", fig)
        for key, fig in figures.items()
    ]


def _title(fig: Any, fallback: str) -> str:
    text = getattr(getattr(fig.layout, "title", None), "text", None)
    return str(text) if text else fallback.replace("_", " ")


def _backtest(result: dict[str, Any]) -> dict[str, Any]:
    """The backtest report's own numbers and figures (``undercut backtest --report``), so
    the page and the report agree: the metrics as an HTML table, undercut's own rows first;
    each chart on its own, in the dashboard's look, its models named once in a colour key
    above them rather than in every chart's legend."""
    from undercut.ml import report

    figures = {
        key: charts.style(fig, showlegend=False)
        for key, fig in report.backtest_figures(result).items()
        if key != "models"  # the table below, in HTML
    }
    drawn = _titled_charts("backtest", figures)
    rows = report.summary_rows(result)
    metrics = list(rows[0]["values"]) if rows else []
    return {
        "summary": rows,
        "summary_metrics": metrics,
        "headings": {m: report.metric_heading(m) for m in metrics},
        "best": report.best_values(result),
        "key": report.model_key(result),
        "season_charts": [c for c in drawn if c.id.startswith("chart-backtest-seasons")],
        "calibration_charts": [c for c in drawn if c.id.startswith("chart-backtest-calibration")],
        "race_charts": [c for c in drawn if c.id == "chart-backtest-races"],
    }


@router.get("/model", response_class=HTMLResponse)
def model_page(request: Request) -> Response:
    """Backtest and live accuracy against the baselines, per season, and calibration."""

    def build(p: Page) -> dict[str, Any]:
        versions, backtest = data.registry_state(p.settings)
        live, hindcasts = data.accuracy(p.session)
        shown = _backtest(backtest) if backtest is not None else {}
        live_figures = []
        if live:
            baselines = (backtest or {}).get("models") or {}
            live_figures = _titled_charts("live", charts.live_accuracy(live, baselines))
        from undercut.ml.report import OWN_MODELS, metric_heading

        seasons = sorted(
            (backtest or {}).get("seasons") or [],
            key=lambda s: (-s["season"], s["model"] not in OWN_MODELS, s["model"]),
        )
        backtest_charts = [
            c
            for group in ("season_charts", "calibration_charts", "race_charts")
            for c in shown.get(group, [])
        ]
        return {
            "title": "Model accuracy",
            "nav": "model",
            "versions": versions,
            "backtest": backtest,
            **shown,
            "charts": backtest_charts + live_figures,
            "live": live,
            "live_charts": live_figures,
            "hindcasts": hindcasts,
            "seasons": seasons,
            "metrics": charts.SUMMARY_METRICS,
            "metric_labels": {m: metric_heading(m) for m in charts.SUMMARY_METRICS},
            "own_models": OWN_MODELS,
        }

    return render(request, "model.html", build)


# -- telemetry -------------------------------------------------------------------------------
@router.get("/telemetry/{season}/{round}/{session}", response_class=HTMLResponse)
def telemetry_page(
    request: Request,
    season_path: Annotated[str, PathParam(alias="season")],
    round_path: Annotated[str, PathParam(alias="round")],
    session: str,
    a: str | None = None,
    b: str | None = None,
    lap: str = "fastest",
    colour: str = "speed",
) -> Response:
    """Two drivers' laps of one session: speed, delta, throttle/brake, track map."""
    from undercut.web import telemetry

    def build(p: Page) -> dict[str, Any]:
        season = _number(season_path, "season")
        round = _number(round_path, "round")
        assert season is not None and round is not None
        return telemetry.page_context(p.settings, season, round, session, a, b, lap, colour)

    return render(request, "telemetry.html", build)
