"""``undercut predict S R``: calibrated probabilities for one Grand Prix."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from undercut.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    SinceOption,
    emit,
    err_console,
    out_console,
    settings_for,
    step_spinner,
)
from undercut.config import Settings
from undercut.errors import InputError

COLUMNS = (
    "driverId",
    "code",
    "constructorId",
    "grid",
    "p_win",
    "p_podium",
    "p_points",
    "expected_position",
)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _table(document: dict[str, Any]) -> Table:
    from undercut.appdb.predictions import HINDCAST

    model = document["model"]
    title = f"{document['season']} round {document['round']}: {document['race']}"
    caption = (
        f"model {model['version']} (trained until {model['trained_until']}), "
        f"basis {document['basis']}, stage {document.get('stage', 'pre-weekend')}"
    )
    if document["kind"] == HINDCAST:
        title += " (hindcast)"
        caption += "; a hindcast: predicted after the race, not a forecast"
    table = Table(
        title=title,
        caption=caption,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for name, justify in (
        ("#", "right"),
        ("code", "left"),
        ("driver", "left"),
        ("team", "left"),
        ("grid", "right"),
        ("win", "right"),
        ("podium", "right"),
        ("points", "right"),
        ("E pos", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for rank, driver in enumerate(document["drivers"], start=1):
        grid = driver["grid"]
        table.add_row(
            str(rank),
            driver["code"] or "",
            driver["driverId"],
            driver["constructorId"],
            "pit" if grid == 0 else ("" if grid is None else str(grid)),
            _pct(driver["p_win"]),
            _pct(driver["p_podium"]),
            _pct(driver["p_points"]),
            f"{driver['expected_position']:.1f}",
        )
    return table


def _race_to_predict(
    settings: Settings, season: int | None, round_: int | None, next_race: bool, last_race: bool
) -> tuple[int, int]:
    """SEASON ROUND as given, or the calendar's next race to be run (``--next``), or the
    newest race with results (``--last``)."""
    from undercut.jobs import probes

    if next_race and last_race:
        raise InputError("give either --next or --last, not both")
    if next_race or last_race:
        flag = "--next" if next_race else "--last"
        if season is not None or round_ is not None:
            raise InputError(f"give either SEASON ROUND or {flag}, not both")
        if not probes.warehouse_ready(settings):
            raise InputError("no warehouse yet: run `undercut ingest archive` first")
        with probes.connect_read_only(settings) as con:
            if last_race:
                latest = probes.latest_result(con)
                if latest is None:
                    raise InputError("no race with results yet: run `undercut ingest archive`")
                return latest
            weekend = probes.next_race(con)
        if weekend is None:
            raise InputError("no race left in the calendar: every scheduled race has results")
        return weekend.season, weekend.round
    if season is None or round_ is None:
        raise InputError("give SEASON ROUND (e.g. `undercut predict 2025 19`), --next or --last")
    return season, round_


def predict(
    season: Annotated[
        int | None, typer.Argument(help="Season, e.g. 2025.", show_default=False)
    ] = None,
    round_: Annotated[
        int | None,
        typer.Argument(metavar="ROUND", help="Round of the season.", show_default=False),
    ] = None,
    next_race: Annotated[
        bool,
        typer.Option(
            "--next",
            help="Predict the next race (the first in the calendar after the newest result).",
        ),
    ] = False,
    last_race: Annotated[
        bool,
        typer.Option(
            "--last",
            help="Predict the newest race with results, as a hindcast (see --train).",
        ),
    ] = False,
    train_missing: Annotated[
        bool,
        typer.Option(
            "--train",
            help="For a race with results: when no registered model was trained before it, "
            "train and register one on the races before it first.",
        ),
    ] = False,
    since: SinceOption = None,
    fmt: FormatOption = OutputFormat.table,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="VERSION",
            help="Model version from the registry. Default: the newest (for a race "
            "with a result, the newest trained before it).",
            show_default=False,
        ),
    ] = None,
    stage: Annotated[
        str,
        typer.Option(
            "--stage",
            metavar="STAGE",
            help="Weekend stage to predict as of: auto (the latest session run), "
            "pre-weekend, fp1, fp2, fp3, sprint-qualifying, sprint, qualifying or grid. "
            "A stage not yet run is an error.",
        ),
    ] = "auto",
    home: HomeOption = None,
) -> None:
    """Predict race SEASON ROUND: P(win), P(podium), P(points), expected position.

    A forecast can be made after every session of the weekend (--stage): before it
    (pre-weekend: form and ratings), after each practice (practice pace from F1DB or
    OpenF1: best-lap gaps, the gap to the team-mate, long runs), after sprint qualifying
    and the sprint, after qualifying and with the grid set (penalties applied). Each stage
    uses only the sessions up to it; the JSON says which ("stage").

    Features come from everything known before the race: its qualifying when it has run
    (basis "qualifying"), otherwise the latest entry list and form (basis
    "pre-qualifying"). Per race p_win sums to 1, p_podium to 3 and p_points to
    min(10, starters). The prediction is stored in the app database with the model version
    and a hash of its inputs, and scored once the result arrives.

    A race whose result is already loaded gets a hindcast ("kind": "hindcast"), never a
    forecast: it is predicted by the newest model trained only on the races before it
    (train one with `undercut train --until` the race before when there is none, or pass
    --train; --since then sets its first season).

    Examples: undercut predict 2025 18 --format json; undercut predict --next;
    undercut predict --last --train; undercut predict 2025 19 --stage fp2
    """
    from undercut.cli.train import model_params
    from undercut.ml.predict import predict_race

    settings = settings_for(home)
    season, round_ = _race_to_predict(settings, season, round_, next_race, last_race)
    params = model_params(since) if train_missing else None
    with step_spinner("predict") as on_step:
        on_step(f"predicting {season}:{round_}")
        document = predict_race(settings, season, round_, model, train_missing=params, stage=stage)
    if fmt is OutputFormat.table:
        out_console().print(_table(document))
        if document["basis"] != "qualifying":
            err_console().print(
                f"no qualifying for {season}:{round_} yet: predicted before qualifying "
                "(grid unknown)",
                highlight=False,
            )
        return
    rows = [{name: driver[name] for name in COLUMNS} for driver in document["drivers"]]
    emit(rows, fmt, document=document)
