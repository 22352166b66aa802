"""The dashboard's pages: next race, season, race, driver, constructor, circuit, model.

Every page is rendered on the server from a Jinja2 template, so it is readable as soon as
the HTML arrives; charts are drawn afterwards by plotly.js. A page whose data is missing
(an empty warehouse, no prediction, no backtest) says what is missing and how to get it;
an unknown driver or season is a 404 page, never a 500.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from undercut import __version__
from undercut.config import Settings
from undercut.errors import NotFoundError, UndercutError, WarehouseError
from undercut.serving.store import Reader
from undercut.web import assets, charts, data

TEMPLATES = Path(__file__).parent / "templates"

router = APIRouter(include_in_schema=False)


@cache
def templates() -> Jinja2Templates:
    env = Jinja2Templates(directory=str(TEMPLATES))
    env.env.filters["pct"] = _pct
    env.env.filters["num"] = _num
    env.env.globals["static"] = assets.fingerprint
    env.env.globals["plotly_js"] = assets.plotly_name
    env.env.globals["version"] = __version__
    return env


MISSING = "\u2013"  # an en dash stands for a missing number


def _pct(value: float | None, digits: int = 0) -> str:
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return MISSING
    if digits <= 1 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


@dataclass
class Page:
    """What a page builder gets: one request's readers and the display names."""

    reader: Reader
    session: Session
    settings: Settings
    names: data.Names


def _names(request: Request, reader: Reader) -> data.Names:
    store = request.app.state.store
    cached = getattr(request.app.state, "web_names", None)
    if cached is None or cached[0] != store.version:
        cached = (store.version, data.Names.load(reader))
        request.app.state.web_names = cached
    return cached[1]  # type: ignore[no-any-return]


def render(
    request: Request, template: str, build: Callable[[Page], dict[str, Any] | Response]
) -> Response:
    """Run a page builder over the served data and render its template."""
    status = 200
    try:
        with request.app.state.store.reader() as reader, request.app.state.sessions() as session:
            page = Page(reader, session, request.app.state.settings, _names(request, reader))
            context = build(page)
        if isinstance(context, Response):
            return context
    except NotFoundError as exc:
        template, status = "message.html", 404
        context = {"title": "Not found", "text": str(exc)}
    except WarehouseError as exc:
        template, status = "message.html", 503
        context = {"title": "No data yet", "text": str(exc), "empty_warehouse": True}
    except UndercutError as exc:
        template, status = "message.html", 503
        context = {"title": "Not available", "text": str(exc)}
    context.setdefault("charts", [])
    context["chart_map"] = {c.id: c for c in context["charts"]}
    return templates().TemplateResponse(request, template, context, status_code=status)


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


def _probabilities_chart(prediction: dict[str, Any], names: data.Names) -> charts.Chart:
    """The home and a race page show a prediction the same way, so a reader who has seen one
    knows the other."""
    return charts.chart(
        "chart-probabilities",
        "Bar chart of win, podium and points probabilities of the favourites",
        charts.win_probabilities(prediction["drivers"], names.driver_short),
    )


def _comparison_chart(rows: list[dict[str, Any]], names: data.Names) -> charts.Chart:
    """Like ``_probabilities_chart``: one scorecard chart for the home and a race page."""
    return charts.chart(
        "chart-comparison",
        "Scatter chart of each driver's expected position against the result",
        charts.predicted_vs_actual(rows, names.driver_short),
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
                figures.append(_probabilities_chart(prediction, p.names))
        comparison, rows = None, []
        if last is not None:
            comparison = data.comparison(p.session, p.reader, last["season"], last["round"])
            if comparison is not None:
                rows = _comparison_rows(comparison)
                figures.append(_comparison_chart(rows, p.names))
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
            figures.append(
                charts.chart(
                    "chart-progression",
                    f"Line chart of the drivers' points after each round of {season}",
                    charts.points_progression(progression["drivers"], p.names.driver, order),
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
        if rows:
            figures.append(_comparison_chart(rows, p.names))
        elif prediction is not None:
            figures.append(_probabilities_chart(prediction, p.names))
        timeline = data.weekend_timeline(p.session, season, round)
        if timeline is not None:
            figures.append(
                charts.chart(
                    "chart-timeline",
                    "Chart of each favourite's win and podium chances after every session",
                    charts.weekend_timeline(timeline, p.names.driver_short),
                )
            )
        if results is not None:
            figures.append(
                charts.chart(
                    "chart-grid",
                    "Chart of each driver's grid slot against the finishing order",
                    charts.grid_vs_finish(results["results"], p.names.driver_short),
                )
            )
        return {
            "title": f"{season} {race['race_name']}",
            "nav": "season",
            "race": race,
            "results": results,
            "prediction": prediction,
            "comparison_rows": rows,
            "timeline": timeline,
            "charts": figures,
            "names": p.names,
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


def _list_page(request: Request, kind: str, q: str | None) -> Response:
    spec = LISTS[kind]

    def build(p: Page) -> dict[str, Any]:
        found = spec["fetch"](p.reader, (q or "").strip()[:100] or None)
        return {
            "title": spec["title"],
            "nav": kind,
            "kind": kind,
            "q": q or "",
            "noun": spec["noun"],
            "found": found,
            "names": p.names,
        }

    return render(request, "list.html", build)


@router.get("/drivers", response_class=HTMLResponse)
def drivers_page(request: Request, q: str | None = None) -> Response:
    """Find a driver by name, code or ref (most wins first)."""
    return _list_page(request, "drivers", q)


@router.get("/constructors", response_class=HTMLResponse)
def constructors_page(request: Request, q: str | None = None) -> Response:
    """Find a constructor by name (most wins first)."""
    return _list_page(request, "constructors", q)


@router.get("/circuits", response_class=HTMLResponse)
def circuits_page(request: Request, q: str | None = None) -> Response:
    """Every circuit, most Grands Prix held first."""
    return _list_page(request, "circuits", q)


def _career_charts(
    name: str, history: list[dict[str, Any]], seasons: list[dict[str, Any]]
) -> list[charts.Chart]:
    """A driver's and a constructor's page draw their Elo history and points per season
    alike; either chart is left out when there is nothing to draw."""
    figures = []
    if history:
        figures.append(
            charts.chart(
                "chart-elo",
                f"Line chart of {name}'s Elo rating after each race",
                charts.elo_history(history, f"{name}: Elo rating"),
            )
        )
    if seasons:
        figures.append(
            charts.chart(
                "chart-seasons",
                f"Bar chart of {name}'s points per season",
                charts.season_points(seasons, "Points per season"),
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
        figures = _career_charts(name, history, driver["seasons"])
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
        figures = _career_charts(team["name"], history, team["seasons"])
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
        figures = []
        if counts:
            figures.append(
                charts.chart(
                    "chart-winners",
                    f"Bar chart of the drivers with most wins at {circuit['name']}",
                    charts.circuit_winners(counts.most_common()),
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
def _backtest_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The backtest report's own figures (``undercut backtest --report``), so the page and
    the report show the same charts."""
    from undercut.ml.report import backtest_figures

    return dict(backtest_figures(result))


def _title(fig: Any, fallback: str) -> str:
    text = getattr(getattr(fig.layout, "title", None), "text", None)
    return str(text) if text else fallback.replace("_", " ")


def _titled_charts(kind: str, figures: Mapping[str, Any]) -> list[charts.Chart]:
    """Figures made outside this module (the backtest report's, the live accuracy) are
    labelled for screen readers by their own titles, the same way for both kinds."""
    return [
        charts.chart(f"chart-{kind}-{key}", f"Chart: {_title(fig, key)}", fig)
        for key, fig in figures.items()
    ]


@router.get("/model", response_class=HTMLResponse)
def model_page(request: Request) -> Response:
    """Backtest and live accuracy against the baselines, per season, and calibration."""

    def build(p: Page) -> dict[str, Any]:
        versions, backtest = data.registry_state(p.settings)
        live, hindcasts = data.accuracy(p.session)
        figures = []
        if backtest is not None:
            figures = _titled_charts("backtest", _backtest_figures(backtest))
        live_figures = []
        if live:
            baselines = (backtest or {}).get("models") or {}
            live_figures = _titled_charts("live", charts.live_accuracy(live, baselines))
        seasons = sorted(
            (backtest or {}).get("seasons") or [], key=lambda s: (-s["season"], s["model"])
        )
        return {
            "title": "Model accuracy",
            "nav": "model",
            "versions": versions,
            "backtest": backtest,
            "backtest_charts": figures,
            "charts": figures + live_figures,
            "live": live,
            "live_charts": live_figures,
            "hindcasts": hindcasts,
            "seasons": seasons,
            "metrics": charts.SUMMARY_METRICS,
            "metric_labels": charts.METRIC_LABELS,
        }

    return render(request, "model.html", build)
