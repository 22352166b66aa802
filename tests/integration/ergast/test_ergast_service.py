"""The Ergast API as a long-running service: it never holds the warehouse file, so
``update``/``build`` can write while it serves, and it answers from the new data after."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from support.ergast import ergast_home, published
from support.jobs import wait_for
from undercut.api.app import create_app
from undercut.config import Settings, get_settings

pytestmark = pytest.mark.xdist_group("loaded_home")


def test_writers_are_never_locked_out_and_new_data_is_served(
    loaded_settings: Settings, api_responses_dir: Path, tmp_path: Path
) -> None:
    # No response cache: this is about the data the Ergast queries read.
    settings = ergast_home(
        loaded_settings,
        api_responses_dir,
        tmp_path / "home",
        serving_refresh_seconds=0,
        cache_seconds=0,
    )
    with TestClient(create_app(settings)) as client:

        def nationality() -> str:
            response = client.get("/ergast/f1/drivers/alonso.json")
            assert response.status_code == 200
            return response.json()["MRData"]["DriverTable"]["Drivers"][0]["nationality"]

        assert nationality() == "Spanish"
        # A writer opens the warehouse while the service is up (DuckDB allows no reader
        # of the file then, so this fails if the service kept it open).
        writer = duckdb.connect(str(settings.warehouse_path))
        try:
            writer.execute(
                "update silver.drivers set nationality = 'Asturian' where driver_id = 'alonso'"
            )
            # A schedule published ahead of its season does not make that season current.
            writer.execute(
                "insert into silver.races (season, round, circuit_id, race_name, race_date) "
                "values (2099, 1, 'bahrain', 'Bahrain Grand Prix', date '2099-03-01')"
            )
        finally:
            writer.close()
        wait_for(lambda: nationality() == "Asturian", timeout=30, what="the new warehouse")
        # results read a table derived from silver when the snapshot loads: made afresh
        races = client.get("/ergast/f1/2023/drivers/alonso/results.json").json()["MRData"]
        drivers = {
            race["Results"][0]["Driver"]["nationality"] for race in races["RaceTable"]["Races"]
        }
        assert drivers == {"Asturian"}
        future = client.get("/ergast/f1/2099.json").json()["MRData"]
        assert [race["raceName"] for race in future["RaceTable"]["Races"]] == ["Bahrain Grand Prix"]
        current = client.get("/ergast/f1/current.json").json()["MRData"]
        assert current["RaceTable"]["season"] == "2025"


def test_no_warehouse_is_a_503_with_a_json_error(tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path / "empty"), rate_limit="none")
    with TestClient(create_app(settings)) as client:
        response = client.get("/ergast/f1/2023/results")
    assert response.status_code == 503
    assert "undercut ingest archive" in response.json()["detail"]


def test_production_profile_serves_the_published_copy(
    loaded_settings: Settings,
    api_responses_dir: Path,
    tmp_path: Path,
    redis_settings: dict[str, str],
) -> None:
    """With the app database in PostgreSQL the Ergast queries read what `undercut publish`
    copied there (not the warehouse file), and Redis holds the response cache."""
    settings = ergast_home(loaded_settings, api_responses_dir, tmp_path / "home", **redis_settings)
    path = "/ergast/f1/2023/drivers/max_verstappen/results/1.json"
    with published(settings) as production, TestClient(create_app(production)) as client:
        assert client.app.state.store.kind == "postgresql"
        for _ in range(2):  # the second answer comes from the Redis response cache
            response = client.get(path)
            assert response.status_code == 200
            assert response.json()["MRData"]["total"] == "19"
    import redis

    cache = redis.Redis.from_url(redis_settings["redis_url"])
    try:
        keys = list(cache.scan_iter(match=redis_settings["redis_prefix"] + "cache:*"))
    finally:
        cache.close()
    assert any(path.encode() in key for key in keys)
