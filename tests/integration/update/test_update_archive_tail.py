"""Definition of done: a home whose archive lacks 2025 rounds 16-18, updated from an
Ergast-compatible API that has them, ends as if they had been in the archive."""

from __future__ import annotations

import json

import duckdb
import pytest

from support.ergast_replay import CUT_FIRST as FIRST_CUT
from support.ergast_replay import CUT_LAST as LAST_CUT
from support.ergast_replay import CUT_SEASON as SEASON
from support.ergast_replay import Handler
from support.httpserver import LocalServer
from undercut.cli import main
from undercut.config import Settings

TABLES = (
    "races",
    "race_results",
    "sprint_results",
    "qualifying",
    "pit_stops",
    "driver_standings",
    "constructor_standings",
    "constructor_results",
    "drivers",
    "constructors",
    "circuits",
    "statuses",
    "seasons",
    "lap_times",
)


def _counts(settings: Settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from silver.{t}").fetchone()[0]  # type: ignore[index]
            for t in TABLES
        }
    finally:
        con.close()


def _query(settings: Settings, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _document(out: str) -> dict:
    """The JSON summary (the in-process reference server logs to stdout too)."""
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


WINNERS = (
    "select round, driver_id, constructor_id from silver.race_results where season = ? "
    "and position_order = 1 order by round"
)
RESULTS = (
    "select round, driver_id, constructor_id, grid, position, position_text, "
    "position_order, points, laps, time_ms, fastest_lap, fastest_lap_time_ms, status "
    "from silver.race_results where season = ? and round >= ? order by all"
)


def test_update_restores_the_cut_races(
    fresh_home: Settings,
    built_settings: Settings,
    reference_api: Handler,
    capsys: pytest.CaptureFixture[str],
) -> None:
    full = built_settings
    before = _counts(fresh_home)
    assert before["race_results"] < _counts(full)["race_results"]

    with LocalServer(fallback=reference_api) as server:
        base = f"{server.url}/ergast/f1/"
        code = main(["update", "--home", fresh_home.home, "--base-url", base, "--format", "json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        summary = _document(captured.out)
        first_requests = list(server.requests)

        # Right after, everything is answered by the cache: no API call at all.
        code = main(["update", "--home", fresh_home.home, "--base-url", base, "--format", "json"])
        again = _document(capsys.readouterr().out)
        assert code == 0
        assert len(server.requests) == len(first_requests)

    cut = [f"{SEASON}:{r}" for r in range(FIRST_CUT, LAST_CUT + 1)]
    assert summary["races_added"] == cut
    assert summary["api_calls"] == len(first_requests) > 0
    assert summary["gold"] == "built"
    assert again["api_calls"] == 0 and again["from_cache"] > 0
    assert again["races_added"] == [] and again["changes"] == 0
    # Season-level pages were followed past the first page.
    assert any("offset=100" in path for path, _ in first_requests)
    assert all(h.get("user-agent", "").startswith("undercut/") for _, h in first_requests)

    assert _counts(fresh_home) == _counts(full)
    assert _query(fresh_home, WINNERS, [SEASON]) == _query(full, WINNERS, [SEASON])
    assert _query(fresh_home, RESULTS, [SEASON, FIRST_CUT]) == _query(
        full, RESULTS, [SEASON, FIRST_CUT]
    )

    # Standings recomputed in gold match the API's standings after each restored round.
    for rnd in range(FIRST_CUT, LAST_CUT + 1):
        for kind, key in (("driver", "Driver"), ("constructor", "Constructor")):
            path = f"/ergast/f1/{SEASON}/{rnd}/{kind}standings.json?limit=100"
            answer = json.loads(reference_api(path, {}).body)["MRData"]
            listing = answer["StandingsTable"]["StandingsLists"][0][f"{key}Standings"]
            expected = [
                (int(s["position"]), s[key][f"{kind}Id"], float(s["points"]), int(s["wins"]))
                for s in listing
            ]
            gold = _query(
                fresh_home,
                f"select position, {kind}_id, points, wins from gold.{kind}_standings "
                "where season = ? and round = ? order by position",
                [SEASON, rnd],
            )
            assert gold == expected, (kind, rnd)

    bronze = list((fresh_home.local_dir / "bronze" / "jolpica").rglob("*.json"))
    assert len(bronze) == len(first_requests)
