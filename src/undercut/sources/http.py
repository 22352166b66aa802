"""The one HTTP layer every source client goes through.

It owns what all sources share: the User-Agent, timeouts, retries with exponential
backoff and jitter (on timeouts, connection errors, 429 and 5xx, honouring
``Retry-After``), and streaming downloads. Source clients add their own endpoints on top.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from undercut import __version__
from undercut.errors import SourceError

USER_AGENT = f"undercut/{__version__} (+https://github.com/undercut-f1/undercut)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 120.0


class RetryableHTTPError(Exception):
    """A response worth retrying (429/5xx); carries the server's ``Retry-After``."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")
        self.response = response
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableHTTPError | httpx.TimeoutException | httpx.TransportError)


def _wait(base: float) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(multiplier=base, max=30.0, jitter=base)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableHTTPError) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER_S)
        return float(backoff(state))

    return wait


def with_retries(attempts: int, base_wait: float = 0.5) -> Callable:
    """Decorator: retry a request function on transient failures."""
    return retry(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(max(1, attempts)),
        wait=_wait(base_wait),
        reraise=True,
    )


def make_client(timeout: float = 30.0, **kwargs: object) -> httpx.Client:
    """An ``httpx.Client`` with undercut's User-Agent and timeouts."""
    headers = {"User-Agent": USER_AGENT}
    headers.update(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
    return httpx.Client(
        timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=True, **kwargs
    )


def raise_for_retry(response: httpx.Response) -> None:
    if response.status_code in RETRY_STATUSES:
        raise RetryableHTTPError(response)


def download(
    url: str,
    dest: Path,
    *,
    timeout: float = 60.0,
    attempts: int = 4,
    base_wait: float = 0.5,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> str:
    """Stream ``url`` to ``dest``; return the file's sha256.

    Raises:
        SourceError: the server could not be reached or kept failing after retries,
            or answered with a non-retryable HTTP error (the message names the URL).
    """

    @with_retries(attempts, base_wait)
    def fetch() -> str:
        digest = hashlib.sha256()
        with make_client(timeout) as client, client.stream("GET", url) as response:
            raise_for_retry(response)
            if response.status_code >= 400:
                raise SourceError(f"{url}: HTTP {response.status_code}", url=url)
            total = response.headers.get("Content-Length")
            done = 0
            with dest.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(done, int(total) if total else None)
            if total is not None and done != int(total):
                raise httpx.RemoteProtocolError(f"short read: {done} of {total} bytes")
        return digest.hexdigest()

    try:
        return fetch()
    except RetryableHTTPError as exc:
        raise SourceError(f"{url}: {exc} (gave up after {attempts} attempts)", url=url) from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: {type(exc).__name__}: {exc}", url=url) from exc
