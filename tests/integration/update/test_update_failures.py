"""A bad answer in the middle of an update: the race it belongs to is rolled back, the
command exits 1 naming the URL, and the next run picks up where it stopped."""

from __future__ import annotations

import duckdb
import pytest

from support.ergast_replay import CUT_SEASON, Handler, file_name
from support.httpserver import LocalServer, Reply
from undercut.cli import main
from undercut.config import Settings


def _rounds(settings: Settings, table: str) -> list[int]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return [
            r[0]
            for r in con.execute(
                f"select distinct round from silver.{table} where season = ? and round >= 16 "
                "order by 1",
                [CUT_SEASON],
            ).fetchall()
        ]
    finally:
        con.close()


def _breaking(reference: Handler, broken: str, reply: Reply) -> Handler:
    def handle(path: str, headers: dict[str, str]) -> Reply:
        return reply if file_name(path) == broken else reference(path, headers)

    return handle


def test_truncated_answer_rolls_back_its_race_and_the_next_run_resumes(
    fresh_home: Settings, reference_api: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"/ergast/f1/{CUT_SEASON}/17/driverstandings.json?limit=100"
    body = reference_api(path, {}).body
    truncated = Reply(200, body[: len(body) // 2], {"Content-Type": "application/json"})
    with LocalServer(fallback=_breaking(reference_api, file_name(path), truncated)) as server:
        code = main(["update", "--home", fresh_home.home, "--base-url", f"{server.url}/ergast/f1/"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{server.url}{path}" in err and "malformed JSON" in err
    assert "Traceback" not in err
    # Round 16 was applied; round 17 left exactly as it was (nothing of it at all).
    for table in ("race_results", "qualifying", "driver_standings", "pit_stops"):
        assert _rounds(fresh_home, table) == [16], table

    with LocalServer(fallback=reference_api) as server:
        code = main(["update", "--home", fresh_home.home, "--base-url", f"{server.url}/ergast/f1/"])
        err = capsys.readouterr().err
    assert code == 0, err
    assert "races added: 2025:17, 2025:18" in err
    for table in ("race_results", "qualifying", "driver_standings", "pit_stops"):
        assert _rounds(fresh_home, table) == [16, 17, 18], table


def test_an_unreachable_api_fails_without_touching_the_warehouse(
    fresh_home: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_HTTP_RETRIES", "2")
    with LocalServer(fallback=lambda _p, _h: Reply(503, b"maintenance")) as server:
        url = f"{server.url}/ergast/f1/"
    # The server is gone: connection refused, retried, then one line naming the URL.
    code = main(["update", "--home", fresh_home.home, "--base-url", url])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{url}{CUT_SEASON}/races.json?limit=100" in err
    assert _rounds(fresh_home, "race_results") == []
