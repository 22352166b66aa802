"""The in-memory counter and the breaker (the grammar of limits: tests/unit/test_limits.py)."""

from __future__ import annotations

import pytest

from undercut.api.ratelimit import MemoryCounter


def test_memory_counter_counts_per_key_and_window() -> None:
    counter = MemoryCounter()
    assert [counter.hit("a", 60, 120.0) for _ in range(3)] == [1, 2, 3]
    assert counter.hit("b", 60, 120.5) == 1
    assert counter.hit("a", 60, 180.0) == 1  # next window starts afresh


def test_breaker_fails_fast_after_a_failure_then_retries() -> None:
    from undercut.api.breaker import Breaker
    from undercut.errors import SourceError

    breaker = Breaker("redis", pause=60)
    calls: list[int] = []

    def broken() -> int:
        calls.append(1)
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError):
        breaker.call(broken)
    with pytest.raises(SourceError, match="redis unavailable"):
        breaker.call(broken)
    assert len(calls) == 1  # the second call never reached the service
    breaker.open_until = 0.0  # the pause is over
    assert breaker.call(lambda: 7) == 7
