"""`undercut run` in-process: the DAG, skipping on unchanged inputs, failure, retry, Ctrl-C."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from support.ergast_replay import files_replay
from support.homes import copy_home
from support.httpserver import LocalServer, Reply
from support.jobs import cli_env, start_cli, wait_for, zip_archive, zip_reply
from undercut.appdb.ledger import RunStep
from undercut.cli import main
from undercut.config import Settings, get_settings
from undercut.jobs import ledger, locks
from undercut.jobs.pipeline import RunReport, run_pipeline


def _down(path: str, headers: dict[str, str]) -> Reply:
    return Reply(503, b"service unavailable")


def test_run_then_rerun_skips_unchanged_steps(
    archive_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("UNDERCUT_HTTP_RETRIES", "1")
    # No model in these tests: train and predict are the ledger/API tests' business.
    with LocalServer(fallback=files_replay()) as server, LocalServer(fallback=_down) as down:
        monkeypatch.setenv("UNDERCUT_JOLPICA_URL", f"{server.url}/ergast/f1/")
        code = main(
            [
                "run",
                "--home",
                str(home),
                "--archive",
                str(archive_dir),
                "--step",
                "ingest",
                "--step",
                "update",
                "--step",
                "build",
                "--format",
                "json",
            ]
        )
        first = json.loads(capsys.readouterr().out)
        assert code == 0, first
        assert first["status"] == "succeeded"
        assert first["steps"] == {
            "ingest": "succeeded",
            "update": "succeeded",
            "build": "succeeded",
        }
        assert server.requests
        settings = get_settings(home=str(home))
        second = run_pipeline(
            settings, ["ingest", "update", "build"], params={"archive": str(archive_dir)}
        )
        # The API source fails for one step: that run fails there, the next one recovers.
        broken = run_pipeline(
            settings.model_copy(update={"jolpica_url": f"{down.url}/ergast/f1/"}),
            ["update", "build"],
        )
        recovered = run_pipeline(settings, ["update", "build"])
    assert broken.status == "failed"
    assert broken.steps == {"update": "failed"}
    assert down.url in (broken.error or "") and "503" in (broken.error or "")
    failed_run = ledger.get_run(settings, broken.run_id)
    assert [s["status"] for s in failed_run["steps"]] == ["failed", "pending"]
    assert "503" in failed_run["steps"][0]["error"]
    assert recovered.status == "succeeded"
    assert recovered.steps == {"update": "succeeded", "build": "skipped"}
    assert second.status == "succeeded"
    assert second.steps["ingest"] == "skipped"
    assert second.steps["update"] == "succeeded"
    assert second.steps["build"] == "skipped"

    run = ledger.get_run(settings, first["run_id"])
    steps = {s["name"]: s for s in run["steps"]}
    assert steps["ingest"]["outputs"]["rows"] > 100_000
    assert steps["build"]["outputs"]["row_counts"]["race_starts"] > 20_000
    assert len(steps["ingest"]["inputs"]["content_sha256"]) == 64
    again = {s["name"]: s for s in ledger.get_run(settings, second.run_id)["steps"]}
    assert again["build"]["inputs_hash"] == steps["build"]["inputs_hash"]
    assert "unchanged" in again["build"]["outputs"]["reason"]

    total, items = ledger.list_runs(settings)
    assert total == 4 and [r["id"] for r in items] == [
        recovered.run_id,
        broken.run_id,
        second.run_id,
        first["run_id"],
    ]
    assert main(["runs", "--home", str(home), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 4
    assert [r["status"] for r in listed["items"]] == [
        "succeeded",
        "failed",
        "succeeded",
        "succeeded",
    ]
    assert main(["runs", first["run_id"][:8], "--home", str(home), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == first["run_id"]


def test_failing_source_fails_the_run_and_retry_recovers(
    archive_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNDERCUT_HTTP_RETRIES", "1")
    body = zip_archive(archive_dir, tmp_path / "data.zip")
    home = tmp_path / "home"
    broken = Reply(503, b"service unavailable")
    with LocalServer({"/data.zip": [broken, zip_reply(body)]}) as server:
        url = f"{server.url}/data.zip"
        code = main(
            [
                "run",
                "--home",
                str(home),
                "--archive",
                url,
                "--step",
                "ingest",
                "--step",
                "build",
                "--format",
                "json",
            ]
        )
        failed = json.loads(capsys.readouterr().out)
        assert code == 1
        assert failed["status"] == "failed"
        assert failed["steps"] == {"ingest": "failed"}
        assert "503" in failed["error"] or url in failed["error"]

        settings = get_settings(home=str(home))
        run = ledger.get_run(settings, failed["run_id"])
        assert run["status"] == "failed"
        assert [s["status"] for s in run["steps"]] == ["failed", "pending"]
        assert run["steps"][0]["error"]
        assert not settings.warehouse_path.exists()

        code = main(
            ["run", "--home", str(home), "--retry", failed["run_id"][:10], "--format", "json"]
        )
        retried = json.loads(capsys.readouterr().out)
    assert code == 0, retried
    assert retried["steps"] == {"ingest": "succeeded", "build": "succeeded"}
    retry_run = ledger.get_run(settings, retried["run_id"])
    assert retry_run["retry_of"] == failed["run_id"]
    assert retry_run["trigger"] == "retry"
    assert settings.warehouse_path.exists()
    # The failed run stays failed in the ledger: history is not rewritten.
    assert ledger.get_run(settings, failed["run_id"])["status"] == "failed"


def test_ctrl_c_marks_the_run_interrupted_and_leaves_nothing_half_written(
    archive_dir: Path, tmp_path: Path
) -> None:
    body = zip_archive(archive_dir, tmp_path / "data.zip")
    home = tmp_path / "home"
    with LocalServer({"/data.zip": [zip_reply(body, delay=30)]}) as server:
        proc = start_cli(
            ["run", "--archive", f"{server.url}/data.zip"], cli_env(home), tmp_path / "run.log"
        )
        wait_for(lambda: server.requests, 30, "the download to start")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130, (tmp_path / "run.log").read_text()
    log = (tmp_path / "run.log").read_text()
    assert "interrupted" in log and "Traceback" not in log
    settings = get_settings(home=str(home))
    total, items = ledger.list_runs(settings)
    assert total == 1
    assert items[0]["status"] == "interrupted"
    assert items[0]["steps"][0] == {
        **items[0]["steps"][0],
        "name": "ingest",
        "status": "interrupted",
    }
    assert not settings.warehouse_path.exists()
    leftovers = [p.name for p in home.iterdir() if p.name.startswith((".", "undercut-"))]
    assert leftovers == [], leftovers


def test_a_step_waiting_for_another_runs_lease_is_alive_not_abandoned(
    built_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_JOB_HEARTBEAT_SECONDS", "1")
    settings = copy_home(built_settings, tmp_path / "home")
    other = locks.lease(settings, "step:build", ttl=120)  # another run is building
    assert other.acquire()
    box: dict[str, RunReport] = {}
    waiting = threading.Thread(
        target=lambda: box.update(report=run_pipeline(settings, ["build"])), daemon=True
    )
    waiting.start()

    def beating_while_waiting() -> bool:
        with ledger.session(settings) as db:
            step = db.scalars(select(RunStep).where(RunStep.name == "build")).first()
        return bool(
            step
            and step.status == "running"
            and step.heartbeat_at
            and step.started_at
            and (step.heartbeat_at - step.started_at).total_seconds() > 4
        )

    try:
        wait_for(beating_while_waiting, 60, "the waiting step to keep beating")
        _, items = ledger.list_runs(settings)  # a reader closes abandoned runs, not this one
        assert items[0]["status"] == "running" and items[0]["abandoned"] is False
    finally:
        other.release()
    waiting.join(timeout=120)
    assert box["report"].status == "succeeded", box["report"].error
    assert box["report"].steps == {"build": "skipped"}
