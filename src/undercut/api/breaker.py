"""Fail fast on a shared service that has just failed.

Rate limits and the response cache call Redis synchronously on every request. When Redis
is down or slow, each call would wait for its timeout; after one failure the breaker makes
further calls fail at once for ``pause`` seconds (callers then fall back: requests are
allowed, answers are computed), and the next call after the pause tries Redis again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from undercut.errors import SourceError

T = TypeVar("T")


class Breaker:
    def __init__(self, name: str, pause: float = 5.0) -> None:
        self.name = name
        self.pause = pause
        self.open_until = 0.0

    def _check(self) -> None:
        if time.monotonic() < self.open_until:
            raise SourceError(f"{self.name} unavailable; retrying in a few seconds")

    def call(self, fn: Callable[[], T]) -> T:
        self._check()
        try:
            return fn()
        except Exception:
            self.open_until = time.monotonic() + self.pause
            raise

    async def acall(self, fn: Callable[[], Awaitable[T]]) -> T:
        self._check()
        try:
            return await fn()
        except Exception:
            self.open_until = time.monotonic() + self.pause
            raise
