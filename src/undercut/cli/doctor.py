"""``undercut doctor``: is everything this configuration needs there and working?"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from undercut.cli.common import HomeOption, OutputFormat, emit, settings_for


class DoctorFormat(StrEnum):
    table = "table"
    json = "json"


def doctor(
    home: HomeOption = None,
    fmt: Annotated[
        DoctorFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DoctorFormat.table,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0.1,
            help="Seconds a check may take; one still waiting then (an object store's SDK "
            "retrying) is down.",
        ),
    ] = 10.0,
) -> None:
    """Check each dependency of this home, one line each; exit 1 when one is down.

    lake: which provider holds the lake (local disk, s3, gcs or azure) and where, and
    whether it can be reached; lake_write: a probe object written, read back and deleted;
    disk: free space where the warehouse and caches live (an object store reports none);
    app_database: SQLite or PostgreSQL answers; redis: answers, when UNDERCUT_REDIS_URL is
    set. Credentials come from each provider's own environment and are never printed.
    `degraded` (less than 1 GiB free) is shown but exits 0. Each check gets --timeout
    seconds.

    Examples:
      undercut doctor
      UNDERCUT_HOME=gs://my-bucket/f1 undercut doctor --format json
    """
    from undercut.jobs.probes import dependency_checks

    settings = settings_for(home)
    checks = dependency_checks(settings, deadline=timeout)
    down = [name for name, check in checks.items() if check["status"] == "down"]
    if fmt is DoctorFormat.json:
        document = {"status": "down" if down else "ok", "home": settings.home, "checks": checks}
        emit([], OutputFormat.json, document=document)
    else:
        width = max(len(name) for name in checks)
        for name, check in checks.items():
            detail = check.get("detail") or check.get("error", "")
            sys.stdout.write(f"{name:<{width}}  {check['status']:<8}  {detail}\n")
    if down:
        sys.stderr.write(f"down: {', '.join(down)}\n")
        raise typer.Exit(1)
