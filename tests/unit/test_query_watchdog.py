"""The one thread that cancels serving queries past their time limit (``store.Watchdog``)."""

from __future__ import annotations

import threading
import time

from undercut.serving.store import Watchdog


def test_a_query_past_its_limit_is_cancelled_and_a_finished_one_is_not() -> None:
    watchdog = Watchdog()
    slow, quick = threading.Event(), threading.Event()
    watchdog.watch(0.2, slow.set)
    ticket = watchdog.watch(0.2, quick.set)
    watchdog.done(ticket)
    assert slow.wait(5)
    time.sleep(0.3)
    assert not quick.is_set()


def test_a_shorter_limit_registered_later_is_kept_on_time() -> None:
    """The thread sleeps until the earliest deadline; a new, earlier one must wake it."""
    watchdog = Watchdog()
    late, early = threading.Event(), threading.Event()
    watchdog.watch(30, late.set)
    time.sleep(0.05)  # the thread now sleeps until the 30 s deadline
    started = time.monotonic()
    watchdog.watch(0.1, early.set)
    assert early.wait(5)
    assert time.monotonic() - started < 2
    assert not late.is_set()


def test_many_requests_at_once_each_get_their_answer() -> None:
    watchdog = Watchdog()
    cancelled: list[int] = []

    def request(number: int) -> None:
        for _ in range(200):
            ticket = watchdog.watch(60, lambda: cancelled.append(number))
            watchdog.done(ticket)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cancelled == []
    slow = threading.Event()
    watchdog.watch(0.05, slow.set)
    assert slow.wait(5)
