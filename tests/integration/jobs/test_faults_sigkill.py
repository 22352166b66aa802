"""SIGKILL at the worst moment: during `undercut run`'s train, build and update steps, an
admin job killed with its server, and `undercut publish` to PostgreSQL.

Each kill is a real SIGKILL of a real `undercut` process. Afterwards nothing is lost (the
previous warehouse, model registry or published copy is intact and readable), the ledger
tells the truth (the run is `failed`, abandoned, with the time it was last seen — never
`running` forever) and running the same work again succeeds.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from support.homes import copy_home, warehouse_rows
from support.jobs import BIN, cli_env, kill_group, start_cli, wait_for
from undercut.appdb.ledger import RunStep
from undercut.cli import main
from undercut.config import Settings
from undercut.jobs import ledger
from undercut.ml.registry import Registry

SMALL_MODEL = json.dumps({"min_season": 2021, "n_estimators": 20})
HAMILTON_WINS = "select wins from gold.driver_summary where driver_id = 'hamilton'"


@pytest.fixture(autouse=True)
def _fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps beat every second here, so a dead one is noticed after three seconds."""
    monkeypatch.setenv("UNDERCUT_JOB_HEARTBEAT_SECONDS", "1")
    monkeypatch.setenv("UNDERCUT_JOB_MODEL_PARAMS", SMALL_MODEL)


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return cli_env(
        settings.local_dir,
        UNDERCUT_JOB_HEARTBEAT_SECONDS="1",
        UNDERCUT_JOB_MODEL_PARAMS=SMALL_MODEL,
        **extra,
    )


def _running(settings: Settings, name: str) -> str | None:
    """The run id of a step ``name`` being executed right now (read without reaping)."""
    with ledger.session(settings) as db:
        step = db.scalars(
            select(RunStep).where(RunStep.name == name, RunStep.status == "running")
        ).first()
        return step.run_id if step else None


def _kill_during(settings: Settings, args: list[str], step: str, log: Path, **env: str) -> str:
    """Start ``undercut ARGS``, SIGKILL it while ``step`` runs; returns the run id."""
    proc = start_cli(args, _env(settings, **env), log)
    try:
        run_id = wait_for(lambda: _running(settings, step), 300, f"the {step} step to start")
    finally:
        kill_group(proc)
    assert proc.returncode == -9, log.read_text()
    return str(run_id)


def _abandoned(settings: Settings, run_id: str) -> dict[str, Any]:
    """`undercut runs RUN --format json` once the run is no longer running."""

    def closed() -> dict[str, Any] | None:
        run = ledger.get_run(settings, run_id)
        return run if run["status"] != "running" else None

    wait_for(closed, 60, f"run {run_id} to be found abandoned", every=0.5)
    return _cli_json(["runs", run_id, "--home", str(settings.local_dir)])


def _cli_json(args: list[str]) -> Any:
    out = subprocess.run(
        [str(BIN / "undercut"), *args, "--format", "json"],
        env={
            **cli_env(Path(args[args.index("--home") + 1])),
            "UNDERCUT_JOB_HEARTBEAT_SECONDS": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _assert_abandoned(run: dict[str, Any], step: str) -> None:
    assert run["status"] == "failed", run
    assert run["abandoned"] is True
    assert run["error"].startswith("abandoned: last seen ")
    assert run["finishedAt"] is not None
    killed = next(s for s in run["steps"] if s["name"] == step)
    assert killed["status"] == "failed"
    assert killed["outputs"]["abandoned"] is True
    assert killed["outputs"]["last_seen_at"] == killed["heartbeatAt"] == killed["finishedAt"]
    seen = killed["heartbeatAt"][:19].replace("T", " ")
    assert killed["error"] == f"abandoned: last seen {seen} UTC on {killed['worker']}"
    assert run["error"].startswith(f"abandoned: last seen {seen} UTC ({step} on ")
    assert all(s["status"] != "running" for s in run["steps"])


def test_run_killed_during_train_is_abandoned_and_retry_succeeds(
    built_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = copy_home(built_settings, tmp_path / "home")
    assert main(["run", "--home", str(settings.local_dir), "--step", "train"]) == 0
    versions = Registry.from_settings(settings).versions()
    assert len(versions) == 1
    wins = warehouse_rows(settings, HAMILTON_WINS)

    run_id = _kill_during(
        settings,
        ["run", "--step", "train", "--step", "predict", "--force"],
        "train",
        tmp_path / "run.log",
    )
    run = _abandoned(settings, run_id)
    _assert_abandoned(run, "train")
    assert [s["status"] for s in run["steps"]] == ["failed", "pending"]
    listed = _cli_json(["runs", "--home", str(settings.local_dir)])
    assert listed["items"][0]["id"] == run_id and listed["items"][0]["abandoned"] is True
    capsys.readouterr()
    assert main(["runs", "--home", str(settings.local_dir), "--format", "csv"]) == 0
    newest = capsys.readouterr().out.splitlines()[1]
    assert newest.startswith(f"{run_id[:12]},") and ",failed (abandoned)," in newest

    # Nothing lost: the registry still holds the earlier model, whole; gold is readable.
    registry = Registry.from_settings(settings)
    assert registry.versions()[: len(versions)] == versions
    assert registry.resolve(versions[0]) == versions[0]
    assert warehouse_rows(settings, HAMILTON_WINS) == wins

    assert main(["run", "--home", str(settings.local_dir), "--retry", run_id]) == 0
    items = ledger.list_runs(settings)[1]
    retried = items[0]
    assert retried["retryOf"] == run_id and retried["status"] == "succeeded"
    assert [s["name"] for s in retried["steps"]] == ["train", "predict"]
    # The killed run stays what it was: abandoned, not running, even after the retry.
    assert ledger.get_run(settings, run_id)["status"] == "failed"
    assert len(Registry.from_settings(settings).versions()) == len(versions) + 1


def test_run_killed_during_build_keeps_the_previous_gold(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = copy_home(built_settings, tmp_path / "home")
    before = warehouse_rows(settings, HAMILTON_WINS)
    run_id = _kill_during(
        settings, ["run", "--step", "build", "--force"], "build", tmp_path / "run.log"
    )
    _assert_abandoned(_abandoned(settings, run_id), "build")
    assert warehouse_rows(settings, HAMILTON_WINS) == before
    assert main(["run", "--home", str(settings.local_dir), "--step", "build", "--force"]) == 0
    assert warehouse_rows(settings, HAMILTON_WINS) == before
    assert ledger.list_runs(settings)[1][0]["status"] == "succeeded"
