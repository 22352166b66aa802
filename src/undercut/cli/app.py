"""The root command group; each sub-command lives in its own module."""

from __future__ import annotations

import typer

from undercut import __version__
from undercut.cli import backtest as backtest_cli
from undercut.cli import ingest, sessions, telemetry
from undercut.cli import predict as predict_cli
from undercut.cli import train as train_cli
from undercut.cli import update as update_cli
from undercut.cli import users as users_cli
from undercut.cli.build import build as build_command
from undercut.cli.common import reflow_help
from undercut.cli.doctor import doctor as doctor_command
from undercut.cli.publish import publish as publish_command
from undercut.cli.run import run as run_command
from undercut.cli.runs import runs as runs_command
from undercut.cli.schedule import schedule as schedule_command
from undercut.cli.serve import serve as serve_command
from undercut.cli.stats import register as register_stats
from undercut.cli.worker import worker as worker_command

app = typer.Typer(
    name="undercut",
    help="Formula 1 history in a local warehouse: ingest, analyse, predict, serve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Registered in the order of the pipeline, so `undercut --help` reads as the workflow.
app.add_typer(ingest.app, name="ingest")
app.command("update")(update_cli.update)
app.add_typer(sessions.app, name="sessions")
app.add_typer(sessions.weather_app, name="weather")
app.add_typer(telemetry.app, name="telemetry")
app.command("build")(build_command)
register_stats(app)
app.command("train")(train_cli.train)
app.command("predict")(predict_cli.predict)
app.command("backtest")(backtest_cli.backtest)
app.command("serve")(serve_command)
app.command("publish")(publish_command)
app.add_typer(users_cli.app, name="users")
app.command("run")(run_command)
app.command("runs")(runs_command)
app.command("schedule")(schedule_command)
app.command("worker")(worker_command)
app.command("doctor")(doctor_command)
reflow_help(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"undercut {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Formula 1 history in a local warehouse: ingest, analyse, predict, serve."""
