"""Options, consoles and output formats shared by every command."""

from __future__ import annotations

import csv
import inspect
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from undercut.config import Settings, get_settings

HomeOption = Annotated[
    str | None,
    typer.Option(
        "--home",
        help="Data home (lake, warehouse, models). Env: UNDERCUT_HOME. Default: ./.undercut",
        show_default=False,
    ),
]


OpenF1UrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="OpenF1 API root. Env: UNDERCUT_OPENF1_URL. Default: https://api.openf1.org/v1/",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]

SinceOption = Annotated[
    int | None,
    typer.Option(
        "--since",
        metavar="SEASON",
        help="First season a model is trained on. Default: 1994.",
        show_default=False,
    ),
]


@cache
def err_console() -> Console:
    """Progress, summaries and errors go to stderr so stdout stays machine-readable."""
    return Console(stderr=True)


@cache
def out_console() -> Console:
    return Console()


@contextmanager
def step_spinner(first: str) -> Iterator[Callable[[str], None]]:
    """A transient spinner with the elapsed time on stderr, for work of unknown length;
    yields the ``on_step`` callback that replaces its description."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as progress:
        task = progress.add_task(first, total=None)
        yield lambda message: progress.update(task, description=message)


def settings_for(home: str | None, **overrides: Any) -> Settings:
    return get_settings(home=home, **overrides)


def emit(
    rows: list[dict[str, Any]],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    document: Any = None,
) -> None:
    """Print rows as a Rich table, CSV, or JSON (``document`` replaces rows for JSON)."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(document if document is not None else rows, default=str))
        sys.stdout.write("\n")
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
        return
    table = Table(title=title)
    for column in rows[0] if rows else []:
        table.add_column(str(column), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    out_console().print(table)


def _reflow(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        keep = not lines or not lines[-1] or not line or line[0].isspace()
        if keep or line.startswith("- "):
            lines.append(line)
        else:
            lines[-1] = f"{lines[-1]} {line}"
    return "\n".join(lines)


def reflow_help(app: typer.Typer) -> None:
    """Let every command's ``--help`` prose wrap at the terminal's width.

    Typer keeps a docstring's single line breaks, so prose wrapped at the source's line
    length comes out ragged on any other terminal. The lines of each paragraph are joined;
    indented lines (examples) and list items stay as written.
    """
    for command in app.registered_commands:
        doc = command.help or inspect.getdoc(command.callback)
        if doc:
            command.help = _reflow(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
