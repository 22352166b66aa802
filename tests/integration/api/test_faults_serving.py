"""Faults while `undercut serve` answers under load: a real server process, threads
hammering it, and the fault happening for real (a re-ingest and rebuild of the served home,
a Redis server killed and restarted, a burst of slow requests from one client).

Each asserts that no request got a 5xx and none went unanswered. Then the answers to a
cheap denial of service: a query past its time limit is cancelled (503 + Retry-After), and
query parameters no route reads cannot turn every request into a cache miss.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import signal
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as redis_client

from support.api import USER_PASSWORD, add_users
from support.jobs import BIN, RedisServer, cli_env, free_port, kill_group, start_cli, wait_for
from undercut.config import Settings, get_settings

pytestmark = pytest.mark.xdist_group("built_home")

SECRET = "a-test-secret-that-is-long-enough-for-production"
# Reads of gold (drivers, standings) and of silver (Ergast), different for every request
# so that each one reaches the served warehouse rather than the response cache.
SEASONS = range(1950, 2025)
DRIVERS = ("hamilton", "alonso", "max_verstappen", "vettel", "raikkonen", "button", "massa")


def _reads() -> Iterator[str]:
    n = 0
    while True:
        season = SEASONS[n % len(SEASONS)]
        yield f"/api/v1/standings/{season}/drivers"
        yield f"/api/v1/drivers/{DRIVERS[n % len(DRIVERS)]}?n={n}"
        yield f"/ergast/f1/{season}/results.json?limit=30&offset={n % 90}"
        n += 1


class Load:
    """Threads that read from the server until stopped, recording every answer."""

    def __init__(self, base: str, threads: int, headers: dict[str, str] | None = None) -> None:
        self.base = base
        self.headers = headers or {}
        self.answers: Counter[int] = Counter()
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            for path in _reads():
                if self._stop.is_set():
                    return
                try:
                    response = client.get(path)
                except httpx.HTTPError as exc:
                    with self._lock:
                        self.failures.append(f"{path}: {type(exc).__name__} {exc}")
                    continue
                with self._lock:
                    self.answers[response.status_code] += 1
                    if response.status_code >= 500:
                        self.failures.append(f"{path}: {response.status_code} {response.text}")

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.answers.values())


def _live(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health/live", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def serving(home: Path, log: Path, **env: str) -> Iterator[str]:
    """``undercut serve`` on a free port for ``home``; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = {
        "UNDERCUT_DATABASE_URL": f"sqlite:///{home / 'app.sqlite'}",
        "UNDERCUT_ENVIRONMENT": "production",
        "UNDERCUT_SECRET_KEY": SECRET,
        "UNDERCUT_LOG_LEVEL": "WARNING",
        "UNDERCUT_CACHE_SECONDS": "1",
        "UNDERCUT_RATE_LIMIT": "none",
        "UNDERCUT_MAX_CONCURRENT_PER_CLIENT": "0",
    }
    variables = cli_env(home, **{**settings, **env})
    server = start_cli(["serve", "--workers", "1", "--port", str(port)], variables, log)
    try:
        wait_for(lambda: server.poll() is not None or _live(base), 90, "undercut serve")
        assert server.poll() is None, log.read_text()
        yield base
    finally:
        kill_group(server, signal.SIGINT)


def _own_home(built: Settings, target: Path) -> Settings:
    """A copy of the session's built home that a test may re-ingest and rebuild."""
    shutil.copytree(built.local_dir, target)
    return get_settings(home=str(target))


def _health(base: str) -> dict[str, Any]:
    return httpx.get(f"{base}/health", timeout=10).json()  # type: ignore[no-any-return]


def _until(predicate: Callable[[], object], what: str, timeout: float = 60) -> None:
    wait_for(predicate, timeout, what, every=0.2)


def test_ingest_then_build_while_serving_under_load_never_answers_5xx(
    built_settings: Settings, archive_dir: Path, tmp_path: Path
) -> None:
    settings = _own_home(built_settings, tmp_path / "home")
    home = settings.local_dir
    env = cli_env(home)
    with serving(home, tmp_path / "serve.log") as base:
        before = _health(base)["checks"]["warehouse"]
        assert before["built"] is True and before["waiting"] is None
        assert "path" not in before and str(home) not in str(_health(base))
        with Load(base, threads=4) as load:
            _until(lambda: load.total > 20, "the load to start")
            again = ["ingest", "archive", "--source", str(archive_dir), "--force"]
            ingest = subprocess.run(
                [str(BIN / "undercut"), *again],
                env=env,
                capture_output=True,
                text=True,
            )
            assert ingest.returncode == 0, ingest.stderr
            # the re-ingested warehouse holds silver only: it waits, the built one answers
            _until(
                lambda: _health(base)["checks"]["warehouse"]["waiting"] is not None,
                "/health to report the unbuilt warehouse waiting",
            )
            waiting = _health(base)["checks"]["warehouse"]
            assert waiting["version"] == before["version"]
            served_during_wait = load.total
            _until(lambda: load.total > served_during_wait + 50, "reads of the held snapshot")
            build = subprocess.run(
                [str(BIN / "undercut"), "build"], env=env, capture_output=True, text=True
            )
            assert build.returncode == 0, build.stderr
            _until(
                lambda: _health(base)["checks"]["warehouse"]["version"] != before["version"],
                "the rebuilt warehouse to be served",
            )
            after_build = load.total
            _until(lambda: load.total > after_build + 50, "reads of the new snapshot")
        after = _health(base)["checks"]["warehouse"]
    print(f"\ningest + build under load: {dict(load.answers)} answers")
    assert not load.failures, load.failures[:5]
    assert set(load.answers) == {200}
    assert after["built"] is True and after["waiting"] is None
    assert after["built_at"] > before["built_at"]


def _login(base: str) -> str:
    response = httpx.post(
        f"{base}/auth/token", data={"username": "reader", "password": USER_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _anonymous(base: str, count: int) -> list[int]:
    with httpx.Client(base_url=base, timeout=30) as client:
        return [client.get("/api/v1/circuits/monza").status_code for _ in range(count)]


def _limits(base: str) -> dict[str, Any]:
    return _health(base)["checks"]["rate_limits"]  # type: ignore[no-any-return]


def test_redis_killed_and_restarted_under_load_keeps_limits_and_answers(
    built_settings: Settings, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    home = tmp_path / "home"
    home.mkdir()
    app_settings = built_settings.model_copy(
        update={"database_url": f"sqlite:///{home / 'app.sqlite'}"}
    )
    add_users(app_settings)
    try:
        with serving(
            built_settings.local_dir,
            tmp_path / "serve.log",
            UNDERCUT_DATABASE_URL=f"sqlite:///{home / 'app.sqlite'}",
            UNDERCUT_REDIS_URL=redis.url,
            UNDERCUT_RATE_LIMIT="8/1000d",  # anonymous: 8 requests for the whole test
            UNDERCUT_RATE_LIMIT_AUTHENTICATED="none",  # the load signs in
        ) as base:
            headers = {"Authorization": f"Bearer {_login(base)}"}  # 1 anonymous request
            assert _limits(base)["mode"] == "shared (redis)"
            with Load(base, threads=3, headers=headers) as load:
                _until(lambda: load.total > 20, "the load to start")
                redis.stop()
                # counted in this process alone now, from zero: 8 allowed, then refused
                while_down = _anonymous(base, 12)
                down = _health(base)
                redis.start()  # the same data directory: the shared counts are back
                _until(
                    lambda: _anonymous(base, 1) and _limits(base)["mode"] == "shared (redis)",
                    "limits to be shared again",
                )
                up = _health(base)
                after_restart = _anonymous(base, 10)
                served = load.total
                _until(lambda: load.total > served + 30, "reads after the restart")
            shared = redis_client.Redis.from_url(redis.url)
            counts = [int(shared.get(key) or 0) for key in shared.scan_iter(match="*rl:*ip:*")]
            shared.close()
    finally:
        redis.stop()
    print(f"\nRedis killed and restarted under load: {dict(load.answers)} answers")
    assert not load.failures, load.failures[:5]
    assert set(load.answers) == {200}
    assert down["status"] == "degraded" and down["checks"]["rate_limits"]["status"] == "degraded"
    assert while_down == [200] * 8 + [429] * 4
    assert up["checks"]["rate_limits"]["status"] == "ok" and up["checks"]["redis"]["status"] == "ok"
    # counted in Redis again: the budget left before the kill ran out there
    assert after_restart[-1] == 429 and counts and max(counts) > 8


def _burst(base: str, paths: list[str]) -> list[httpx.Response]:
    """Every path at once, each from its own thread (one anonymous client)."""
    answers: list[httpx.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(len(paths))

    def one(path: str) -> None:
        start.wait()
        response = httpx.get(base + path, timeout=120)
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=one, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def test_a_burst_of_uncached_requests_from_one_client_cannot_starve_the_others(
    built_settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    add_users(built_settings.model_copy(update={"database_url": f"sqlite:///{home / 'app.db'}"}))
    with serving(
        built_settings.local_dir,
        tmp_path / "serve.log",
        UNDERCUT_DATABASE_URL=f"sqlite:///{home / 'app.db'}",
        UNDERCUT_MAX_CONCURRENT_PER_CLIENT="2",
    ) as base:
        headers = {"Authorization": f"Bearer {_login(base)}"}
        # the expensive Ergast reads (no season), each page a different URL: all misses
        paths = [f"/ergast/f1/results.json?limit=100&offset={100 * n}" for n in range(16)]
        with Load(base, threads=1, headers=headers) as other:
            burst = _burst(base, paths)
            served = other.total
            _until(lambda: other.total > served + 5, "the other client's reads")
    statuses = Counter(r.status_code for r in burst)
    print(
        f"\nburst of {len(paths)} from one client: {dict(statuses)}; other client: "
        f"{dict(other.answers)}"
    )
    assert not other.failures and set(other.answers) == {200}
    assert set(statuses) == {200, 429}
    refused = [r for r in burst if r.status_code == 429]
    assert all(r.headers["retry-after"] == "1" for r in refused)
    assert all("in progress from this client" in r.json()["detail"] for r in refused)


def test_more_reads_at_once_than_threads_and_connections_all_answer_on_postgresql(
    built_settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    """A read that took its pooled connection in one thread and then waited for another
    to run in, while the threads waited for a connection, stalled both until the pool gave
    up: with two threads, a burst of 48 reads deadlocked the process. Each read now takes
    its connection in the thread that runs it, and gives it back there."""
    from undercut.serving.publish import publish
    from undercut.serving.store import SERVING_POOL

    publish(built_settings.model_copy(update={"database_url": postgres_url}))
    paths = [f"/api/v1/standings/{1950 + n}/drivers" for n in range(3 * SERVING_POOL)]

    async def burst(base: str) -> list[int | str]:
        limits = httpx.Limits(max_connections=len(paths))
        async with httpx.AsyncClient(base_url=base, timeout=20, limits=limits) as client:
            answers = await asyncio.gather(*map(client.get, paths), return_exceptions=True)
        return [getattr(a, "status_code", type(a).__name__) for a in answers]

    with serving(
        built_settings.local_dir,
        tmp_path / "serve.log",
        UNDERCUT_DATABASE_URL=postgres_url,
        UNDERCUT_SERVING_THREADS="2",
        UNDERCUT_CACHE_SECONDS="0",
    ) as base:
        first, second = asyncio.run(burst(base)), asyncio.run(burst(base))
    assert Counter(first + second) == {200: 2 * len(paths)}


def test_a_query_running_too_long_is_cancelled_with_503_and_retry_after(
    served: Settings,
) -> None:
    """PostgreSQL's own ``statement_timeout`` cancels a slow read; the client gets a 503
    that says so, with ``Retry-After`` and no database message."""
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    if not served.redis_url:
        pytest.skip("the snapshot's reads finish within any timer; see the next test")
    settings = served.model_copy(update={"serving_query_timeout": 0.001})
    paths = [
        # every season's results: the slow Ergast query without a season
        f"/ergast/f1/results.json?limit=100&offset={secrets.randbelow(20000)}",
        f"/api/v1/drivers?q={uuid.uuid4().hex[:12]}",  # a search no cache holds
    ]
    with TestClient(create_app(settings)) as client:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert int(response.headers["retry-after"]) >= 1
            assert "cancelled after 0.001s" in response.json()["detail"], response.text
            for internal in ("statement timeout", "canceling", "Error:"):
                assert internal not in response.text


def test_the_published_copy_is_looked_up_without_the_clients_timeout(served: Settings) -> None:
    """Under a timeout of a millisecond even the service's lookup of what was published
    would be cancelled now and then (under load), and a cancelled lookup read as an empty
    database answered 'run undercut publish': the lookup has its own connections."""
    from undercut.serving.store import PostgresStore, open_store

    if not served.redis_url:
        pytest.skip("the embedded profile has no published copy to look up")
    store = open_store(served.model_copy(update={"serving_query_timeout": 0.001}))
    assert isinstance(store, PostgresStore)
    with store.engine.connect() as clients, store.catalog.connect() as lookup:
        assert clients.exec_driver_sql("show statement_timeout").scalar() == "1ms"
        assert lookup.exec_driver_sql("show statement_timeout").scalar() == "0"
    assert store.version != "empty"


def test_a_snapshot_query_running_too_long_is_interrupted(built_settings: Settings) -> None:
    from undercut.serving.store import QueryTimeoutError, SnapshotStore

    store = SnapshotStore(built_settings.model_copy(update={"serving_query_timeout": 0.2}))
    assert store.load()
    with pytest.raises(QueryTimeoutError, match=r"cancelled after 0\.2s"), store.reader() as reader:
        reader.fetch("select count(*) from range(1000000000000)")  # hours, uninterrupted
    with store.reader() as reader:  # the next request's query runs as usual
        assert reader.fetch("select 1 as one") == [{"one": 1}]
    store.close()


def test_query_parameters_a_route_ignores_do_not_bypass_the_response_cache(
    served: Settings,
) -> None:
    import re

    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    def hits(client: TestClient) -> float:
        found = re.search(
            r'^undercut_response_cache_total\{result="hit"\} (\S+)$',
            client.get("/metrics").text,
            re.MULTILINE,
        )
        return float(found.group(1)) if found else 0.0

    with TestClient(create_app(served)) as client:
        first = client.get("/ergast/f1/2023/results.json?limit=5&cb=1")
        assert first.status_code == 200
        before = hits(client)
        same = client.get("/ergast/f1/2023/results.json?cb=2&limit=5")
        assert same.content == first.content and hits(client) == before + 1
        other = client.get("/ergast/f1/2023/results.json?limit=6&cb=3")
        assert other.status_code == 200 and hits(client) == before + 1  # a page of its own


def test_publish_never_replaces_a_built_copy_with_one_ingested_but_not_built(
    built_settings: Settings,
    loaded_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from support.services import postgres_database
    from undercut.cli import main

    with postgres_database() as url:
        monkeypatch.setenv("UNDERCUT_DATABASE_URL", url)
        assert main(["publish", "--home", str(built_settings.local_dir)]) == 0
        capsys.readouterr()
        code = main(["publish", "--home", str(loaded_settings.local_dir)])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1 and "run `undercut build`, then `undercut publish`" in err


def test_a_home_never_built_answers_gold_reads_with_a_plain_503(
    loaded_settings: Settings, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from support.api import api_settings
    from undercut.api.app import create_app

    settings = api_settings(loaded_settings, tmp_path / "app.sqlite")
    with TestClient(create_app(settings)) as client:
        silver = client.get("/ergast/f1/2023/results/1.json")
        gold = client.get("/api/v1/drivers/hamilton")
        health = client.get("/health").json()
    assert silver.status_code == 200
    assert gold.status_code == 503 and int(gold.headers["retry-after"]) >= 1
    assert gold.json()["detail"] == (
        "the served warehouse has no gold tables yet; run `undercut build`"
    )
    assert health["checks"]["warehouse"]["built"] is False
    assert health["checks"]["warehouse"]["status"] == "degraded"
    assert str(loaded_settings.local_dir) not in str(health)
