"""``undercut serve``: the HTTP API (Ergast-compatible and /api/v1) and the dashboard."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from undercut.cli.common import HomeOption, err_console, settings_for


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes, each with its own event loop, snapshot and cache, and on "
            "Linux its own listening socket, so that the kernel spreads connections over "
            "them (default: one per CPU core available).",
            show_default=False,
        ),
    ] = None,
    get: Annotated[
        str | None,
        typer.Option(
            "--get",
            metavar="PATH",
            help="Answer one GET request (e.g. /api/v1/drivers/hamilton) on stdout and exit, "
            "without starting a server.",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Serve the API and dashboard: /ergast/f1, /api/v1, /auth, /health, /metrics, /docs.

    App-database migrations run first. Each worker answers one request of every kind
    before it accepts connections, so the first clients are served as fast as later ones.
    Reads are public; /api/v1/admin needs an admin token (create one with
    `undercut users create NAME --role admin`). With
    UNDERCUT_DATABASE_URL=postgresql://... the API reads the copy `undercut publish`
    keeps there; otherwise it serves a snapshot of the DuckDB warehouse that refreshes
    after every update or build. Rate limits (UNDERCUT_RATE_LIMIT), caches and shared
    counters use Redis when UNDERCUT_REDIS_URL is set. Outside development
    (UNDERCUT_ENVIRONMENT) a real UNDERCUT_SECRET_KEY is required; in development a
    --host other than loopback gets a warning.

    Examples: undercut serve --port 8000
              undercut serve --workers 2 --host 0.0.0.0
              undercut serve --get /api/v1/standings/2023/drivers
    """
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from undercut.api.app import create_app
    from undercut.api.listeners import check_free, spreads_connections, worker_listener
    from undercut.api.observability import configure_logging
    from undercut.api.security import check_secret
    from undercut.api.warmup import WARM_HOST_ENV
    from undercut.appdb.migrate import upgrade

    settings = settings_for(home)
    check_secret(settings)
    upgrade(settings)
    configure_logging(settings.log_level)  # JSON lines on stderr; stdout stays the answer
    if get is not None:
        _answer_one(create_app(settings, run_migrations=False), get)
        return
    workers = workers or default_workers()
    if settings.environment == "development" and not _is_loopback(host):
        warning = (
            f"WARNING: development mode listening on {host}, reachable from other machines; "
            "set UNDERCUT_ENVIRONMENT=production and UNDERCUT_SECRET_KEY before exposing it"
        )
        logging.getLogger("undercut.serve").warning(warning)
        err_console().print(warning, style="bold red", markup=False, highlight=False)
    port = check_free(host, port)  # the port the system chose, given --port 0
    err_console().print(
        f"serving {settings.home} on http://{host}:{port} "
        f"({workers} worker{'s' if workers > 1 else ''}); docs at /docs"
    )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        # a client behind a trusted proxy is counted as itself, not as the proxy
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, run_migrations=False, warm=f"{host}:{port}"), **options)
        return
    # Worker processes build their own app from the environment: pass the home on.
    os.environ["UNDERCUT_HOME"] = settings.home
    os.environ[WARM_HOST_ENV] = f"{host}:{port}"
    config = uvicorn.Config(
        "undercut.api.app:app_from_environment", factory=True, workers=workers, **options
    )
    listener = worker_listener(host, port) if spreads_connections() else config.bind_socket()
    supervisor = Multiprocess(config, sockets=[listener])
    with _shared_metrics(), contextlib.suppress(KeyboardInterrupt):
        supervisor.run()
    if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
        raise typer.Exit(1)  # a worker could not start; its error is in the log above


@contextmanager
def _shared_metrics() -> Iterator[None]:
    """Prometheus multi-process mode for the workers: each counts into files in one fresh
    directory and /metrics, whichever worker answers, adds them all up. A directory the
    operator set (PROMETHEUS_MULTIPROC_DIR) is used as given."""
    from undercut.api.observability import MULTIPROCESS_ENV

    if os.environ.get(MULTIPROCESS_ENV):
        yield
        return
    directory = tempfile.mkdtemp(prefix="undercut-metrics-")
    os.environ[MULTIPROCESS_ENV] = directory
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def default_workers() -> int:
    """One worker per CPU core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _answer_one(app: object, path: str) -> None:
    import warnings

    with warnings.catch_warnings():  # the in-process client's own deprecation notice
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    with TestClient(app) as client:  # type: ignore[arg-type]
        response = client.get(path)
    sys.stdout.write(response.text + "\n")
    if response.status_code >= 400:
        raise typer.Exit(2 if response.status_code < 500 else 1)
