"""Real Celery workers (`undercut worker` subprocesses) over Redis: distributed runs, a
worker killed mid-step, Redis restarted mid-run, admin jobs on the queue."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.httpserver import LocalServer
from support.jobs import (
    RedisServer,
    Workers,
    kill_group,
    wait_for,
    zip_archive,
    zip_reply,
)
from undercut.config import Settings
from undercut.jobs import ledger
from undercut.jobs.pipeline import RunReport, run_pipeline

pytestmark = pytest.mark.xdist_group("celery-workers")


def _in_thread(target: Any) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["report"] = target()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


@pytest.fixture
def archive_zip(archive_dir: Path, tmp_path: Path) -> bytes:
    return zip_archive(archive_dir, tmp_path / "data.zip")


@pytest.fixture
def workers(tmp_path: Path, redis_settings: dict[str, str]) -> Iterator[Workers]:
    pool = Workers(
        tmp_path, tmp_path / "home", redis_settings["redis_url"], redis_settings["redis_prefix"]
    )
    yield pool
    pool.stop()


def test_worker_killed_mid_step_is_taken_over_and_completes_once(
    workers: Workers, archive_zip: bytes
) -> None:
    settings = workers.settings
    first = workers.start("a")
    # The first download hangs (worker a dies during it); the next one is served at once.
    with LocalServer(
        {"/data.zip": [zip_reply(archive_zip, delay=25), zip_reply(archive_zip)]}
    ) as server:
        url = f"{server.url}/data.zip"
        thread, box = _in_thread(
            lambda: run_pipeline(
                settings,
                ["ingest", "build"],
                params={"archive": url},
                distributed=True,
                options=workers.options,
            )
        )
        wait_for(lambda: server.requests, 120, "worker a to start the download")
        kill_group(first)
        workers.start("b")
        thread.join(timeout=400)
    assert not thread.is_alive(), "the distributed run did not finish"
    assert "error" not in box, box
    report: RunReport = box["report"]
    assert report.status == "succeeded", report.error
    assert report.steps == {"ingest": "succeeded", "build": "succeeded"}
    run = ledger.get_run(settings, report.run_id)
    ingest, build = run["steps"]
    assert ingest["attempts"] == 2
    assert ingest["worker"].split(":")[1] != str(first.pid)
    assert ingest["outputs"]["rows"] > 100_000
    assert build["attempts"] == 1 and build["outputs"]["row_counts"]["race_starts"] > 20_000
    assert run["distributed"] is True
    assert len(server.requests) == 2
    assert settings.warehouse_path.exists()
    # Completed once: one ingest ran to the end; the duplicate delivery only acknowledged.
    succeeded = [
        s for s in ledger.step_history(settings) if s.name == "ingest" and s.status == "succeeded"
    ]
    assert len(succeeded) == 1


def test_redis_restarted_mid_run(archive_zip: bytes, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    pool = Workers(tmp_path, tmp_path / "home", redis.url, "undercut-restart:")
    try:
        pool.start("a")
        with LocalServer({"/data.zip": [zip_reply(archive_zip, delay=6)]}) as server:
            url = f"{server.url}/data.zip"
            thread, box = _in_thread(
                lambda: run_pipeline(
                    pool.settings,
                    ["ingest", "build"],
                    params={"archive": url},
                    distributed=True,
                    options=pool.options,
                )
            )
            wait_for(lambda: server.requests, 120, "the ingest step to start")
            redis.restart(down_for=2)
            thread.join(timeout=400)
        assert not thread.is_alive(), pool.log("a")[-3000:]
        assert "error" not in box, box
        report: RunReport = box["report"]
        assert report.status == "succeeded", report.error
        assert report.steps == {"ingest": "succeeded", "build": "succeeded"}
        run = ledger.get_run(pool.settings, report.run_id)
        assert [s["status"] for s in run["steps"]] == ["succeeded", "succeeded"]
        assert run["steps"][0]["outputs"]["rows"] > 100_000
    finally:
        pool.stop()
        redis.stop()


def test_admin_jobs_go_to_the_workers(
    workers: Workers, built_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from fastapi.testclient import TestClient

    from undercut.api.app import create_app
    from undercut.api.security import hash_password
    from undercut.appdb import users as user_store
    from undercut.appdb.base import session_factory

    home = tmp_path / "home"
    shutil.copytree(built_settings.local_dir, home)
    settings = workers.settings.model_copy(update={"rate_limit": "none"})
    monkeypatch.setenv("UNDERCUT_JOB_QUEUE", workers.queue)  # the API sends to this queue
    workers.start("a")
    with TestClient(create_app(settings)) as client:
        with session_factory(settings)() as session:
            user_store.create_user(session, "admin", hash_password("admin-password-1"), "admin")
        token = client.post(
            "/auth/token", data={"username": "admin", "password": "admin-password-1"}
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        started = client.post("/api/v1/admin/jobs/build", headers=headers)
        assert started.status_code == 202, started.text
        job = started.json()
        assert job["distributed"] is True

        def finished() -> dict[str, Any] | None:
            state = client.get(job["url"], headers=headers).json()
            return state if state["status"] in ("succeeded", "failed") else None

        try:
            state = wait_for(finished, 180, "the build job to finish on the worker", every=0.5)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{workers.log('a')[-3000:]}") from None
    assert isinstance(state, dict)
    assert state["status"] == "succeeded", state
    step = state["steps"][0]
    assert step["status"] == "skipped" and "up to date" in step["outputs"]["reason"]
    assert step["worker"].split(":")[1] != str(os.getpid())


def test_backtest_split_by_season_across_workers(
    built_settings: Settings, tmp_path: Path, redis_settings: dict[str, str]
) -> None:
    import json
    import shutil

    import redis

    from undercut.jobs.backtests import run_backtests
    from undercut.jobs.telemetry import queue_figures
    from undercut.ml.registry import latest_backtest

    home = tmp_path / "home"
    shutil.copytree(built_settings.local_dir, home)
    small = {"min_season": 2020, "n_estimators": 20}
    pool = Workers(
        tmp_path,
        home,
        redis_settings["redis_url"],
        redis_settings["redis_prefix"],
        UNDERCUT_JOB_MODEL_PARAMS=json.dumps(small),
    )
    try:
        pool.start("a")
        pool.start("b")
        run_id, report = run_backtests(
            pool.settings, 2023, 2024, distributed=True, options=pool.options
        )
        # what /metrics reads of the workers: both alive, both tasks succeeded, none queued
        client = redis.Redis.from_url(redis_settings["redis_url"])
        figures = queue_figures(client, redis_settings["redis_prefix"], pool.queue)
        client.close()
    finally:
        pool.stop()
    assert (figures["queue_depth"], figures["workers"]) == (0, 2)
    # a step busy on the other worker is retried a moment later, a duplicate delivery of a
    # finished one only acknowledges: tasks counted, never failures
    outcomes = figures["outcomes"]
    assert outcomes[("undercut.backtest_season", "succeeded")] >= 2
    assert {outcome for _, outcome in outcomes} <= {"succeeded", "retried"}
    run = ledger.get_run(pool.settings, run_id)
    assert run["status"] == "succeeded", run
    assert run["kind"] == "backtest"
    assert [s["name"] for s in run["steps"]] == ["backtest:2023", "backtest:2024"]
    by_season = {s["outputs"]["season"]: s["outputs"]["races"] for s in run["steps"]}
    assert by_season == {2023: 22, 2024: 24}
    assert report is not None
    assert (report["from"], report["to"], report["races"]) == (2023, 2024, 46)
    assert {row["season"] for row in report["seasons"]} == {2023, 2024}
    assert len(report["per_race"]) == 46 * len(report["models"])
    assert latest_backtest(pool.settings)["races"] == 46
    workers = {s["worker"].split(":")[1] for s in run["steps"]}
    assert str(os.getpid()) not in workers
