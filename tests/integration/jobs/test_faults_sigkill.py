"""SIGKILL at the worst moment: during `undercut run`'s train, build and update steps, an
admin job killed with its server, and `undercut publish` to PostgreSQL.

Each kill is a real SIGKILL of a real `undercut` process. Afterwards nothing is lost (the
previous warehouse, model registry or published copy is intact and readable), the ledger
tells the truth (the run is `failed`, abandoned, with the time it was last seen — never
`running` forever) and running the same work again succeeds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import select

from support.api import ADMIN_PASSWORD
from support.ergast_replay import CUT_FIRST, CUT_LAST, CUT_SEASON, app_replay, truncate_archive
from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer, Reply
from support.jobs import (
    BIN,
    Workers,
    cli_env,
    free_port,
    kill_group,
    live,
    start_cli,
    wait_for,
)
from undercut.appdb.ledger import RunStep
from undercut.cli import main
from undercut.config import Settings, get_settings
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
        return run if run["status"] not in ledger.OPEN_RUN else None

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
    assert run["finished_at"] is not None
    killed = next(s for s in run["steps"] if s["name"] == step)
    assert killed["status"] == "failed"
    assert killed["outputs"]["abandoned"] is True
    assert killed["outputs"]["last_seen_at"] == killed["heartbeat_at"] == killed["finished_at"]
    seen = killed["heartbeat_at"][:19].replace("T", " ")
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
    assert retried["retry_of"] == run_id and retried["status"] == "succeeded"
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


def test_admin_job_killed_with_its_server_is_abandoned(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = copy_home(built_settings, tmp_path / "home")
    env = _env(settings, UNDERCUT_RATE_LIMIT="none", UNDERCUT_LOG_LEVEL="WARNING")
    created = subprocess.run(
        [str(BIN / "undercut"), "users", "create", "admin", "--role", "admin"],
        input=f"{ADMIN_PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    server = start_cli(["serve", "--workers", "1", "--port", str(port)], env, log)
    try:
        wait_for(lambda: server.poll() is not None or live(base), 120, "undercut serve")
        assert server.poll() is None, log.read_text()
        token = httpx.post(
            f"{base}/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["access_token"]
        job = httpx.post(
            f"{base}/api/v1/admin/jobs/train", headers={"Authorization": f"Bearer {token}"}
        )
        assert job.status_code == 202, job.text
        run_id = job.json()["id"]
        wait_for(lambda: _running(settings, "train") == run_id, 300, "the train job to start")
    finally:
        kill_group(server)
    assert server.returncode == -9, log.read_text()
    run = _abandoned(settings, run_id)
    _assert_abandoned(run, "train")
    assert run["kind"] == "job" and run["trigger"] == "api"
    assert Registry.from_settings(settings).versions() == []
    assert main(["run", "--home", str(settings.local_dir), "--step", "train"]) == 0
    assert len(Registry.from_settings(settings).versions()) == 1


def _season_rows(settings: Settings, season: int) -> list[tuple[Any, ...]]:
    return warehouse_rows(
        settings,
        "select round, count(*) from silver.race_results where season = ? "
        "group by round order by round",
        [season],
    )


def test_run_killed_during_update_rolls_back_the_race_it_was_writing(
    archive_dir: Path,
    loaded_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from undercut.ingest.archive import ingest_archive

    # A home without 2025 rounds 16-18; the replayed API (undercut's own Ergast API over
    # the full archive) has them. Round 17's standings answer slowly: the kill lands while
    # round 16 is applied and round 17 half-written.
    truncate_archive(archive_dir, tmp_path / "archive", CUT_SEASON, CUT_FIRST, CUT_LAST)
    settings = get_settings(home=str(tmp_path / "home"))
    ingest_archive(settings, str(tmp_path / "archive"))
    reference_home = tmp_path / "reference"
    reference_home.mkdir()
    shutil.copy2(loaded_settings.warehouse_path, reference_home / "warehouse.duckdb")
    reference, close = app_replay(get_settings(home=str(reference_home)))
    stuck = f"{CUT_SEASON}/17/driverstandings"

    def slow_round_17(path: str, headers: dict[str, str]) -> Reply:
        reply = reference(path, headers)
        return replace(reply, delay=600) if stuck in path else reply

    before = _season_rows(settings, CUT_SEASON)
    assert [r for r, _ in before][-1] == CUT_FIRST - 1
    try:
        with LocalServer(fallback=slow_round_17) as server:
            proc = start_cli(
                ["run", "--step", "update"],
                _env(
                    settings,
                    UNDERCUT_JOLPICA_URL=f"{server.url}/ergast/f1/",
                    UNDERCUT_JOLPICA_LIMITS="none",
                ),
                tmp_path / "run.log",
            )
            try:
                wait_for(
                    lambda: (
                        proc.poll() is not None or any(stuck in path for path, _ in server.requests)
                    ),
                    300,
                    "the update to reach round 17",
                )
                assert proc.poll() is None, (tmp_path / "run.log").read_text()
                run_id = _running(settings, "update")
            finally:
                kill_group(proc)
        assert run_id is not None
        _assert_abandoned(_abandoned(settings, run_id), "update")
        # Nothing half-written: round 16 applied whole, nothing of round 17.
        rounds = [r for r, _ in _season_rows(settings, CUT_SEASON)]
        assert rounds == [*(r for r, _ in before), CUT_FIRST]
        assert _season_rows(settings, CUT_SEASON)[: len(before)] == before

        monkeypatch.setenv("UNDERCUT_JOLPICA_LIMITS", "none")
        with LocalServer(fallback=reference) as server:
            monkeypatch.setenv("UNDERCUT_JOLPICA_URL", f"{server.url}/ergast/f1/")
            assert main(["run", "--home", str(settings.local_dir), "--retry", run_id]) == 0
    finally:
        close()
    assert _season_rows(settings, CUT_SEASON) == _season_rows(loaded_settings, CUT_SEASON)


def _published_wins(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as con:
        return con.execute(HAMILTON_WINS).fetchall()


def _publishing(url: str) -> bool:
    """A publish is copying rows into the next schemas right now."""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as con:
        row = con.execute(
            "select count(*) from pg_stat_activity where pid <> pg_backend_pid() "
            "and datname = current_database() and query like %s",
            ["%\\_next.%"],
        ).fetchone()
    return bool(row and row[0])


def test_publish_killed_midway_keeps_the_previous_copy(
    built_settings: Settings, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = copy_home(built_settings, tmp_path / "home")
    home = str(settings.local_dir)
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", postgres_url)
    assert main(["publish", "--home", home]) == 0
    published = _published_wins(postgres_url)
    assert published == warehouse_rows(settings, HAMILTON_WINS)

    proc = start_cli(
        ["publish"], _env(settings, UNDERCUT_DATABASE_URL=postgres_url), tmp_path / "publish.log"
    )
    try:
        wait_for(lambda: _publishing(postgres_url), 300, "the second publish to copy rows")
    finally:
        kill_group(proc)
    assert proc.returncode == -9, (tmp_path / "publish.log").read_text()
    # The server rolls the dead publisher's transaction back; readers keep the old copy.
    wait_for(lambda: not _publishing(postgres_url), 60, "the killed publish to be rolled back")
    assert _published_wins(postgres_url) == published
    _total, items = ledger.list_runs(settings.model_copy(update={"database_url": postgres_url}))
    assert [r for r in items if r["status"] in ("queued", "running")] == []

    assert main(["publish", "--home", home]) == 0
    assert _published_wins(postgres_url) == published


def test_worker_killed_with_no_one_to_take_over_is_abandoned(
    built_settings: Settings,
    tmp_path: Path,
    redis_settings: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi.testclient import TestClient

    from support.api import add_user, bearer, login
    from undercut.api.app import create_app

    home = tmp_path / "home"
    shutil.copytree(built_settings.local_dir, home)
    pool = Workers(
        tmp_path,
        home,
        redis_settings["redis_url"],
        redis_settings["redis_prefix"],
        UNDERCUT_JOB_MODEL_PARAMS=SMALL_MODEL,
    )
    # The API sends to this queue and reads the ledger with the workers' timings.
    monkeypatch.setenv("UNDERCUT_JOB_QUEUE", pool.queue)
    monkeypatch.setenv("UNDERCUT_JOB_VISIBILITY_TIMEOUT", "6")
    settings = pool.settings.model_copy(update={"rate_limit": "none"})
    try:
        pool.start("a")
        with TestClient(create_app(settings)) as client:
            add_user(settings, "admin", ADMIN_PASSWORD, "admin")
            headers = bearer(login(client, "admin", ADMIN_PASSWORD)["access_token"])
            job = client.post("/api/v1/admin/jobs/train", headers=headers).json()
            assert job["distributed"] is True
            wait_for(lambda: _running(settings, "train") == job["id"], 300, "the worker to train")
            pool.stop()

            def abandoned() -> dict[str, Any] | None:
                items = client.get("/api/v1/runs", params={"kind": "job"}).json()["items"]
                # a run is still open while queued: a worker may be killed after it marked
                # its step running and before it marked the run running
                return items[0] if items[0]["status"] not in ledger.OPEN_RUN else None

            run = wait_for(abandoned, 120, "/api/v1/runs to find the job abandoned", every=0.5)
            assert isinstance(run, dict)
            _assert_abandoned(run, "train")
            assert run["id"] == job["id"] and run["distributed"] is True
            assert "no sign of life for 9s" in run["error"]  # visibility timeout + 3 beats

            pool.start("b")  # a rerun on a live worker succeeds
            again = client.post("/api/v1/admin/jobs/train", headers=headers).json()

            def finished() -> dict[str, Any] | None:
                state = client.get(again["url"], headers=headers).json()
                return state if state["status"] in ("succeeded", "failed") else None

            state = wait_for(finished, 300, "the second train job", every=0.5)
    finally:
        pool.stop()
    assert isinstance(state, dict) and state["status"] == "succeeded", state
    assert ledger.get_run(settings, job["id"])["status"] == "failed"
