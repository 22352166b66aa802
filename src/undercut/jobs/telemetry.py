"""What Celery workers tell monitoring, through Redis: task outcomes and liveness.

Workers run on other machines and (with ``--concurrency`` above 1) in forked children, so
nothing they count in memory reaches the API's ``/metrics``. Instead each task's outcome
is added to one Redis hash and each worker keeps a heartbeat key alive; the API reads
both, and the queue's length, when Prometheus scrapes it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from undercut.config import Settings

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
HEARTBEAT_TTL = 3 * HEARTBEAT_SECONDS  # a worker missing three beats counts as down
_OUTCOMES = "metrics:tasks"
_WORKERS = "metrics:workers:"


def _client(settings: Settings) -> Any:
    import redis

    return redis.Redis.from_url(str(settings.redis_url), socket_timeout=2, socket_connect_timeout=2)


def queue_figures(client: Any, prefix: str, queue: str) -> dict[str, Any]:
    """The queue's length, the workers with a current heartbeat and the task outcomes
    (``(task, outcome) -> count``), read from Redis."""
    outcomes = {}
    for field, count in client.hgetall(prefix + _OUTCOMES).items():
        task, _, outcome = field.decode().partition("|")
        outcomes[(task, outcome)] = int(count)
    return {
        "queue_depth": int(client.llen(prefix + queue)),
        "workers": sum(1 for _ in client.scan_iter(match=prefix + _WORKERS + "*", count=100)),
        "outcomes": outcomes,
    }


class WorkerTelemetry:
    """Celery signal handlers of one ``undercut worker``: outcomes and a heartbeat."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefix = settings.redis_prefix
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._clients: dict[int, Any] = {}
        self._stop = threading.Event()

    def client(self) -> Any:
        """A Redis client of this process (pool children must not share the parent's)."""
        pid = os.getpid()
        if pid not in self._clients:
            self._clients[pid] = _client(self.settings)
        return self._clients[pid]

    def connect(self) -> None:
        """Hook into Celery's signals (strong references: the handlers are methods)."""
        from celery import signals

        signals.task_success.connect(self.on_success, weak=False)
        signals.task_failure.connect(self.on_failure, weak=False)
        signals.task_retry.connect(self.on_retry, weak=False)
        signals.task_revoked.connect(self.on_revoked, weak=False)
        signals.worker_ready.connect(self.on_ready, weak=False)
        signals.worker_shutdown.connect(self.on_shutdown, weak=False)

    def count(self, task: str, outcome: str) -> None:
        try:
            self.client().hincrby(self.prefix + _OUTCOMES, f"{task}|{outcome}", 1)
        except Exception as exc:  # monitoring never fails a task
            log.warning("task outcome not recorded in Redis: %s", exc)

    def on_success(self, sender: Any = None, result: Any = None, **_: Any) -> None:
        # a step task returns the step's status (succeeded, skipped, failed, ...)
        self.count(getattr(sender, "name", "?"), str(result) if result else "succeeded")

    def on_failure(self, sender: Any = None, **_: Any) -> None:
        self.count(getattr(sender, "name", "?"), "error")

    def on_retry(self, sender: Any = None, **_: Any) -> None:
        self.count(getattr(sender, "name", "?"), "retried")

    def on_revoked(self, sender: Any = None, request: Any = None, **_: Any) -> None:
        self.count(str(getattr(request, "task", None) or getattr(sender, "name", "?")), "revoked")

    def beat(self) -> None:
        try:
            self.client().set(self.prefix + _WORKERS + self.name, "1", ex=int(HEARTBEAT_TTL))
        except Exception as exc:
            log.warning("worker heartbeat not recorded in Redis: %s", exc)

    def on_ready(self, **_: Any) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                self.beat()
                self._stop.wait(HEARTBEAT_SECONDS)

        threading.Thread(target=loop, name="undercut-worker-heartbeat", daemon=True).start()

    def on_shutdown(self, **_: Any) -> None:
        self._stop.set()
        try:
            self.client().delete(self.prefix + _WORKERS + self.name)
        except Exception as exc:
            log.warning("worker heartbeat not removed from Redis: %s", exc)
