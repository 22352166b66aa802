"""Helpers for pipeline, worker and scheduler tests: archives over HTTP, processes, Redis."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from support.httpserver import Reply
from undercut.config import get_settings
from undercut.jobs.options import JobOptions

BIN = Path(sys.executable).parent


def zip_archive(archive_dir: Path, target: Path) -> bytes:
    """The real archive as the bytes of a zip, as the public URL serves it."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(archive_dir.iterdir()):
            archive.write(path, f"data/{path.name}")
    return target.read_bytes()


def zip_reply(body: bytes, delay: float = 0.0) -> Reply:
    return Reply(200, body, {"Content-Type": "application/zip"}, delay=delay)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def live(base: str) -> bool:
    """Whether ``undercut serve`` at ``base`` answers its liveness probe."""
    try:
        return httpx.get(f"{base}/health/live", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(
    predicate: Callable[[], object], timeout: float, what: str, every: float = 0.1
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNDERCUT_")}
    env.update(
        {
            "UNDERCUT_HOME": str(home),
            "UNDERCUT_HTTP_RETRIES": "1",
            "UNDERCUT_TEST_DATA": os.environ.get("UNDERCUT_TEST_DATA", ""),
            "COLUMNS": "200",
        }
    )
    env.update(extra)
    return env


def start_cli(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """An ``undercut`` process in its own session (so a group kill takes its children)."""
    handle = log.open("wb")
    return subprocess.Popen(
        [str(BIN / "undercut"), *args],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_serve(
    env: dict[str, str], log: Path, *args: str, timeout: float = 120
) -> tuple[subprocess.Popen[bytes], str]:
    """``undercut serve`` on a free port (plus ``args``), once it answers: the process and
    its base URL. Stop it with ``kill_group(process, signal.SIGINT)``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_cli(["serve", "--port", str(port), *args], env, log)
    try:
        wait_for(lambda: process.poll() is not None or live(base), timeout, "undercut serve")
        assert process.poll() is None, log.read_text()[-3000:]
    except BaseException:
        kill_group(process)
        raise
    return process, base


def kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    proc.wait(timeout=20)


class RedisServer:
    """A private redis-server on a free port (restartable without disturbing others)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        assert exe, "redis-server is not installed"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._ping, 10, "redis-server to accept connections")

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def restart(self, down_for: float = 1.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


class Workers:
    """``undercut worker`` processes sharing one queue; all killed at the end."""

    def __init__(
        self, tmp_path: Path, home: Path, redis_url: str, prefix: str, **extra: str
    ) -> None:
        self.tmp_path = tmp_path
        self.queue = f"undercut-test-{uuid.uuid4().hex[:10]}"
        self.options = JobOptions(
            queue=self.queue, heartbeat_seconds=1, visibility_timeout=6, requeue_after=30
        )
        self.env = cli_env(
            home,
            UNDERCUT_REDIS_URL=redis_url,
            UNDERCUT_REDIS_PREFIX=prefix,
            UNDERCUT_JOB_QUEUE=self.queue,
            UNDERCUT_JOB_HEARTBEAT_SECONDS="1",
            UNDERCUT_JOB_VISIBILITY_TIMEOUT="6",
            **extra,
        )
        self.settings = get_settings(home=str(home), redis_url=redis_url, redis_prefix=prefix)
        self.procs: list[Any] = []

    def start(self, name: str) -> Any:
        log = self.tmp_path / f"worker-{name}.log"
        proc = start_cli(["worker", "--loglevel", "INFO"], self.env, log)
        self.procs.append(proc)
        wait_for(lambda: " ready." in log.read_text(), 120, f"worker {name} to be ready")
        return proc

    def log(self, name: str) -> str:
        return (self.tmp_path / f"worker-{name}.log").read_text()

    def stop(self) -> None:
        for proc in self.procs:
            kill_group(proc)
