"""The telemetry comparison: figures for the dashboard page and a standalone HTML page.

Both draw a ``ComparisonDocument`` (``undercut.serving.v1.telemetry``, what
``/api/v1/telemetry/.../compare`` answers): the two speed traces on one distance axis,
the delta time, throttle and brake, and a track map per driver coloured by speed or gear.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from undercut.serving.v1.telemetry import ComparisonDocument, LapSummary
from undercut.web import charts

COLOURS = {"speed": "Viridis", "gear": "Turbo"}


def _name(lap: LapSummary) -> str:
    return f"{lap.code or lap.driverId} lap {lap.lap}"


def _traces(doc: ComparisonDocument, field: str, title: str, y: str) -> go.Figure:
    a, b = doc.reference, doc.other
    distance = [p.distance_m for p in doc.points]
    fig = go.Figure()
    for name, key, colour in (
        (_name(a), field, charts.PALETTE[0]),
        (_name(b), f"other_{field}", charts.PALETTE[1]),
    ):
        fig.add_trace(
            go.Scatter(
                x=distance,
                y=[getattr(p, key) for p in doc.points],
                mode="lines",
                name=name,
                line={"color": colour, "width": 1.5},
                hovertemplate=f"{name}<br>%{{x:.0f}} m: %{{y}}<extra></extra>",
            )
        )
    return charts._layout(fig, title, "Distance (m)", y)


def _delta(doc: ComparisonDocument) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=[p.distance_m for p in doc.points],
            y=[p.delta_s for p in doc.points],
            mode="lines",
            name="delta",
            line={"color": charts.PALETTE[2]},
            hovertemplate="%{x:.0f} m: %{y:+.3f} s<extra></extra>",
        )
    )
    # short enough for a phone's width: the laps are named in the heading above
    a, b = (lap.code or lap.driverId for lap in (doc.reference, doc.other))
    return charts._layout(fig, f"Delta time of {b} (+ = behind {a})", "Distance (m)", "Seconds")


def _track_map(doc: ComparisonDocument, colour_by: str) -> go.Figure:
    """The reference lap's position trace coloured by each driver's speed (or gear) at
    that point of the lap, the two side by side as two traces one legend click apart."""
    fig = go.Figure()
    field = "speed_kph" if colour_by == "speed" else "gear"
    for i, (lap, key) in enumerate(((doc.reference, field), (doc.other, f"other_{field}"))):
        fig.add_trace(
            go.Scatter(
                x=[p.x for p in doc.points],
                y=[p.y for p in doc.points],
                mode="markers",
                name=_name(lap),
                visible=True if i == 0 else "legendonly",
                marker={
                    "size": 5,
                    "color": [getattr(p, key) for p in doc.points],
                    "colorscale": COLOURS[colour_by],
                    "showscale": i == 0,
                    "colorbar": {
                        "title": {"text": "km/h" if colour_by == "speed" else "gear"},
                        "thickness": 12,
                        "xpad": 4,
                    },
                },
                hovertemplate=f"{_name(lap)}: %{{marker.color}}<extra></extra>",
            )
        )
    # no axes (positions in metres say nothing) and slim margins: on a phone's width the
    # circuit takes what the colour bar leaves, at its true aspect
    fig = charts._layout(
        fig, f"Track map coloured by {colour_by}", "", "", margin={"l": 8, "r": 8, "t": 48}
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1, visible=False)
    fig.update_xaxes(visible=False)
    return fig


def comparison_charts(doc: ComparisonDocument, colour_by: str = "speed") -> list[charts.Chart]:
    a, b = _name(doc.reference), _name(doc.other)
    return [
        charts.chart(
            "chart-speed",
            f"Speed against distance for {a} and {b}",
            _traces(doc, "speed_kph", "Speed", "km/h"),
        ),
        charts.chart("chart-delta", f"Delta time of {b} to {a} by distance", _delta(doc)),
        charts.chart(
            "chart-throttle",
            f"Throttle against distance for {a} and {b}",
            _traces(doc, "throttle_pct", "Throttle", "%"),
        ),
        charts.chart(
            "chart-brake",
            f"Brake against distance for {a} and {b}",
            _traces(doc, "brake_pct", "Brake", "% (OpenF1: 0 or 100)"),
        ),
        charts.chart(
            "chart-map",
            f"Track map coloured by {colour_by} for {a} and {b}",
            _track_map(doc, colour_by if colour_by in COLOURS else "speed"),
        ),
    ]


def comparison_page(doc: ComparisonDocument, colour_by: str = "speed") -> str:
    """A self-contained HTML page of the comparison (plotly.js inlined: works offline)."""
    a, b = doc.reference, doc.other
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(_name(a))} vs {html.escape(_name(b))} · undercut</title>",
        "</head><body style='font-family:system-ui,sans-serif;max-width:1100px;margin:auto'>",
        f"<h1>{doc.season} round {doc.round} {html.escape(doc.session)}: "
        f"{html.escape(_name(a))} vs {html.escape(_name(b))}</h1>",
        f"<p>{html.escape(b.code or b.driverId)} {doc.delta_s:+.3f} s over the lap.</p>",
    ]
    figures: list[Any] = [
        _traces(doc, "speed_kph", "Speed", "km/h"),
        _delta(doc),
        _traces(doc, "throttle_pct", "Throttle", "%"),
        _traces(doc, "brake_pct", "Brake", "%"),
        _track_map(doc, colour_by if colour_by in COLOURS else "speed"),
    ]
    for i, fig in enumerate(figures):
        parts.append(pio.to_html(fig, full_html=False, include_plotlyjs=i == 0))
    parts.append("</body></html>")
    return "\n".join(parts)


def page_context(
    settings: Any,
    season: int,
    round: int,
    session: str,
    first: str | None,
    second: str | None,
    lap: str,
    colour: str,
) -> dict[str, Any]:
    """What ``telemetry.html`` shows; the two fastest drivers unless ``first``/``second``.

    Raises:
        NotFoundError: no such session, fewer than two drivers with telemetry, a bad lap.
    """
    from undercut.errors import NotFoundError
    from undercut.serving.v1.telemetry import comparison
    from undercut.telemetry.laps import drivers_with_telemetry
    from undercut.telemetry.store import SESSION_CODES

    if session.upper() not in ("FP1", "FP2", "FP3", "SQ", "S", "Q", "R"):
        raise NotFoundError(f"session {session!r}: not FP1, FP2, FP3, SQ, S, Q or R")
    if lap != "fastest" and not lap.isdigit():
        raise NotFoundError(f"lap {lap!r}: a lap number or `fastest`")
    drivers = drivers_with_telemetry(settings, season, round, session)
    if len(drivers) < 2 and not (first and second):
        raise NotFoundError(
            f"no car telemetry for two drivers of {season} round {round} {session.upper()}: "
            f"`undercut telemetry pull {season} {round} --session {session.upper()}` fetches it"
        )
    first = first or drivers[0]["code"] or drivers[0]["driver_id"]
    second = second or next(
        d["code"] or d["driver_id"] for d in drivers if (d["code"] or d["driver_id"]) != first
    )
    doc = comparison(
        settings,
        season,
        round,
        session.upper(),
        first,
        second,
        lap if lap == "fastest" else int(lap),
        1500,
    )
    return {
        "title": f"Telemetry {season} round {round} {session.upper()}",
        "nav": "season",
        "season": season,
        "round": round,
        "session": session.upper(),
        "session_name": SESSION_CODES[session.upper()][0],
        "lap": lap,
        "colour": colour if colour in COLOURS else "speed",
        "drivers": drivers,
        "doc": doc,
        "reference_name": _name(doc.reference),
        "other_name": _name(doc.other),
        "charts": comparison_charts(doc, colour),
    }
