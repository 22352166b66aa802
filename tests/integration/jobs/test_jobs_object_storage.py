"""The lake and the model registry on S3 (`UNDERCUT_HOME=s3://bucket/prefix`), against an
S3-compatible server (moto's server mode) started on 127.0.0.1 for the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.jobs import free_port
from undercut.config import get_settings
from undercut.jobs import ledger
from undercut.jobs.options import JobOptions
from undercut.jobs.pipeline import run_pipeline

BUCKET = "undercut-lake"


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        import fsspec

        fsspec.get_filesystem_class("s3").clear_instance_cache()
        server.stop()


def _keys(endpoint: str) -> list[str]:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint)
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return keys


def test_pipeline_on_an_s3_home(s3_endpoint: str, archive_dir: Path, tmp_path: Path) -> None:
    home = f"s3://{BUCKET}/f1"
    settings = get_settings(home=home, cache_dir=str(tmp_path / "cache"))
    options = JobOptions(model_params={"min_season": 2021, "n_estimators": 20})
    report = run_pipeline(
        settings,
        ["ingest", "build", "train", "predict"],
        params={"archive": str(archive_dir)},
        options=options,
    )
    assert report.status == "succeeded", report.error
    assert report.steps == {
        "ingest": "succeeded",
        "build": "succeeded",
        "train": "succeeded",
        "predict": "succeeded",
    }
    steps = {s["name"]: s for s in ledger.get_run(settings, report.run_id)["steps"]}
    keys = _keys(s3_endpoint)
    content = steps["ingest"]["outputs"]["content_hash"]
    bronze = [k for k in keys if k.startswith(f"f1/bronze/archive/{content[:12]}")]
    assert any(k.endswith("/manifest.json") for k in bronze), keys
    assert any(k.endswith("/files/results.csv") for k in bronze), keys
    assert "f1/silver/race_results.parquet" in keys
    assert "f1/gold/race_starts.parquet" in keys
    version = steps["train"]["outputs"]["model_version"]
    assert f"f1/models/{version}/meta.json" in keys
    assert f"f1/models/{version}/model.onnx" in keys
    assert not any(key.startswith("f1/") and "warehouse.duckdb" in key for key in keys)
    assert settings.warehouse_path.is_relative_to(tmp_path / "cache")
    assert steps["predict"]["outputs"]["model_version"] == version

    # Another machine (another cache) sees the same registry, straight from S3.
    from undercut.ml.registry import Registry

    elsewhere = get_settings(home=home, cache_dir=str(tmp_path / "other-cache"))
    assert Registry.from_settings(elsewhere).latest() == version
    meta = Registry.from_settings(elsewhere).meta(version)
    assert meta["version"] == version

    again = run_pipeline(
        settings,
        ["ingest", "build", "train"],
        params={"archive": str(archive_dir)},
        options=options,
    )
    assert again.steps == {"ingest": "skipped", "build": "skipped", "train": "skipped"}
