"""The lake and the model registry on every object store undercut supports
(``UNDERCUT_HOME=s3://…``, ``az://…``, ``gs://…``), each against a real emulator started on
127.0.0.1 (moto's server, Azurite, gcp-storage-emulator) and configured only through the
provider's own environment variables.

One scenario per provider: the real archive ingested, gold built, a model trained and the
next race predicted, all written to the store; then read back through the API, the
registry seen from another machine's cache, and ``undercut doctor`` on the home.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.object_stores import ObjectStore
from undercut.api.app import create_app
from undercut.cli import main
from undercut.config import get_settings
from undercut.jobs import ledger
from undercut.jobs.options import JobOptions
from undercut.jobs.pipeline import run_pipeline
from undercut.ml.registry import Registry

SMALL_MODEL = JobOptions(model_params={"min_season": 2021, "n_estimators": 20})
STEPS = ["ingest", "build", "train", "predict"]


def test_pipeline_on_an_object_store_home(
    object_store: ObjectStore,
    archive_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with object_store.exported():
        home = object_store.new_home()
        settings = get_settings(home=home, cache_dir=str(tmp_path / "cache"))
        params = {"archive": str(archive_dir)}
        report = run_pipeline(settings, STEPS, params=params, options=SMALL_MODEL)
        assert report.status == "succeeded", report.error
        assert report.steps == dict.fromkeys(STEPS, "succeeded")

        steps = {s["name"]: s for s in ledger.get_run(settings, report.run_id)["steps"]}
        keys = object_store.keys(home)
        content = steps["ingest"]["outputs"]["content_hash"]
        bronze = [k for k in keys if k.startswith(f"bronze/archive/{content[:12]}")]
        assert any(k.endswith("/manifest.json") for k in bronze), keys
        assert any(k.endswith("/files/results.csv") for k in bronze), keys
        assert "silver/race_results.parquet" in keys
        assert "gold/race_starts.parquet" in keys
        version = steps["train"]["outputs"]["model_version"]
        assert f"models/{version}/meta.json" in keys
        assert f"models/{version}/model.onnx" in keys
        assert not any("warehouse.duckdb" in key for key in keys)
        assert settings.warehouse_path.is_relative_to(tmp_path / "cache")
        predicted = steps["predict"]["outputs"]
        assert predicted["model_version"] == version

        # Read back through the API, over that home.
        app_settings = settings.model_copy(update={"rate_limit": "none"})
        with TestClient(create_app(app_settings)) as client:
            hamilton = client.get("/api/v1/drivers/hamilton")
            assert hamilton.status_code == 200, hamilton.text
            assert hamilton.json()["career"]["wins"] == 105
            race = client.get(f"/api/v1/predictions/{predicted['season']}/{predicted['round']}")
            assert race.status_code == 200, race.text
            drivers = race.json()["drivers"]
            assert len(drivers) == predicted["drivers"] > 10
            assert sum(d["p_win"] for d in drivers) == pytest.approx(1, abs=1e-3)
            assert sum(d["p_podium"] for d in drivers) == pytest.approx(3, abs=1e-3)
            assert race.json()["model"]["version"] == version

        # Another machine (another cache) sees the same registry, straight from the store.
        elsewhere = get_settings(home=home, cache_dir=str(tmp_path / "other-cache"))
        assert Registry.from_settings(elsewhere).latest() == version
        assert Registry.from_settings(elsewhere).meta(version)["version"] == version

        capsys.readouterr()
        assert main(["doctor", "--home", home, "--format", "json"]) == 0
        doctor = json.loads(capsys.readouterr().out)
        assert doctor["status"] == "ok", doctor
        assert doctor["checks"]["lake"]["provider"] == object_store.provider
        assert doctor["checks"]["lake"]["location"] == home
        assert doctor["checks"]["lake_write"]["status"] == "ok"
        assert not any(".undercut-probe" in key for key in object_store.keys(home))

        again = run_pipeline(settings, STEPS[:3], params=params, options=SMALL_MODEL)
        assert again.steps == {"ingest": "skipped", "build": "skipped", "train": "skipped"}
