"""``undercut stats``: drivers, constructors, circuits and standings from the warehouse."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    emit,
    out_console,
    settings_for,
)

app = typer.Typer(
    help="Career, circuit and championship statistics (Rich tables, --format json|csv).",
    no_args_is_help=True,
)


class DriverSort(StrEnum):
    wins = "wins"
    starts = "starts"
    poles = "poles"
    podiums = "podiums"
    points = "points"
    championships = "championships"
    name = "name"


LimitOption = Annotated[
    int | None, typer.Option("--limit", "-n", min=1, help="Show only the first N rows.")
]
SortOption = Annotated[DriverSort, typer.Option("--sort", help="Order (descending counts).")]

# Short headers keep a career table readable in an 80-column terminal.
_LIST_COLUMNS = {
    "starts": "starts",
    "wins": "wins",
    "poles": "poles",
    "podiums": "podiums",
    "fastest_laps": "FL",
    "points": "points",
    "championships": "titles",
    "dnfs": "DNF",
}


def _shown(value: Any) -> Any:
    """A value as a table shows it: points to hundredths (shared drives of the 1950s give
    thirds and sevenths), the documents themselves keep every digit."""
    return round(value, 2) if isinstance(value, float) else value


def _flat(document: dict[str, Any]) -> dict[str, Any]:
    """A detail document as one CSV/table row: scalars, ``career`` and nested objects
    spread out, lists left out."""
    row: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, dict):
            prefix = "" if key == "career" else f"{key}_"
            row.update({f"{prefix}{k}": v for k, v in value.items()})
        elif not isinstance(value, list):
            row[key] = value
    return row


def _detail(
    document: dict[str, Any], fmt: OutputFormat, title: str, listing: str, columns: list[str]
) -> None:
    if fmt is not OutputFormat.table:
        emit([_flat(document)], fmt, document=document)
        return
    summary = Table(title=title, show_header=False)
    summary.add_column("field", style="bold")
    summary.add_column("value")
    for key, value in _flat(document).items():
        summary.add_row(key, "" if value is None else str(_shown(value)))
    out_console().print(summary)
    rows = [
        {c: (", ".join(r[c]) if isinstance(r[c], list) else _shown(r[c])) for c in columns}
        for r in document[listing]
    ]
    if rows:
        emit(rows, fmt, title=listing)


def _listing(
    rows: list[dict[str, Any]], fmt: OutputFormat, title: str, names: dict[str, str]
) -> None:
    """JSON/CSV: every field; a table: the id (``names`` maps its header to the field) and
    the career counts."""
    if fmt is not OutputFormat.table:
        emit(rows, fmt)
        return
    columns = {**names, **{header: key for key, header in _LIST_COLUMNS.items()}}
    emit(
        [{header: _shown(r[key]) for header, key in columns.items()} for r in rows],
        fmt,
        title=title,
    )


@app.command("drivers")
def drivers_command(
    sort: SortOption = DriverSort.wins,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Every driver's career totals, most wins first (a pole is a pole as awarded).

    Example: undercut stats drivers --limit 10 --format json
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        rows = reports.drivers(r, sort=sort.value, limit=limit)
    _listing(rows, fmt, "drivers", {"driver": "driverId"})


@app.command("driver")
def driver_command(
    driver_id: Annotated[str, typer.Argument(help="Ergast ref, e.g. hamilton.")],
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """One driver: identity, career totals, season by season and Elo.

    The career holds starts, wins, poles (as awarded), podiums, fastest laps, points,
    championships and DNFs.

    Example: undercut stats driver hamilton --format json
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        document = reports.driver(r, driver_id)
    _detail(
        document,
        fmt,
        document["driverId"],
        "seasons",
        ["season", "constructors", "starts", "wins", "podiums", "poles", "points", "position"],
    )


@app.command("constructors")
def constructors_command(
    sort: SortOption = DriverSort.wins,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Every constructor's history in numbers, most wins first.

    Example: undercut stats constructors --limit 10
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        rows = reports.constructors(r, sort=sort.value, limit=limit)
    _listing(rows, fmt, "constructors", {"constructor": "constructorId"})


@app.command("constructor")
def constructor_command(
    constructor_id: Annotated[str, typer.Argument(help="Ergast ref, e.g. ferrari.")],
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """One constructor: career totals, season by season and Elo.

    Example: undercut stats constructor red_bull --format json
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        document = reports.constructor(r, constructor_id)
    _detail(
        document,
        fmt,
        document["constructorId"],
        "seasons",
        ["season", "drivers", "starts", "wins", "podiums", "poles", "points", "position"],
    )


@app.command("circuits")
def circuits_command(
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Every circuit, most Grands Prix first, with lap record and pole-to-win rate.

    Also the most successful driver and constructor there.

    Example: undercut stats circuits --limit 10
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        rows = reports.circuits(r, limit=limit)
    if fmt is OutputFormat.csv:
        emit([_flat(row) for row in rows], fmt)
        return
    if fmt is OutputFormat.json:
        emit(rows, fmt)
        return
    emit(
        [
            {
                "circuit": row["circuitId"],
                "races": row["races_held"],
                "years": f"{row['first_season']}-{row['last_season']}",
                "lap record": _record(row),
                "top driver": _top(row["top_driver"], "driverId"),
                "top constructor": _top(row["top_constructor"], "constructorId"),
                "pole→win": _rate(row["pole_to_win_rate"]),
            }
            for row in rows
        ],
        fmt,
        title="circuits",
    )


def _record(row: dict[str, Any]) -> str:
    record = row["lap_record"]
    return "" if record is None else f"{record['time']} {record['driverId']} {record['season']}"


def _top(top: dict[str, Any] | None, key: str) -> str:
    return "" if top is None else f"{top[key]} ({top['wins']})"


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


@app.command("circuit")
def circuit_command(
    circuit_id: Annotated[str, typer.Argument(help="Ergast ref, e.g. monaco.")],
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """One circuit: lap record, top driver and team, pole-to-win rate, every winner.

    Example: undercut stats circuit monaco
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        document = reports.circuit(r, circuit_id)
    _detail(
        document,
        fmt,
        document["circuitId"],
        "winners",
        ["season", "round", "driverId", "constructorId"],
    )


@app.command("standings")
def standings_command(
    season: Annotated[int, typer.Argument(min=1950, max=2100, help="Season, e.g. 2023.")],
    round: Annotated[
        int | None,
        typer.Option(
            "--round", "-r", min=1, help="Standings after this round (default: the newest)."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """The drivers' championship after a round, as the archive records it.

    Example: undercut stats standings 2021 --round 10 --format json
    """
    from undercut.stats import reports

    with reports.reader(settings_for(home)) as r:
        document = reports.standings(r, season, round)
    emit(
        document["drivers"],
        fmt,
        document=document,
        title=f"{season} drivers' standings after round {document['after_round']}",
    )


def register(root: typer.Typer) -> None:
    """Add ``stats``, ``sql`` and ``export`` to the root command group."""
    from undercut.cli import query

    root.add_typer(app, name="stats")
    root.command("sql")(query.sql)
    root.command("export")(query.export)
