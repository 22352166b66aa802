"""What monitoring sees of `undercut serve --workers 2` (real processes, Redis): one
/metrics for every worker, cache keys that ignore parameters no route reads, the business
metrics, the Grafana dashboard's queries, and Debian's Prometheus scraping it all with the
repository's rules loaded."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from support.jobs import cli_env, kill_group, start_serve, wait_for
from support.monitoring import (
    MONITORING,
    PrometheusServer,
    dashboard_queries,
    exported_names,
    metric_names_in,
    total,
)
from support.services import redis_prefix
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

CLOSE = {"Connection": "close"}  # a new connection each time: requests spread over workers


@pytest.fixture(scope="module")
def server(
    predicted: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """``undercut serve --workers 2`` over the predicted home (a copy of its app database:
    stored and scored predictions), caches and limits in Redis."""
    settings: Settings = predicted["settings"]
    tmp = tmp_path_factory.mktemp("monitoring")
    app_db = tmp / "app.sqlite"
    with (
        closing(sqlite3.connect(settings.local_dir / "app.sqlite")) as source,
        closing(sqlite3.connect(app_db)) as copy,
    ):
        source.backup(copy)
    with redis_prefix() as redis:
        env = cli_env(
            settings.local_dir,
            UNDERCUT_DATABASE_URL=f"sqlite:///{app_db}",
            UNDERCUT_REDIS_URL=redis["redis_url"],
            UNDERCUT_REDIS_PREFIX=redis["redis_prefix"],
            UNDERCUT_RATE_LIMIT="none",
            UNDERCUT_MAX_CONCURRENT_PER_CLIENT="0",
            UNDERCUT_LOG_LEVEL="WARNING",
        )
        process, base = start_serve(env, tmp / "serve.log", "--workers", "2")
        try:
            yield {"url": base, "port": base.rsplit(":", 1)[1], "tmp": tmp, **predicted}
        finally:
            kill_group(process, signal.SIGINT)


def _metrics(base: str) -> str:
    return httpx.get(f"{base}/metrics", headers=CLOSE, timeout=10).text


def test_metrics_count_the_requests_of_every_worker(server: dict[str, Any]) -> None:
    base = server["url"]
    route = "/api/v1/next-race"
    before = total(_metrics(base), "undercut_http_requests_total", route=route)
    for _ in range(12):
        assert httpx.get(base + route, headers=CLOSE).status_code == 200
    # whichever worker answers the scrape, it reports all twelve
    counts = [
        total(_metrics(base), "undercut_http_requests_total", route=route) - before
        for _ in range(4)
    ]
    assert counts == [12.0] * 4


@pytest.mark.parametrize(
    "path",
    ["/ergast/f1/2021/results.json?limit=5", "/api/v1/drivers?limit=3&sort=-wins"],
)
def test_parameters_no_route_reads_do_not_bypass_the_cache(
    server: dict[str, Any], path: str
) -> None:
    base = server["url"]
    first = httpx.get(f"{base}{path}&cb=1", headers=CLOSE)
    assert first.status_code == 200
    hits = total(_metrics(base), "undercut_response_cache_total", result="hit")
    stores = total(_metrics(base), "undercut_response_cache_total", result="store")
    again = httpx.get(f"{base}{path}&cb=2", headers=CLOSE)
    assert again.content == first.content
    after = _metrics(base)
    assert total(after, "undercut_response_cache_total", result="hit") == hits + 1
    assert total(after, "undercut_response_cache_total", result="store") == stores
    # a parameter the route reads is part of the key: its own entry
    other = httpx.get(f"{base}{path.replace('limit=', 'limit=1')}&cb=3", headers=CLOSE)
    assert other.status_code == 200 and other.content != first.content
    assert total(_metrics(base), "undercut_response_cache_total", result="store") == stores + 1


def test_an_ergast_answer_from_the_cache_names_the_host_it_was_asked_on(
    server: dict[str, Any],
) -> None:
    path = server["url"] + "/ergast/f1/2022/results.json?limit=2"
    for host in ("a.example", "b.example", "a.example"):
        answer = httpx.get(path, headers={"Host": host, **CLOSE}).json()
        assert answer["MRData"]["url"] == f"http://{host}/ergast/f1/2022/results.json"


def test_business_metrics_describe_predictions_accuracy_and_freshness(
    server: dict[str, Any],
) -> None:
    base = server["url"]
    text = _metrics(base)
    version = server["version"]
    generated = total(text, "undercut_predictions_generated_total", model_version=version)
    assert generated == total(text, "undercut_predictions_stored") >= 2
    # the last race was scored (a hindcast): the gauge is the mean of its accuracy rows
    rows = httpx.get(f"{base}/api/v1/accuracy?kind=hindcast").json()
    assert rows, "the predicted home has a scored prediction"
    expected = sum(r["winner_log_loss"] for r in rows) / len(rows)
    gauge = total(text, "undercut_prediction_accuracy", kind="hindcast", metric="winner_log_loss")
    assert gauge == pytest.approx(expected)
    assert total(text, "undercut_prediction_accuracy_races", kind="hindcast") == len(rows)
    backtest = httpx.get(f"{base}/api/v1/backtest").json()["models"]["grid_slot"]
    assert total(
        text, "undercut_prediction_backtest_accuracy", model="grid_slot", metric="win_brier"
    ) == pytest.approx(backtest["win_brier"])
    # the served data ends at 2025 round 18, so the next race is long overdue
    assert total(text, "undercut_data_results_overdue_seconds") > 86400
    for name in ("undercut_job_queue_depth", "undercut_job_workers", "undercut_job_tasks_total"):
        assert f"# TYPE {name} " in text, name


def test_every_dashboard_and_alert_query_reads_metrics_undercut_exports(
    server: dict[str, Any],
) -> None:
    base = server["url"]
    httpx.get(f"{base}/ergast/f1/2023/results.json")  # a cache operation and a request
    exported = exported_names(_metrics(base))
    queries = list(dashboard_queries())
    assert len(queries) >= 7
    rules = yaml.safe_load((MONITORING / "rules" / "undercut.rules.yml").read_text())
    recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    queries += [
        (r.get("alert") or r["record"], r["expr"]) for g in rules["groups"] for r in g["rules"]
    ]
    known = exported | recorded | {"up"}  # `up`: Prometheus's own, per target
    unknown = {
        (title, name)
        for title, expr in queries
        for name in metric_names_in(expr)
        if name not in known
    }
    assert not unknown, unknown


def test_prometheus_scrapes_the_service_and_loads_the_rules(
    server: dict[str, Any], tmp_path: Path
) -> None:
    with PrometheusServer(tmp_path / "prometheus", [f"127.0.0.1:{server['port']}"]) as prom:

        def target_up() -> bool:
            active = prom.api("targets")["activeTargets"]
            return bool(active) and all(t["health"] == "up" for t in active)

        try:
            wait_for(target_up, 60, "prometheus to scrape undercut", every=0.5)
        except AssertionError:
            raise AssertionError(f"{prom.api('targets')}\n{prom.log()}") from None
        groups = {g["name"]: g for g in prom.api("rules")["groups"]}
        alerts = {r["name"] for g in groups.values() for r in g["rules"] if r["type"] == "alerting"}
        assert {
            "UndercutHighErrorRate",
            "UndercutSlowRequests",
            "UndercutApiDown",
            "UndercutWorkersDown",
            "UndercutResultsOverdue",
            "UndercutPredictionsWorseThanGrid",
        } <= alerts
        value = wait_for(
            lambda: prom.api("query?query=undercut_data_results_overdue_seconds")["result"],
            30,
            "a scraped business metric",
        )
        assert float(value[0]["value"][1]) > 86400  # type: ignore[index]
