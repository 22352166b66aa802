"""`undercut serve --workers 2` as real processes: production settings, one rate limit
shared by every worker through Redis."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from support.jobs import cli_env, kill_group, start_serve, wait_for
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def test_worker_processes_share_one_rate_limit(
    built_settings: Settings, tmp_path: Path, redis_settings: dict[str, str]
) -> None:
    env = cli_env(
        built_settings.local_dir,
        UNDERCUT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}",
        UNDERCUT_REDIS_URL=redis_settings["redis_url"],
        UNDERCUT_REDIS_PREFIX=redis_settings["redis_prefix"],
        UNDERCUT_RATE_LIMIT="6/1000d",
        UNDERCUT_ENVIRONMENT="production",
        UNDERCUT_SECRET_KEY="a-test-secret-that-is-long-enough-for-production",
        UNDERCUT_LOG_LEVEL="WARNING",
    )
    server, base = start_serve(env, tmp_path / "serve.log", "--workers", "2")
    try:
        # a new connection each time, so the requests spread over the workers
        statuses = [
            httpx.get(
                f"{base}/api/v1/drivers/hamilton", headers={"Connection": "close"}
            ).status_code
            for _ in range(10)
        ]
        health = httpx.get(f"{base}/health").json()
    finally:
        kill_group(server, signal.SIGINT)
    assert statuses == [200] * 6 + [429] * 4
    assert health["status"] == "ok" and health["checks"]["redis"]["status"] == "ok"


def _sockets_on(port: int, *state: str) -> list[str]:
    """The sockets on ``port`` in ``state`` (``ss`` terms), a line each with its owner."""
    listing = subprocess.run(
        ["ss", "-tnpH", *state, f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return listing.splitlines()


def _processes_on(port: int, *state: str) -> Counter[str]:
    """How many of the sockets on ``port`` in ``state`` (``ss`` terms) each process
    holds."""
    return Counter(re.findall(r"pid=(\d+)", "\n".join(_sockets_on(port, *state))))


def _listening_workers(port: int) -> list[int]:
    """The worker processes listening on ``port``, once both are (each has a socket of its
    own, listening once the worker has started)."""
    found = wait_for(
        lambda: len(pids := _processes_on(port, "state", "listening")) == 2 and pids,
        60,
        "both workers listening",
    )
    assert isinstance(found, Counter)
    return sorted(int(pid) for pid in found)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreads on Linux")
def test_a_burst_of_keep_alive_clients_is_shared_by_a_busy_worker_and_an_idle_one(
    built_settings: Settings, tmp_path: Path
) -> None:
    """A burst of connections that arrives while one worker is busy (here: stopped) is
    shared between the two. With one shared socket the idle worker took all 32 and kept
    them (keep-alive) while the other idled once its work was done."""
    env = cli_env(
        built_settings.local_dir, UNDERCUT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}"
    )
    server, base = start_serve(env, tmp_path / "serve.log", "--workers", "2")
    port = int(base.rsplit(":", 1)[1])
    clients: list[socket.socket] = []
    try:
        workers = _listening_workers(port)
        os.kill(workers[0], signal.SIGSTOP)
        try:
            for _ in range(32):
                client = socket.create_connection(("127.0.0.1", port), timeout=30)
                client.sendall(
                    f"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
                )
                clients.append(client)
            time.sleep(1)  # time enough for the idle worker to take every connection it can
        finally:
            os.kill(workers[0], signal.SIGCONT)
        assert all(client.recv(4096).startswith(b"HTTP/1.1 200") for client in clients)
        spread = _processes_on(port, "state", "established")
    finally:
        for client in clients:
            client.close()
        kill_group(server, signal.SIGINT)
    assert set(spread) == {str(pid) for pid in workers}, spread
    assert min(spread.values()) >= 4, spread  # an even split by hash; 32/0 before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreads on Linux")
def test_a_killed_worker_is_replaced_and_the_other_answers_meanwhile(
    built_settings: Settings, tmp_path: Path
) -> None:
    """Once a dead worker's socket is closed, the kernel sends every new connection to the
    other worker; the replacement listens on a socket of its own once it has started.
    (Connections already queued on the dead worker's socket are reset, as are those it
    had accepted.)"""
    env = cli_env(
        built_settings.local_dir, UNDERCUT_DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}"
    )
    server, base = start_serve(env, tmp_path / "serve.log", "--workers", "2")
    port = int(base.rsplit(":", 1)[1])
    try:
        killed = _listening_workers(port)[0]
        os.kill(killed, signal.SIGKILL)
        # Counted as sockets, not by owner: a dying process's socket is listed for a moment
        # with no owner, and connections queued on it then are reset when it closes.
        wait_for(
            lambda: all(
                "pid=" in line and f"pid={killed}," not in line
                for line in _sockets_on(port, "state", "listening")
            ),
            30,
            "the killed worker's socket to close",
        )
        statuses = [
            httpx.get(f"{base}/health/live", headers={"Connection": "close"}).status_code
            for _ in range(10)
        ]
        replaced = wait_for(
            lambda: (
                len(found := _processes_on(port, "state", "listening")) == 2
                and str(killed) not in found
            ),
            60,
            "a replacement worker",
        )
    finally:
        kill_group(server, signal.SIGINT)
    assert statuses == [200] * 10
    assert replaced
