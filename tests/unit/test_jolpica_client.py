"""JolpicaClient against local servers: paging, retries, malformed answers, and the
recorded real responses parsed into silver rows."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from support.ergast_replay import files_replay
from support.httpserver import LocalServer, Reply
from undercut.errors import SourceError
from undercut.sources import jolpica_parse as parse
from undercut.sources.jolpica import JolpicaClient


def _client(server: LocalServer, **kwargs: object) -> JolpicaClient:
    options = {"limits": "none", "attempts": 3, "base_wait": 0.01, "timeout": 2.0, **kwargs}
    return JolpicaClient(f"{server.url}/ergast/f1/", **options)  # type: ignore[arg-type]


def _capped_laps(recorded: dict, cap: int):
    """Serve a recorded laps answer in pages of at most ``cap`` timings, whatever the
    client asks for, as a server with a lower maximum limit would."""
    race = recorded["MRData"]["RaceTable"]["Races"][0]
    timings = [(lap["number"], t) for lap in race["Laps"] for t in lap["Timings"]]

    def handle(path: str, headers: dict[str, str]) -> Reply:
        offset = int(dict(parse_qsl(urlsplit(path).query)).get("offset", 0))
        laps: list[dict] = []
        for number, timing in timings[offset : offset + cap]:
            if not laps or laps[-1]["number"] != number:
                laps.append({"number": number, "Timings": []})
            laps[-1]["Timings"].append(timing)
        page = json.loads(json.dumps(recorded))
        page["MRData"].update(limit=str(cap), offset=str(offset), total=str(len(timings)))
        page["MRData"]["RaceTable"]["Races"][0]["Laps"] = laps
        return Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json"})

    return handle, len(timings)


def test_pages_are_followed_and_a_race_split_over_pages_is_joined(api_responses_dir: Path) -> None:
    recorded = json.loads((api_responses_dir / "laps" / "2023@10@laps@1.json").read_text())
    handler, total = _capped_laps(recorded, cap=7)
    with LocalServer(fallback=handler) as server, _client(server) as client:
        fetched = client.laps(2023, 10)
        paths = [path for path, _ in server.requests]
    assert total == 20
    assert len(fetched.pages) == 3
    assert paths == [
        "/ergast/f1/2023/10/laps.json?limit=100",
        "/ergast/f1/2023/10/laps.json?limit=100&offset=7",
        "/ergast/f1/2023/10/laps.json?limit=100&offset=14",
    ]
    race = fetched.for_round(2023, 10)
    assert race is not None and len(race["Laps"]) == 1
    rows = parse.lap_rows(race)
    expected = recorded["MRData"]["RaceTable"]["Races"][0]["Laps"][0]["Timings"]
    assert [(r["driver_id"], r["position"]) for r in rows] == [
        (t["driverId"], int(t["position"])) for t in expected
    ]
    assert rows[0] == {
        "driver_id": "norris",
        "lap": 1,
        "position": 1,
        "time_text": "1:36.551",
        "time_ms": 96551,
        "source": "jolpica",
    }


def test_429_with_retry_after_then_500_then_timeout_are_retried(api_responses_dir: Path) -> None:
    body = (api_responses_dir / "races" / "2023@races.json").read_bytes()
    ok = Reply(200, body, {"Content-Type": "application/json"})
    routes = {
        "/ergast/f1/2023/races.json?limit=100": [
            Reply(429, b"slow down", {"Retry-After": "1"}),
            Reply(500, b"oops"),
            Reply(200, body, delay=3.0),  # longer than the client's 2 s timeout
            ok,
        ]
    }
    with LocalServer(routes) as server, _client(server, attempts=4) as client:
        fetched = client.schedule(2023)
    assert client.stats.retries == 3
    assert client.stats.network == 4
    assert len(fetched.items) == 22
    races = [parse.race_row(item) for item in fetched.items]
    assert races[0]["circuit_id"] == "bahrain" and str(races[0]["race_time"]) == "15:00:00"
    assert sum(1 for r in races if r["sprint_date"]) == 6


def test_gives_up_naming_the_url() -> None:
    routes = {"/ergast/f1/2024/races.json?limit=100": [Reply(503, b"down")]}
    with (
        LocalServer(routes) as server,
        _client(server) as client,
        pytest.raises(SourceError) as raised,
    ):
        client.schedule(2024)
    assert "/ergast/f1/2024/races.json?limit=100" in str(raised.value)
    assert "503" in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        b'{"MRData": {"xmlns": "", "series": "f1", "limit": "100", "offset": "0", "total": "2',
        b'{"detail": "Not found."}',
        b'{"MRData": {"limit": "100", "offset": "0", "total": "1", "RaceTable": {"Races": 3}}}',
    ],
)
def test_truncated_or_malformed_answers_are_errors_and_not_cached(
    body: bytes, tmp_path: Path
) -> None:
    routes = {"/ergast/f1/2024/results.json?limit=100": [Reply(200, body)]}
    with LocalServer(routes) as server, _client(server, cache_dir=tmp_path) as client:
        for _ in range(2):
            with pytest.raises(SourceError, match=r"/ergast/f1/2024/results\.json"):
                client.results(2024)
        assert client.stats.network == 2  # a bad body is never answered from the cache


def test_user_agent_and_cache(tmp_path: Path, api_responses_dir: Path) -> None:
    handler = files_replay(api_responses_dir)
    with LocalServer(fallback=handler) as server:
        with _client(server, cache_dir=tmp_path) as client:
            client.schedule(2023)
        with _client(server, cache_dir=tmp_path) as again:
            fetched = again.schedule(2023)
            assert again.stats.network == 0 and again.stats.from_cache == 1
        agents = {headers["user-agent"] for _, headers in server.requests}
    assert len(server.requests) == 1
    assert all(agent.startswith("undercut/") for agent in agents)
    assert fetched.total == len(fetched.items) == 22


def test_recorded_sprint_page_maps_onto_sprint_rows(api_responses_dir: Path) -> None:
    page = json.loads((api_responses_dir / "sprint" / "2023@sprint.json").read_text())
    races = page["MRData"]["RaceTable"]["Races"]
    rows = [row for race in races for row in parse.result_rows(race, "SprintResults")]
    assert len(rows) == int(page["MRData"]["limit"])
    winners = [r for r in rows if r["position_order"] == 1]
    assert winners and all(r["points"] == 8 for r in winners)
    assert all(r["status"] for r in rows)


def test_recorded_answers_map_onto_silver_rows(api_responses_dir: Path) -> None:
    with LocalServer(fallback=files_replay(api_responses_dir)) as server, _client(server) as client:
        pits = client.fetch("pitstops", 2023, 18)
        standings = client.fetch("driverstandings", 2023, 22)
    quali = json.loads(
        (api_responses_dir / "qualifying" / "2023@12@qualifying@1.json").read_text()
    )["MRData"]["RaceTable"]["Races"][0]
    q = parse.qualifying_rows(quali)
    assert q[0]["driver_id"] == "max_verstappen" and q[0]["q3_ms"] is not None
    stops = parse.pit_stop_rows(pits.items[0])
    assert all(s["duration_ms"] and s["duration_ms"] > 15000 for s in stops)
    rows = parse.standings_rows(standings.items[0], "driver")
    assert rows[0]["driver_id"] == "max_verstappen" and rows[0]["wins"] == 19


def test_duration_ms_matches_the_sql_rule() -> None:
    assert parse.duration_ms("1:34:50.616") == 5690616
    assert parse.duration_ms("1:27.452") == 87452
    assert parse.duration_ms("27.452") == 27452
    assert parse.duration_ms("+1 Lap") is None and parse.duration_ms(None) is None
