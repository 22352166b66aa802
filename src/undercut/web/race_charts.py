"""A race told in charts: grid to finish, places gained, the lap chart, pit stops, tyres.

Each function takes rows of the race page's queries (``data.race_story``) and the
classification, and draws drivers in their team's colours (``styles.driver_styles``);
the page calls one only when its rows exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go

from undercut.serving.colours import TeamColours, text_on
from undercut.web.charts import _layout
from undercut.web.styles import Style

Name = Callable[[str], str]

# The tyre supplier's own compound colours; hard is white, so every bar gets an outline.
COMPOUNDS = {
    "SOFT": "#da291c",
    "MEDIUM": "#ffd12e",
    "HARD": "#f0f0ec",
    "INTERMEDIATE": "#43b02a",
    "WET": "#0067ad",
}
UNKNOWN_COMPOUND = "#9aa3ad"
OUTLINE = "#4a525a"
LABEL = "#1b1f24"


def _style(styles: Mapping[str, Style], driver_id: str) -> Style:
    return styles.get(driver_id) or Style(TeamColours().of(driver_id))


def _rows_height(rows: int) -> int:
    return max(320, 22 * rows + 140)


def _start(result: Mapping[str, Any], field: int) -> int:
    """A grid slot; a pit-lane start (grid 0) or an unknown one counts as the back."""
    return int(result["grid"]) if result.get("grid") else field


def grid_to_finish(
    results: list[dict[str, Any]], styles: Mapping[str, Style], name: Name
) -> go.Figure:
    """A slope chart: one line per classified driver from the grid slot to the finish."""
    field = len(results)
    fig = go.Figure()
    for r in results:
        if r["position"] is None:
            continue
        style = _style(styles, r["driverId"])
        label = name(r["driverId"])
        started = f"started {r['grid']}" if r.get("grid") else "started from the pit lane"
        fig.add_trace(
            go.Scatter(
                x=["Grid", "Finish"],
                y=[_start(r, field), r["position"]],
                mode="lines+markers+text",
                name=label,
                text=["", label],
                textposition="middle right",
                textfont={"color": LABEL, "size": 11},
                cliponaxis=False,
                customdata=[started, f"finished {r['position']}"],
                line=style.line(),
                marker=style.marker(),
                hoverlabel=style.hoverlabel(),
                hovertemplate="%{fullData.name}: %{customdata}<extra></extra>",
            )
        )
    fig.update_yaxes(range=[field + 0.5, 0.5], dtick=1 if field <= 26 else 5)
    fig.update_xaxes(range=[-0.1, 1.1])
    _layout(
        fig,
        "Grid to finish (classified drivers)",
        "",
        "Position",
        showlegend=False,
        height=_rows_height(field),
    )
    return fig.update_layout(margin={"r": 48})  # room for the names at the finish


def places_gained(
    results: list[dict[str, Any]], styles: Mapping[str, Style], name: Name
) -> go.Figure:
    """Places gained (positive) or lost from the grid to the finish, classified drivers in
    finishing order."""
    field = len(results)
    rows = [r for r in results if r["position"] is not None][::-1]
    gained = [_start(r, field) - r["position"] for r in rows]
    fig = go.Figure(
        go.Bar(
            x=gained,
            y=[name(r["driverId"]) for r in rows],
            orientation="h",
            marker={"color": [_style(styles, r["driverId"]).colour for r in rows]},
            customdata=[r["grid"] or "pit lane" for r in rows],
            hovertemplate="%{y}: %{x:+d} (from %{customdata})<extra></extra>",
        )
    )
    return _layout(
        fig,
        "Places gained from the grid",
        "Places gained",
        "",
        showlegend=False,
        height=_rows_height(len(rows)),
    )


def _per_driver(
    laps: list[dict[str, Any]], results: list[dict[str, Any]], column: str
) -> dict[str, list[tuple[int, Any]]]:
    """``(lap, laps[column])`` per driver, drivers in classification order (the others
    after), laps in order, rows without a value left out."""
    order = [r["driverId"] for r in results]
    found: dict[str, list[tuple[int, Any]]] = {}
    for row in laps:
        if row[column] is not None:
            found.setdefault(row["driver_id"], []).append((row["lap"], row[column]))
    ranked = sorted(found, key=lambda d: order.index(d) if d in order else len(order))
    return {d: sorted(found[d]) for d in ranked}


def _lap_lines(
    series: dict[str, list[tuple[int, Any]]],
    styles: Mapping[str, Style],
    name: Name,
    hover: str,
) -> go.Figure:
    fig = go.Figure()
    for driver_id, points in series.items():
        style = _style(styles, driver_id)
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="lines",
                name=name(driver_id),
                line=style.line(),
                hoverlabel=style.hoverlabel(),
                hovertemplate=hover,
            )
        )
    return fig


def lap_chart(
    laps: list[dict[str, Any]],
    results: list[dict[str, Any]],
    styles: Mapping[str, Style],
    name: Name,
) -> go.Figure:
    """Each driver's position lap by lap, from the grid (lap 0)."""
    grid = {r["driverId"]: r["grid"] for r in results if r.get("grid")}
    series = _per_driver(laps, results, "position")
    for driver_id, points in series.items():
        if driver_id in grid:
            points.insert(0, (0, grid[driver_id]))
    fig = _lap_lines(series, styles, name, "%{fullData.name}: P%{y} after lap %{x}<extra></extra>")
    fig.update_yaxes(autorange="reversed", dtick=1)
    return _layout(
        fig,
        "Position lap by lap",
        "Lap (0: the grid)",
        "Position",
        height=_rows_height(len(series)),
    )


def gap_chart(
    laps: list[dict[str, Any]],
    results: list[dict[str, Any]],
    styles: Mapping[str, Style],
    name: Name,
) -> go.Figure:
    """Each driver's gap to the leader (seconds) at the end of every lap, leader on top."""
    series = {
        d: [(lap, ms / 1000) for lap, ms in points]
        for d, points in _per_driver(laps, results, "gap_to_leader_ms").items()
    }
    fig = _lap_lines(
        series,
        styles,
        name,
        "%{fullData.name}: +%{y:.1f} s to the leader after lap %{x}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", rangemode="tozero")
    return _layout(
        fig,
        "Gap to the leader lap by lap",
        "Lap",
        "Seconds behind the leader",
        height=_rows_height(len(series)),
    )


def pit_timeline(
    stops: list[dict[str, Any]], order: list[str], styles: Mapping[str, Style], name: Name
) -> go.Figure:
    """Every pit stop at its lap, one row per driver (finishing order, winner on top)."""
    fig = go.Figure()
    drivers = sorted(
        {s["driver_id"] for s in stops}, key=lambda d: order.index(d) if d in order else len(order)
    )
    for driver_id in drivers:
        mine = [s for s in stops if s["driver_id"] == driver_id]
        style = _style(styles, driver_id)
        fig.add_trace(
            go.Scatter(
                x=[s["lap"] for s in mine],
                y=[name(driver_id)] * len(mine),
                mode="markers",
                name=name(driver_id),
                marker=style.marker(12),
                hoverlabel=style.hoverlabel(),
                customdata=[[s["stop_number"], _stop_text(s)] for s in mine],
                hovertemplate=(
                    "%{y} stop %{customdata[0]}, lap %{x}: %{customdata[1]}<extra></extra>"
                ),
            )
        )
    labels = [name(d) for d in drivers][::-1]
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    return _layout(fig, "Pit stops", "Lap", "", showlegend=False, height=_rows_height(len(drivers)))


def _stop_text(stop: Mapping[str, Any]) -> str:
    parts = []
    if stop.get("pit_lane_ms") is not None:
        parts.append(f"{stop['pit_lane_ms'] / 1000:.1f} s in the pit lane")
    if stop.get("stop_ms") is not None:
        parts.append(f"{stop['stop_ms'] / 1000:.1f} s stationary")
    return ", ".join(parts) or "duration not recorded"


def tyre_stints(stints: list[dict[str, Any]], order: list[str], name: Name) -> go.Figure:
    """Each driver's stints as bars along the race distance, in the compound's colour."""
    drivers = sorted(
        {s["driver_id"] for s in stints}, key=lambda d: order.index(d) if d in order else len(order)
    )
    fig = go.Figure()
    compounds = [c for c in COMPOUNDS if any(s["compound"] == c for s in stints)]
    others = sorted({s["compound"] or "UNKNOWN" for s in stints} - set(COMPOUNDS))
    for compound in compounds + others:
        mine = [s for s in stints if (s["compound"] or "UNKNOWN") == compound]
        colour = COMPOUNDS.get(compound, UNKNOWN_COMPOUND)
        fig.add_trace(
            go.Bar(
                y=[name(s["driver_id"]) for s in mine],
                x=[s["laps"] if s["laps"] else s["lap_end"] - s["lap_start"] + 1 for s in mine],
                base=[s["lap_start"] - 1 for s in mine],
                orientation="h",
                name=compound.title(),
                marker={"color": colour, "line": {"color": OUTLINE, "width": 1}},
                text=[compound[0] for _ in mine],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": text_on(colour)},
                customdata=[
                    [s["stint_number"], s["lap_start"], s["lap_end"], s["tyre_age_at_start"]]
                    for s in mine
                ],
                hovertemplate=(
                    "%{y} stint %{customdata[0]}: "
                    + compound.lower()
                    + ", laps %{customdata[1]}-%{customdata[2]}, "
                    "%{customdata[3]} laps old at the start<extra></extra>"
                ),
            )
        )
    labels = [name(d) for d in drivers][::-1]
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    return _layout(
        fig, "Tyre stints", "Lap", "", barmode="overlay", height=_rows_height(len(drivers))
    )
