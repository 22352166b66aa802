"""What the service adds around the data, in both profiles: HTTP caching, health, metrics,
request ids, stored predictions and their accuracy."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def test_reads_carry_etags_and_revalidate_to_304(client: TestClient) -> None:
    first = client.get("/api/v1/drivers/hamilton")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = client.get("/api/v1/drivers/hamilton", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get("/api/v1/drivers/hamilton", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.json() == first.json()
    ergast = client.get("/ergast/f1/2023/driverStandings.json")
    assert ergast.status_code == 200 and "etag" in ergast.headers
    assert (
        client.get(
            "/ergast/f1/2023/driverStandings.json",
            headers={"If-None-Match": ergast.headers["etag"]},
        ).status_code
        == 304
    )


def test_private_and_live_answers_are_not_shared(client: TestClient) -> None:
    accuracy = client.get("/api/v1/accuracy")
    assert accuracy.status_code == 200 and accuracy.headers["cache-control"] == "no-cache"
    assert client.get("/health").headers["cache-control"] == "no-store"
    token = client.post("/auth/token", data={"username": "x", "password": "y"})
    assert "etag" not in token.headers


def test_health_reports_each_dependency(client: TestClient, served: Settings) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    expected_dialect = "postgresql" if served.redis_url else "sqlite"
    assert checks["app_database"] == {
        **checks["app_database"],
        "status": "ok",
        "dialect": expected_dialect,
    }
    warehouse = checks["warehouse"]
    assert warehouse["status"] == "ok"
    assert warehouse["source"] == ("postgresql" if served.redis_url else "snapshot")
    newest = client.get("/api/v1/seasons/2025/races").json()["races"]
    last = max(r["round"] for r in newest if r["has_result"])
    assert (warehouse["last_race"]["season"], warehouse["last_race"]["round"]) == (2025, last)
    raced = datetime.fromisoformat(warehouse["last_race"]["date"]).date()
    assert warehouse["age_days"] == (datetime.now(UTC).date() - raced).days
    assert ("redis" in checks) == bool(served.redis_url)
    if served.redis_url:
        assert checks["redis"]["status"] == "ok"


def test_metrics_count_requests_by_route_and_status(client: TestClient) -> None:
    for driver in ("alonso", "vettel", "vettel", "nobody"):  # the 2nd vettel: a cache hit
        client.get(f"/api/v1/drivers/{driver}")
    text = client.get("/metrics").text
    ok = re.search(
        r'undercut_http_requests_total\{method="GET",'
        r'route="/api/v1/drivers/\{driver_id\}",status="200"\} (\d+)',
        text,
    )
    assert ok is not None and float(ok.group(1)) >= 2
    assert re.search(
        r'undercut_http_requests_total\{method="GET",'
        r'route="/api/v1/drivers/\{driver_id\}",status="404"\} 1',
        text,
    )
    assert 'undercut_http_request_duration_seconds_bucket{le="0.05",method="GET",' in text
    age = re.search(r"^undercut_data_last_race_age_seconds (\S+)$", text, re.MULTILINE)
    assert age is not None and float(age.group(1)) >= 0
    assert re.search(
        r'^undercut_data_last_race_info\{round="\d+",season="2025"\} 1', text, re.MULTILINE
    )
    assert re.search(r"^undercut_predictions_stored \d", text, re.MULTILINE)
    assert re.search(r'^undercut_response_cache_total\{result="hit"\} \d', text, re.MULTILINE)


def test_every_request_has_an_id_in_header_and_log(client: TestClient) -> None:
    with structlog.testing.capture_logs() as logs:
        mine = client.get("/api/v1/circuits/monza", headers={"X-Request-ID": "trace-42"})
        theirs = client.get("/api/v1/circuits/monza", headers={"X-Request-ID": "bad id\n!"})
    assert mine.headers["x-request-id"] == "trace-42"
    generated = theirs.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    lines = [e for e in logs if e["event"] == "request"]
    assert [e["request_id"] for e in lines] == ["trace-42", generated]
    assert lines[0]["route"] == "/api/v1/circuits/{circuit_id}" and lines[0]["status"] == 200


def test_stored_predictions_are_served_as_written_and_scored(
    client: TestClient, served: Settings
) -> None:
    from support.api import uniform_prediction
    from undercut.appdb.predictions import store_prediction
    from undercut.ml.evaluate import evaluate_finished

    results = client.get("/api/v1/races/2023/1/results").json()["results"]
    document = uniform_prediction(client, 2023, 1, "forecast", "api-test-uniform", "2022:22")
    assert document["race"] == "Bahrain Grand Prix"
    store_prediction(served, document, "input-hash")
    served_doc = client.get("/api/v1/predictions/2023/1")
    assert served_doc.status_code == 200 and served_doc.json() == document
    comparison = client.get("/api/v1/predictions/2023/1/comparison").json()
    assert comparison["actual"][0]["driverId"] == results[0]["driverId"]
    assert abs(sum(d["p_win"] for d in served_doc.json()["drivers"]) - 1) < 1e-9

    evaluate_finished(served)
    rows = client.get("/api/v1/accuracy", params={"model_version": "api-test-uniform"}).json()
    assert [(r["season"], r["round"]) for r in rows] == [(2023, 1)]
    assert rows[0]["win_brier"] > 0 and rows[0]["mae_position"] > 0
    assert client.get("/api/v1/accuracy", params={"model_version": "no-such"}).json() == []
    summary = {s["model_version"]: s for s in client.get("/api/v1/accuracy/models").json()}
    mine = summary["api-test-uniform"]
    assert mine["races"] == 1 and mine["first_race"] == mine["last_race"] == "2023:1"
    assert mine["win_brier"] == rows[0]["win_brier"] and mine["kind"] == "forecast"

    # a hindcast of the same race, stored later: it never stands in for the forecast, and
    # it is scored apart from it
    hindcast = uniform_prediction(client, 2023, 1, "hindcast", "api-test-hindcast", "2022:22")
    store_prediction(served, hindcast, "input-hash")
    assert client.get("/api/v1/predictions/2023/1").json() == document
    evaluate_finished(served)
    kinds = {(r["model_version"], r["kind"]) for r in client.get("/api/v1/accuracy").json()}
    assert {("api-test-uniform", "forecast"), ("api-test-hindcast", "hindcast")} <= kinds
    forecasts = client.get("/api/v1/accuracy", params={"kind": "forecast"}).json()
    assert "api-test-hindcast" not in {r["model_version"] for r in forecasts}
    summaries = client.get("/api/v1/accuracy/models").json()
    assert {"model_version": "api-test-hindcast", "kind": "hindcast"}.items() <= next(
        s for s in summaries if s["model_version"] == "api-test-hindcast"
    ).items()
    assert client.get("/api/v1/accuracy", params={"kind": "guess"}).status_code == 422
    metrics = client.get("/metrics").text
    stored = re.search(r"^undercut_predictions_stored (\S+)$", metrics, re.MULTILINE)
    assert stored is not None and float(stored.group(1)) >= 1


def test_health_is_503_without_a_warehouse(tmp_path: Path) -> None:
    from undercut.api.app import create_app
    from undercut.config import get_settings

    with TestClient(create_app(get_settings(home=str(tmp_path)))) as client:
        response = client.get("/health")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down" and body["checks"]["warehouse"]["status"] == "down"
        assert "no warehouse" in body["checks"]["warehouse"]["error"]
        assert body["checks"]["app_database"]["status"] == "ok"
        unavailable = client.get("/api/v1/drivers/hamilton")
        assert unavailable.status_code == 503
        assert unavailable.json()["error"] == "warehouse_unavailable"
        assert client.get("/health/live").json() == {"status": "ok"}


def test_a_rebuilt_warehouse_is_served_without_a_restart(
    built_settings: Settings, tmp_path: Path
) -> None:
    """Cached answers outlive nothing: with a server cache far longer than the wait, the
    first request after the new data is loaded gets it, on both API families."""
    import duckdb

    from support.api import api_settings
    from support.homes import copy_home
    from undercut.api.app import create_app

    home = copy_home(built_settings, tmp_path / "home")
    settings = api_settings(
        home, tmp_path / "app.sqlite", serving_refresh_seconds=0.0, cache_seconds=3600
    )
    paths = ("/api/v1/circuits/monza", "/ergast/f1/circuits/monza.json")

    def name(response: Any) -> str:
        body = response.json()
        if "MRData" in body:
            return str(body["MRData"]["CircuitTable"]["Circuits"][0]["circuitName"])
        return str(body["name"])

    with TestClient(create_app(settings)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        before = {p: client.get(p) for p in paths}
        for path in paths:  # now cached
            assert client.get(path).headers["etag"] == before[path].headers["etag"]
        served_version = store.version
        with duckdb.connect(str(home.warehouse_path)) as con:  # what a build would write
            for table in ("silver.circuits", "gold.circuit_summary"):
                con.execute(
                    f"update {table} set circuit_name = 'Monza (renamed)' "
                    "where circuit_id = 'monza'"
                )
        deadline = time.monotonic() + 60
        after: dict[str, Any] = {}
        while time.monotonic() < deadline:
            loaded = store.version != served_version  # the new data is in memory
            after = {p: client.get(p) for p in paths}
            if loaded:  # then the very next answers are the new data, cache or not
                assert [name(r) for r in after.values()] == ["Monza (renamed)"] * 2
            if all(name(r) == "Monza (renamed)" for r in after.values()):
                break
            time.sleep(0.05)
        assert [name(r) for r in after.values()] == ["Monza (renamed)"] * 2
        for path in paths:
            assert after[path].headers["etag"] != before[path].headers["etag"]
