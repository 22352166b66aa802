"""A constructor's career points are its constructors' championship points, the same figure
in the API and in gold.constructor_summary, checkable against the archive's own standings."""

from __future__ import annotations

import duckdb
import pytest
from fastapi.testclient import TestClient

from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def test_api_points_are_the_gold_constructor_points(
    client: TestClient, built_settings: Settings
) -> None:
    with duckdb.connect(str(built_settings.warehouse_path), read_only=True) as con:
        gold = dict(
            con.execute("select constructor_id, points from gold.constructor_summary").fetchall()
        )
    body = client.get("/api/v1/constructors", params={"limit": 1000}).json()
    served = {item["constructorId"]: item["points"] for item in body["items"]}
    assert body["total"] == len(served) == len(gold)
    assert served == pytest.approx(gold)


def test_ferrari_points_add_up_its_championship_seasons(
    client: TestClient, built_settings: Settings
) -> None:
    with duckdb.connect(str(built_settings.warehouse_path), read_only=True) as con:
        # Ferrari's points in the archive's own final standings of each season; the
        # drivers' points of the same races add up to about 1,000 more (pre-1958 seasons,
        # a team's points counting only its best car until 1979, dropped scores).
        (archive,) = con.execute(
            "select sum(s.points) from silver.constructor_standings as s "
            "inner join (select season, max(round) as round from silver.constructor_standings "
            "group by season) as last on last.season = s.season and last.round = s.round "
            "where s.constructor_id = 'ferrari' and s.season <= 2024"
        ).fetchone()
        (drivers,) = con.execute(
            "select sum(points) from silver.race_results "
            "where constructor_id = 'ferrari' and season <= 2024"
        ).fetchone()
        (season_2025,) = con.execute(
            "select coalesce(sum(points), 0) from gold.constructor_season_summary "
            "where constructor_id = 'ferrari' and season > 2024"
        ).fetchone()
    career = client.get("/api/v1/constructors/ferrari").json()["career"]
    through_2024 = career["points"] - season_2025
    # Every season agrees, 1975 included (72.5: half points in Spain and in Austria).
    assert through_2024 == pytest.approx(archive)
    assert through_2024 < drivers - 500
