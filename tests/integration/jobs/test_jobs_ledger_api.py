"""The whole pipeline on the real archive, then what the ledger tells: `undercut runs`,
lineage, `/api/v1/runs`, admin jobs, job metrics and the stale-pipeline health check."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pytest
from fastapi.testclient import TestClient

from support.ergast_replay import files_replay
from support.httpserver import LocalServer
from support.monitoring import total
from support.naming import json_keys, offending
from undercut.api.app import create_app
from undercut.api.security import hash_password
from undercut.appdb import users as user_store
from undercut.appdb.base import session_factory
from undercut.cli import main
from undercut.config import Settings, get_settings
from undercut.jobs import ledger
from undercut.jobs.options import JobOptions
from undercut.jobs.pipeline import RunReport, run_pipeline
from undercut.ml.registry import latest_version

SMALL_MODEL = {"min_season": 2021, "n_estimators": 20}


@dataclass
class Operated:
    settings: Settings
    options: JobOptions
    first: RunReport
    second: RunReport
    after_qualifying: RunReport
    server: LocalServer


def _add_qualifying(settings: Settings, season: int, rnd: int) -> None:
    """Qualifying of the next race arrives (as the update step would store it)."""
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(
            "insert into silver.qualifying select * replace (? as round) "
            "from silver.qualifying where season = ? and round = ?",
            [rnd, season, rnd - 1],
        )


@pytest.fixture(scope="module")
def operated(
    loaded_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Operated]:
    home = tmp_path_factory.mktemp("operated") / "home"
    shutil.copytree(loaded_settings.local_dir, home)
    # The Ergast-compatible API replayed from recorded answers: no race after the archive.
    with LocalServer(fallback=files_replay()) as server:
        settings = get_settings(
            home=str(home), jolpica_url=f"{server.url}/ergast/f1/", jolpica_limits="none"
        )
        options = JobOptions(model_params=SMALL_MODEL, heartbeat_seconds=1)
        first = run_pipeline(settings, options=options)
        second = run_pipeline(settings, options=options)
        _add_qualifying(settings, 2025, 19)
        after = run_pipeline(settings, ["update", "build", "train", "predict"], options=options)
        yield Operated(settings, options, first, second, after, server)


def test_pipeline_runs_every_step_then_skips_what_did_not_change(operated: Operated) -> None:
    first, second = operated.first, operated.second
    assert first.status == "succeeded", first.error
    assert first.steps == {
        "ingest": "skipped",
        "update": "succeeded",
        "build": "succeeded",
        "train": "succeeded",
        "predict": "succeeded",
        "evaluate": "succeeded",
    }
    assert second.status == "succeeded", second.error
    assert second.steps == {
        "ingest": "skipped",
        "update": "succeeded",
        "build": "skipped",
        "train": "skipped",
        "predict": "skipped",
        "evaluate": "skipped",
    }
    steps = {s["name"]: s for s in ledger.get_run(operated.settings, first.run_id)["steps"]}
    update = steps["update"]["outputs"]
    assert update["result"]["source"] == f"{operated.server.url}/ergast/f1/"
    assert update["result"]["races_added"] == [] and update["changed"] is False
    assert steps["update"]["outputs"]["latest_result"] == "2025:18"
    assert steps["build"]["outputs"]["row_counts"]["race_starts"] > 20_000
    version = steps["train"]["outputs"]["model_version"]
    assert version == latest_version(operated.settings)
    assert steps["train"]["outputs"]["trained_until"] == "2025:18"
    predict = steps["predict"]
    assert predict["inputs"]["race"] == "2025:19"
    assert predict["inputs"]["basis"] == "pre-qualifying"
    assert predict["outputs"]["race"] == "United States Grand Prix"
    assert predict["outputs"]["drivers"] >= 20
    assert predict["outputs"]["prediction_ids"]
    again = {s["name"]: s for s in ledger.get_run(operated.settings, second.run_id)["steps"]}
    assert "no new results" in again["train"]["outputs"]["reason"]
    assert "2025:19 already predicted" in again["predict"]["outputs"]["reason"]
    for name in ("update", "build", "train", "predict", "evaluate"):
        assert steps[name]["started_at"] <= steps[name]["finished_at"]


def test_qualifying_triggers_a_new_prediction_on_the_same_model(operated: Operated) -> None:
    after = operated.after_qualifying
    assert after.status == "succeeded", after.error
    assert after.steps == {
        "update": "succeeded",
        "build": "succeeded",
        "train": "skipped",
        "predict": "succeeded",
    }
    steps = {s["name"]: s for s in ledger.get_run(operated.settings, after.run_id)["steps"]}
    assert steps["predict"]["inputs"]["basis"] == "qualifying"
    assert steps["predict"]["outputs"]["basis"] == "qualifying"
    assert steps["predict"]["inputs"]["qualifying"]
    first = {
        s["name"]: s for s in ledger.get_run(operated.settings, operated.first.run_id)["steps"]
    }
    assert (
        steps["predict"]["outputs"]["prediction_ids"]
        != first["predict"]["outputs"]["prediction_ids"]
    )
    assert (
        steps["predict"]["outputs"]["model_version"] == first["train"]["outputs"]["model_version"]
    )


def test_lineage_names_the_model_and_the_data(
    operated: Operated, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(operated.settings.local_dir)
    assert main(["runs", "--home", home, "--lineage", "2025:19", "--format", "json"]) == 0
    lineage = json.loads(capsys.readouterr().out)
    after = {
        s["name"]: s
        for s in ledger.get_run(operated.settings, operated.after_qualifying.run_id)["steps"]
    }
    first = {
        s["name"]: s for s in ledger.get_run(operated.settings, operated.first.run_id)["steps"]
    }
    assert lineage["prediction"]["id"] in after["predict"]["outputs"]["prediction_ids"]
    assert lineage["model"]["version"] == first["train"]["outputs"]["model_version"]
    assert lineage["model"]["train_run_id"] == operated.first.run_id
    assert lineage["data"]["basis"] == "qualifying"
    assert lineage["data"]["gold_fingerprint"] == after["build"]["outputs"]["fingerprint"]
    assert [s["name"] for s in lineage["steps"]] == ["predict", "train", "build", "update"]
    assert lineage["steps"][2]["run_id"] == operated.after_qualifying.run_id

    assert main(["runs", "--home", home, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 3
    assert [r["id"] for r in listed["items"]] == [
        operated.after_qualifying.run_id,
        operated.second.run_id,
        operated.first.run_id,
    ]
    assert main(["runs", "--home", home, "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("run,created,kind,trigger,status")
    assert rows[-1].startswith(f"{operated.first.run_id[:12]},")
    assert "train✓" in rows[-1] and "ingest-" in rows[-1]


@pytest.fixture(scope="module")
def api(operated: Operated) -> Iterator[TestClient]:
    settings = operated.settings.model_copy(update={"rate_limit": "none"})
    with TestClient(create_app(settings)) as client:
        with session_factory(settings)() as session:
            user_store.create_user(session, "admin", hash_password("admin-password-1"), "admin")
            user_store.create_user(session, "reader", hash_password("user-password-1"), "user")
        yield client


def _token(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_api_serves_runs_and_lineage(operated: Operated, api: TestClient) -> None:
    listed = api.get("/api/v1/runs", params={"limit": 2, "kind": "pipeline"}).json()
    assert listed["total"] >= 3 and listed["limit"] == 2
    assert listed["items"][0]["id"] == operated.after_qualifying.run_id
    one = api.get(f"/api/v1/runs/{operated.first.run_id[:10]}").json()
    assert one["id"] == operated.first.run_id
    assert [s["name"] for s in one["steps"]] == [
        "ingest",
        "update",
        "build",
        "train",
        "predict",
        "evaluate",
    ]
    train = one["steps"][3]
    assert train["outputs"]["model_version"] == latest_version(operated.settings)
    assert len(train["inputs_hash"]) == 64
    assert api.get("/api/v1/runs/ffffffffffff").status_code == 404
    lineage = api.get("/api/v1/lineage/2025:19").json()
    assert lineage["model"]["version"] == train["outputs"]["model_version"]
    assert offending(json_keys([listed, one, lineage], "runs")) == []  # snake_case throughout
    none = api.get("/api/v1/lineage/1999:1")
    assert none.status_code == 200
    assert none.json()["prediction"] is None and none.json()["steps"] == []
    assert none.json()["reason"].startswith("no prediction of 1999:1 (Australian Grand Prix)")
    unknown = api.get("/api/v1/lineage/1999:40")
    assert unknown.status_code == 404
    assert "race 1999:40: not in the warehouse" in unknown.text
    huge = api.get("/api/v1/lineage/9223372036854775808")
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["loc"] == ["path", "prediction"]
    assert api.get("/api/v1/lineage/2025:9223372036854775808").status_code == 422
    beyond = api.get("/api/v1/lineage/9999999999")  # well formed, past the id column's range
    assert beyond.status_code == 404
    assert "prediction 9999999999: no such prediction" in beyond.text


def test_admin_jobs_need_an_admin_and_report_their_state(
    operated: Operated, api: TestClient
) -> None:
    assert api.post("/api/v1/admin/jobs/build").status_code == 401
    reader = _token(api, "reader", "user-password-1")
    assert api.post("/api/v1/admin/jobs/build", headers=reader).status_code == 403
    admin = _token(api, "admin", "admin-password-1")
    assert api.post("/api/v1/admin/jobs/ingest", headers=admin).status_code == 422
    started = api.post("/api/v1/admin/jobs/build", headers=admin)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] == "queued" and job["distributed"] is False
    assert api.get(job["url"], headers=reader).status_code == 403
    deadline = time.monotonic() + 120
    state = api.get(job["url"], headers=admin).json()
    while state["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        state = api.get(job["url"], headers=admin).json()
    assert state["status"] == "succeeded", state
    assert state["kind"] == "job" and state["trigger"] == "api"
    assert state["params"]["requested_by"] == "admin"
    assert state["steps"][0]["status"] == "skipped"
    assert "up to date" in state["steps"][0]["outputs"]["reason"]
    not_a_job = api.get(f"/api/v1/admin/jobs/{operated.first.run_id}", headers=admin)
    assert not_a_job.status_code == 404


def test_metrics_and_health_report_the_pipeline(
    operated: Operated, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = api.get("/metrics").text
    assert re.search(
        r'^undercut_job_steps_total\{status="succeeded",step="train"\} 1\.0$', text, re.MULTILINE
    )
    assert re.search(
        r'^undercut_job_steps_total\{status="skipped",step="train"\} 2\.0$', text, re.MULTILINE
    )
    assert re.search(r'^undercut_job_step_failures_total\{step="build"\} 0\.0$', text, re.MULTILINE)
    seconds = re.search(
        r'^undercut_job_step_seconds_total\{step="train"\} (\S+)$', text, re.MULTILINE
    )
    assert seconds is not None and float(seconds.group(1)) > 0
    last = re.search(
        r'^undercut_job_step_last_success_timestamp_seconds\{step="predict"\} '
        r"(\S+)$",
        text,
        re.MULTILINE,
    )
    assert last is not None and abs(float(last.group(1)) - time.time()) < 3600
    age = re.search(r"^undercut_pipeline_last_success_age_seconds (\S+)$", text, re.MULTILINE)
    assert age is not None and float(age.group(1)) >= 0
    # every successful predict step is one inference, timed as the ledger recorded it
    predicted = total(text, "undercut_job_steps_total", status="succeeded", step="predict")
    assert predicted >= 1
    assert total(text, "undercut_inference_duration_seconds_count") == predicted
    assert total(text, "undercut_inference_duration_seconds_bucket", le="+Inf") == predicted
    assert total(text, "undercut_inference_duration_seconds_sum") > 0
    for source in ("archive", "jolpica"):
        assert 0 <= total(text, "undercut_data_source_age_seconds", source=source) < 3600

    pipeline = api.get("/health").json()["checks"]["pipeline"]
    assert pipeline["status"] == "ok"
    assert pipeline["last_success"]["id"] == operated.after_qualifying.run_id
    monkeypatch.setenv("UNDERCUT_JOB_STALE_HOURS", "0.00001")
    health = api.get("/health").json()
    assert health["status"] == "degraded"
    assert health["checks"]["pipeline"]["status"] == "degraded"
    assert "stale" in health["checks"]["pipeline"]["detail"]


def test_lineage_says_in_one_line_why_there_is_none(
    operated: Operated, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(operated.settings.local_dir)
    assert main(["runs", "--home", home, "--lineage", "2025:40"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"error: race 2025:40: not in the warehouse of {home} "
        "(see `undercut stats` or /api/v1/races for the races it holds)"
    ]

    assert main(["runs", "--home", home, "--lineage", "2025:18"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines() == [
        "no prediction of 2025:18 (Singapore Grand Prix) is recorded; `undercut run` "
        "predicts the next race with its lineage"
    ]
    assert main(["runs", "--home", home, "--lineage", "2025:18", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["reason"].startswith("no prediction of 2025:18")
    assert document["prediction"] is None and document["steps"] == []
    assert document["race"] == {"season": 2025, "round": 18}


def test_lineage_of_a_prediction_made_outside_the_pipeline_says_so(
    operated: Operated, capsys: pytest.CaptureFixture[str]
) -> None:
    from undercut.ml.predict import predict_race

    home = str(operated.settings.local_dir)
    predict_race(operated.settings, 2025, 19)  # what `undercut predict 2025 19` does
    assert main(["runs", "--home", home, "--lineage", "2025:19", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["reason"].startswith(
        f"prediction {document['prediction']['id']} was not made by a pipeline run"
    )
    assert document["prediction"]["model_version"] == latest_version(operated.settings)
    assert document["model"]["train_run_id"] == operated.first.run_id
    assert [s["name"] for s in document["steps"]] == ["train", "build", "update"]
    assert main(["runs", "--home", home, "--lineage", "2025:19"]) == 0
    assert "was not made by a pipeline run" in capsys.readouterr().out
