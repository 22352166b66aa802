"""What keeps the service fast from its first request: the warm-up before traffic, one
answer per cold URL however many clients ask at once, and the indexes and materialised
views `undercut publish` makes in PostgreSQL (made afresh by every publish)."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import duckdb
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from support.api import api_settings
from support.homes import copy_home
from undercut.api.app import create_app
from undercut.api.warmup import WARM_PATHS
from undercut.config import Settings
from undercut.serving.derived import MATERIALISED, derivations
from undercut.serving.publish import publish

pytestmark = pytest.mark.xdist_group("built_home")


def _cache(app: FastAPI, result: str) -> float:
    value = app.state.metrics.registry.get_sample_value(
        "undercut_response_cache_total", {"result": result}
    )
    return value or 0.0


def _served(app: FastAPI) -> float:
    return sum(
        sample.value
        for metric in app.state.metrics.registry.collect()
        if metric.name == "undercut_http_requests"
        for sample in metric.samples
        if sample.name == "undercut_http_requests_total"
    )


def test_a_warmed_app_answers_its_first_requests_from_the_cache(
    built_settings: Settings, tmp_path: Path
) -> None:
    app = create_app(api_settings(built_settings, tmp_path / "app.sqlite"), warm="testserver")
    frozen = gc.get_freeze_count()
    try:
        with TestClient(app) as client:
            assert gc.get_freeze_count() > frozen  # start-up's objects left out of collections
            hits = _cache(app, "hit")
            assert _served(app) == 0  # warming is not traffic: no request counted
            first = client.get("/ergast/f1/2023/results.json")
            assert first.status_code == 200
            assert _cache(app, "hit") == hits + 1
    finally:
        gc.unfreeze()
    assert "/ergast/f1/2023/results.json" in WARM_PATHS


def test_clients_asking_for_one_cold_url_at_once_share_one_answer(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = api_settings(built_settings, tmp_path / "app.sqlite", max_concurrent_per_client=0)
    app = create_app(settings)

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        ):
            answers = await asyncio.gather(
                *(client.get("/ergast/f1/2022/results.json") for _ in range(8))
            )
            return [answer.status_code for answer in answers]

    assert asyncio.run(burst()) == [200] * 8
    assert (_cache(app, "miss"), _cache(app, "hit")) == (1, 7)


def test_publish_indexes_and_materialises_views_afresh_each_time(
    built_settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    home = copy_home(built_settings, tmp_path / "home")
    settings = home.model_copy(update={"database_url": postgres_url})
    publish(settings)
    rating_sql = "select rating from serving.elo_current_drivers where id = 'max_verstappen'"
    with psycopg.connect(postgres_url) as conn:
        indexes = {
            (table, definition.split(" USING btree ")[1])
            for table, definition in conn.execute(
                "select tablename, indexdef from pg_indexes where schemaname = 'silver'"
            )
        }
        views = {
            name
            for (name,) in conn.execute(
                "select matviewname from pg_matviews where schemaname = 'serving'"
            )
        }
        tables = {
            name
            for (name,) in conn.execute(
                "select tablename from pg_tables where schemaname = 'serving'"
            )
        }
        derived_indexes = {
            (table, definition.split(" USING btree ")[1])
            for table, definition in conn.execute(
                "select tablename, indexdef from pg_indexes where schemaname = 'serving'"
            )
        }
        analysed = conn.execute(
            "select count(*) from pg_stat_user_tables "
            "where schemaname = 'silver' and relname = 'race_results' "
            "and coalesce(last_analyze, last_autoanalyze) is not null"
        ).fetchone()
        (before,) = conn.execute(rating_sql).fetchone()  # type: ignore[misc]
    assert ("race_results", "(driver_id, season, round)") in indexes
    assert ("driver_standings", "(season, round)") in indexes
    # the serving queries as materialised views; the Ergast queries' derived tables,
    # with their rendered items, as tables indexed on what they filter
    assert views == set(MATERIALISED)
    assert tables == {table.name for table in derivations() if not table.materialised}
    assert ("ergast_results", "(season, round)") in derived_indexes
    assert ("ergast_driver_standings", "(driver_id)") in derived_indexes
    assert analysed == (1,)

    # new data in the warehouse: the driver's newest rating moves up by 100
    with duckdb.connect(str(home.warehouse_path)) as con:
        con.execute(
            "update gold.driver_elo_history set rating_after = rating_after + 100 "
            "where driver_id = 'max_verstappen' and (season, round) = ("
            "select (season, round) from gold.driver_elo_history "
            "where driver_id = 'max_verstappen' order by season desc, round desc limit 1)"
        )
        con.execute("update silver.drivers set code = 'MAX' where driver_id = 'max_verstappen'")
    publish(settings)
    with psycopg.connect(postgres_url) as conn:
        (after,) = conn.execute(rating_sql).fetchone()  # type: ignore[misc]
    assert after == pytest.approx(before + 100)

    with TestClient(create_app(settings)) as client:  # /api/v1 reads the view
        ratings = client.get("/api/v1/ratings/drivers?limit=5").json()
        # the Ergast API reads the derived tables, made afresh from the new silver
        races = client.get("/ergast/f1/2023/1/results.json").json()["MRData"]["RaceTable"]
    assert races["Races"][0]["Results"][0]["Driver"]["code"] == "MAX"
    served = {row["id"]: row["rating"] for row in ratings}
    assert served["max_verstappen"] == pytest.approx(after)


def test_concurrent_reads_on_postgresql_reuse_their_connections(
    built_settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    """A process under load keeps its connections: a second burst of as many concurrent
    reads as the pool holds runs on the same PostgreSQL backends, none started for it."""
    import threading

    from undercut.serving.store import SERVING_POOL, open_store

    home = copy_home(built_settings, tmp_path / "home")
    settings = home.model_copy(update={"database_url": postgres_url})
    publish(settings)
    store = open_store(settings)
    barrier = threading.Barrier(SERVING_POOL)

    def burst() -> set[int]:
        pids: list[int] = []
        failures: list[BaseException] = []

        def read() -> None:
            try:
                with store.reader() as reader:
                    barrier.wait(timeout=30)  # every read holds its connection at once
                    pids.append(reader.fetch("select pg_backend_pid() as pid")[0]["pid"])
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=read) for _ in range(SERVING_POOL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures[0]
        return set(pids)

    try:
        first, second = burst(), burst()
    finally:
        store.close()
    assert len(first) == SERVING_POOL
    assert second == first


def test_a_read_that_finds_every_connection_busy_gives_up_as_503(
    built_settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    """A read waits for a pooled connection no longer than a query may run, then answers
    503 with Retry-After (a WarehouseError) rather than a 500 after half a minute."""
    import threading

    from undercut.errors import WarehouseError
    from undercut.serving.store import SERVING_POOL, open_store

    home = copy_home(built_settings, tmp_path / "home")
    settings = home.model_copy(update={"database_url": postgres_url, "serving_query_timeout": 1})
    publish(settings)
    store = open_store(settings)
    holding, release = threading.Barrier(SERVING_POOL + 1), threading.Event()

    def hold() -> None:
        with store.reader():
            holding.wait(timeout=30)
            release.wait(timeout=30)

    threads = [threading.Thread(target=hold) for _ in range(SERVING_POOL)]
    for thread in threads:
        thread.start()
    try:
        holding.wait(timeout=30)
        with pytest.raises(WarehouseError, match="busy"), store.reader():
            pass
    finally:
        release.set()
        for thread in threads:
            thread.join()
    with store.reader() as reader:  # the connections given back serve the next read
        assert reader.fetch("select 1 as one") == [{"one": 1}]
    store.close()
