"""``undercut telemetry``: car data and positions from OpenF1; laps compared."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from undercut.cli.common import HomeOption, OpenF1UrlOption, emit, err_console, settings_for
from undercut.cli.common import OutputFormat as TableFormat

app = typer.Typer(
    help="Car telemetry from OpenF1 (2023 on): speed, rpm, gear, throttle, brake, DRS, positions.",
    no_args_is_help=True,
)

SessionArg = Annotated[str, typer.Argument(help="Session: FP1, FP2, FP3, SQ, S, Q or R.")]


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


@app.command("pull")
def pull(
    season: Annotated[int, typer.Argument(help="Season (2023 or later).")],
    round: Annotated[int, typer.Argument(help="Round within the season.")],
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            help="Only this session: FP1, FP2, FP3, SQ, S, Q or R. Default: every session.",
            show_default=False,
        ),
    ] = None,
    driver: Annotated[
        str | None,
        typer.Option(
            "--driver",
            help="Only this driver: three-letter code (VER) or driver id.",
            show_default=False,
        ),
    ] = None,
    base_url: OpenF1UrlOption = None,
    home: HomeOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
) -> None:
    """Pull car data and positions (~3.7 Hz) of a round's sessions onto the lake.

    For every session of the round (or --session) and every driver in it (or --driver),
    both OpenF1 streams are fetched in 15-minute windows through the rate-limited, cached
    HTTP client, kept verbatim (gzip) under bronze/openf1/, and written as zstd Parquet
    under silver/telemetry/<stream>/season=/round=/session=/driver=/. A driver whose
    partitions are written is skipped, so an interrupted pull resumes. Then the gold
    per-lap, per-session and per-corner aggregates are written and every lap is checked
    (integrated distance against the circuit length, closed position trace, physical
    ranges); problems are warnings in reports/telemetry-latest.json. The round's OpenF1
    sessions are pulled first when the warehouse lacks them.

    Examples: undercut telemetry pull 2023 1 --session Q ;
    undercut telemetry pull 2024 5 --session R --driver VER
    """
    from undercut.cli.sessions import _progress
    from undercut.telemetry.pull import pull_telemetry

    settings = settings_for(home)
    with _progress("OpenF1 telemetry") as update:
        result = pull_telemetry(
            settings, season, round, session, driver, base_url, on_progress=update
        )
    rows = [
        {
            "session": label,
            "car samples": result.samples.get(label, 0),
            "MB on the lake": f"{size / 1e6:.2f}",
        }
        for label, size in result.bytes_per_session.items()
    ]
    emit(rows, fmt, title="Telemetry", document=result.as_dict())
    console = err_console()
    if fmt is TableFormat.table:
        for found in result.warnings[:20]:
            console.print(f"[yellow]warning:[/] {found.describe()}", highlight=False)
        if len(result.warnings) > 20:
            console.print(f"[yellow]… {len(result.warnings) - 20} more warnings[/] in the report")
    console.print(
        f"{result.partitions_written} driver stream(s) written, {result.partitions_cached} "
        f"driver(s) already stored; {result.requests} request(s) (+{result.from_cache} from "
        f"the HTTP cache), {len(result.warnings)} warning(s) in {result.seconds:.1f}s; "
        f"report: {result.report_path}",
        highlight=False,
    )


@app.command("compare")
def compare(
    season: Annotated[int, typer.Argument(help="Season (2023 or later).")],
    round: Annotated[int, typer.Argument(help="Round within the season.")],
    session: SessionArg,
    driver: Annotated[str, typer.Argument(help="Reference driver: code (VER) or driver id.")],
    other: Annotated[str, typer.Argument(help="Driver compared with it.")],
    lap: Annotated[
        str,
        typer.Option("--lap", help="`fastest` (each driver's own) or a lap number."),
    ] = "fastest",
    points: Annotated[
        int | None,
        typer.Option(
            "--points", min=2, help="json/csv: down-sample to N points.", show_default=False
        ),
    ] = None,
    home: HomeOption = None,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CompareFormat.table
    ),
) -> None:
    """Compare two drivers' laps: where one gained and lost time on the other.

    Reads both laps from the lake (pulled with `undercut telemetry pull`), puts the
    second on the first's distance and prints, as a table, the lap times, top and
    minimum speeds, full-throttle share and the time gained or lost in each tenth of the
    lap. --format json prints the /api/v1/telemetry comparison document (with every
    point, or --points N), csv the points (distance, both speeds, throttle, brake, gear,
    delta), html a page with the speed overlay, delta, throttle/brake and track map.

    Examples: undercut telemetry compare 2023 1 Q VER LEC ;
    undercut telemetry compare 2023 1 R VER HAM --lap 20 --format html > lap20.html
    """
    from undercut.errors import InputError
    from undercut.serving.v1.telemetry import comparison

    if lap != "fastest" and not lap.isdigit():
        raise InputError(f"--lap {lap}: a lap number or `fastest`")
    settings = settings_for(home)
    document = comparison(
        settings,
        season,
        round,
        session,
        driver,
        other,
        lap if lap == "fastest" else int(lap),
        points,
    )
    if fmt is CompareFormat.json:
        sys.stdout.write(document.model_dump_json() + "\n")
        return
    if fmt is CompareFormat.csv:
        buffer = io.StringIO()
        names = list(type(document.points[0]).model_fields) if document.points else []
        writer = csv.DictWriter(buffer, fieldnames=names)
        writer.writeheader()
        writer.writerows(p.model_dump() for p in document.points)
        sys.stdout.write(buffer.getvalue())
        return
    if fmt is CompareFormat.html:
        from undercut.web.telemetry import comparison_page

        sys.stdout.write(comparison_page(document))
        return
    a, b = document.reference, document.other
    rows = [
        {
            "": label,
            a.code or a.driverId: first,
            b.code or b.driverId: second,
        }
        for label, first, second in (
            ("lap", a.lap, b.lap),
            ("lap time", _lap_time(a.lap_time_ms), _lap_time(b.lap_time_ms)),
            ("top speed km/h", a.top_speed_kph, b.top_speed_kph),
            ("min speed km/h", a.min_speed_kph, b.min_speed_kph),
            ("full throttle %", a.full_throttle_pct, b.full_throttle_pct),
            (
                "speed trap km/h",
                a.speed_traps_kph.get("st_speed_kph"),
                b.speed_traps_kph.get("st_speed_kph"),
            ),
        )
    ]
    rows += [
        {
            "": f"tenth {s.sector} (s)",
            a.code or a.driverId: "",
            b.code or b.driverId: f"{s.delta_s:+.3f}",
        }
        for s in document.mini_sectors
    ]
    emit(rows, TableFormat.table, title=f"{season} round {round} {document.session}")
    err_console().print(
        f"{b.code or b.driverId} {document.delta_s:+.3f} s on {a.code or a.driverId} "
        f"(+ = slower); warnings: {json.dumps(a.warnings + b.warnings)}",
        highlight=False,
    )


def _lap_time(ms: int | None) -> str:
    if ms is None:
        return ""
    minutes, rest = divmod(ms, 60000)
    return f"{minutes}:{rest / 1000:06.3f}"
