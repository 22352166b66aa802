"""The one HTTP layer every source client goes through.

It owns what all sources share, so that each ``<Source>Client`` only knows its endpoints:

- the User-Agent naming undercut, timeouts, redirects;
- client-side rate limits, written as a table (``"4/s;500/h"``, or ``"none"`` against a
  local mirror) and applied in exactly one place, below the cache, so answers served
  from the cache never spend the budget;
- an on-disk HTTP cache (hishel, RFC 9111: ``max-age``, ``ETag``/``Last-Modified``
  revalidation). A response the server sends without any freshness information is kept
  fresh for ``fresh_for`` seconds, so running a command twice in a row costs no calls;
- retries with exponential backoff and jitter on timeouts, connection errors, 429 and
  5xx, honouring ``Retry-After``;
- counters (network calls, answers from the cache, retries) that commands report.

Compose, don't inherit::

    api = ApiClient("https://api.example/v1/", limits="4/s;500/h", cache_dir=path)
    payload = api.get_json("seasons", params={"limit": 100})
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Self, TypedDict

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from undercut import __version__
from undercut.config import Settings
from undercut.errors import InputError, SourceError
from undercut.limits import RateLimit, parse_limits

USER_AGENT = f"undercut/{__version__} (+https://github.com/undercut-f1/undercut)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 120.0
DEFAULT_FRESH_S = 600.0
DEFAULT_MAX_LIMIT_WAIT_S = 120.0


class RetryableHTTPError(Exception):
    """A response worth retrying (429/5xx); carries the server's ``Retry-After``."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")
        self.response = response
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))


class RateLimitError(SourceError):
    """Honouring a limit would mean waiting longer than the caller allows."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- rate limits


class RateLimiter:
    """Sliding-window limiter over every rule of a limits table.

    ``acquire`` blocks until a request is allowed by every rule; when that would take
    longer than ``max_wait`` it raises instead of freezing a command for an hour.
    """

    def __init__(
        self,
        limits: tuple[RateLimit, ...],
        *,
        max_wait: float = DEFAULT_MAX_LIMIT_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0

    def _delay(self, now: float) -> float:
        longest = max((rule.per_seconds for rule in self.limits), default=0.0)
        while self._sent and self._sent[0] <= now - longest:
            self._sent.popleft()
        delay = 0.0
        history = list(self._sent)
        for rule in self.limits:
            recent = [t for t in history if t > now - rule.per_seconds]
            if len(recent) >= rule.calls:
                delay = max(delay, recent[-rule.calls] + rule.per_seconds - now)
        return delay

    def acquire(self, what: str = "request") -> float:
        """Wait until one more request is allowed; return the seconds waited.

        Raises:
            RateLimitError: the wait would exceed ``max_wait``.
        """
        if not self.limits:
            return 0.0
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                delay = self._delay(now)
                if delay <= 0:
                    self._sent.append(now)
                    self.waited += waited
                    return waited
                if waited + delay > self.max_wait:
                    table = ";".join(str(rule) for rule in self.limits)
                    raise RateLimitError(
                        f"{what}: client rate limit {table} reached; the next call is "
                        f"allowed in {delay:.0f}s (set UNDERCUT_*_LIMITS to change it)",
                        url=what,
                    )
                self._sleep(delay)
                waited += delay


# --------------------------------------------------------------------------- transport


@dataclass
class CallStats:
    """What a client cost: network calls, answers from the cache, retries, waits."""

    network: int = 0
    from_cache: int = 0
    revalidated: int = 0
    retries: int = 0
    limit_wait_s: float = 0.0
    urls: list[str] = field(default_factory=list)

    def __add__(self, other: CallStats) -> CallStats:
        """The cost of two clients together (a source that spans several APIs)."""
        return CallStats(
            network=self.network + other.network,
            from_cache=self.from_cache + other.from_cache,
            revalidated=self.revalidated + other.revalidated,
            retries=self.retries + other.retries,
            limit_wait_s=self.limit_wait_s + other.limit_wait_s,
            urls=self.urls + other.urls,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "api_calls": self.network,
            "from_cache": self.from_cache,
            "revalidated": self.revalidated,
            "retries": self.retries,
            "rate_limit_wait_s": round(self.limit_wait_s, 3),
        }


class _PoliteTransport(httpx.BaseTransport):
    """The network side of the cache: rate limit, count, and default freshness.

    Sits below the cache, so only requests that really go out are limited and counted.
    A successful response without ``Cache-Control``/``Expires`` gets
    ``Cache-Control: max-age=fresh_for`` so the cache may answer repeats for that long.
    """

    def __init__(
        self, inner: httpx.BaseTransport, limiter: RateLimiter, stats: CallStats, fresh_for: float
    ) -> None:
        self.inner = inner
        self.limiter = limiter
        self.stats = stats
        self.fresh_for = fresh_for

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.stats.limit_wait_s += self.limiter.acquire(str(request.url))
        self.stats.network += 1
        self.stats.urls.append(str(request.url))
        response = self.inner.handle_request(request)
        if (
            self.fresh_for > 0
            and response.status_code in (200, 304)
            and "cache-control" not in response.headers
            and "expires" not in response.headers
        ):
            response.headers["Cache-Control"] = f"max-age={int(self.fresh_for)}"
        return response

    def close(self) -> None:
        self.inner.close()


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


def with_retries(
    attempts: int,
    base_wait: float = 0.5,
    before_sleep: Callable[[RetryCallState], None] | None = None,
) -> Callable:
    """Decorator: retry a request function on transient failures.

    Waits ``base_wait * 2**n`` plus up to ``base_wait`` of jitter between attempts,
    or what the server's ``Retry-After`` says (capped at two minutes).
    """
    return retry(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(max(1, attempts)),
        wait=_wait(base_wait),
        before_sleep=before_sleep,
        reraise=True,
    )


def make_client(timeout: float = 30.0, **kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` with undercut's User-Agent and timeouts."""
    headers: dict[str, str] = {"User-Agent": USER_AGENT}
    headers.update(kwargs.pop("headers", None) or {})
    return httpx.Client(
        timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=True, **kwargs
    )


def raise_for_retry(response: httpx.Response) -> None:
    if response.status_code in RETRY_STATUSES:
        raise RetryableHTTPError(response)


# --------------------------------------------------------------------------- API client


def http_cache_dir(settings: Settings) -> Path:
    """Where the HTTP cache lives: ``UNDERCUT_CACHE_DIR/http``, else ``<home>/cache/http``."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser().resolve() / "http"
    return settings.local_dir / "cache" / "http"


@dataclass(frozen=True)
class ApiResponse:
    """One answer: the final URL, the verbatim body, and where it came from."""

    url: str
    status: int
    content: bytes
    headers: Mapping[str, str]
    from_cache: bool
    fetched_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class ApiClient:
    """A polite, cached, retrying JSON/HTTP client for one service.

    Args:
        base_url: Prefix for relative paths (a trailing ``/`` is added if missing).
        name: Short service name, used for the cache file and messages.
        limits: A limits table (``"4/s;500/h"``), parsed limits, or ``None``/``"none"``.
        cache_dir: Directory for the on-disk HTTP cache; ``None`` disables caching.
        fresh_for: Seconds a response without freshness headers stays fresh.
        timeout: Seconds for connect/read/write.
        attempts: Tries per request (1 = no retries).
        base_wait: First backoff step in seconds.
        max_limit_wait: Longest wait for the rate limiter before giving up.
        transport: An inner transport (tests); default is httpx's network transport.
    """

    def __init__(
        self,
        base_url: str,
        *,
        name: str = "api",
        limits: str | tuple[RateLimit, ...] | None = None,
        cache_dir: Path | None = None,
        fresh_for: float = DEFAULT_FRESH_S,
        timeout: float = 30.0,
        attempts: int = 4,
        base_wait: float = 0.5,
        max_limit_wait: float = DEFAULT_MAX_LIMIT_WAIT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.name = name
        rules = parse_limits(limits) if isinstance(limits, str) or limits is None else limits
        self.limiter = RateLimiter(rules, max_wait=max_limit_wait)
        self.stats = CallStats()
        self.attempts = max(1, attempts)
        self.base_wait = base_wait
        network = _PoliteTransport(
            transport or httpx.HTTPTransport(),
            self.limiter,
            self.stats,
            fresh_for if cache_dir else 0.0,
        )
        self._storage: Any = None
        outer: httpx.BaseTransport = network
        if cache_dir is not None:
            import hishel
            from hishel.httpx import CacheTransport

            cache_dir.mkdir(parents=True, exist_ok=True)
            self._storage = hishel.SqliteStorage(database_path=cache_dir / f"{name}.sqlite")
            outer = CacheTransport(
                network, storage=self._storage, rfc=hishel.CacheOptions(shared=False)
            )
        self._client = httpx.Client(
            transport=outer,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def url_for(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The absolute URL of ``path`` (relative to ``base_url``) with ``params``."""
        url = httpx.URL(self.base_url).join(path.lstrip("/"))
        if params:
            url = url.copy_merge_params({k: str(v) for k, v in params.items()})
        return str(url)

    @staticmethod
    def cache_key(url: str) -> str:
        return hashlib.sha256(f"GET {url}".encode()).hexdigest()

    def forget(self, url: str) -> None:
        """Drop ``url`` from the cache (a body that turned out unusable must not stick)."""
        if self._storage is None:
            return
        for entry in self._storage.get_entries(self.cache_key(url)):
            self._storage.remove_entry(entry.id)

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, accept: Collection[int] = ()
    ) -> ApiResponse:
        """GET ``path``: from the cache when fresh, else over the network with retries.

        ``accept`` lists HTTP error statuses the caller interprets itself (OpenF1 answers
        an empty result with 404, Open-Meteo explains a 400 in its body); they are
        returned instead of raised.

        Raises:
            SourceError: HTTP error, or still failing after all attempts (names the URL).
        """
        url = self.url_for(path, params)

        def count_retry(_state: RetryCallState) -> None:
            self.stats.retries += 1

        @with_retries(self.attempts, self.base_wait, before_sleep=count_retry)
        def fetch() -> ApiResponse:
            response = self._client.get(url, extensions={"caching": {"key": self.cache_key(url)}})
            raise_for_retry(response)
            status = response.extensions.get("caching") or {}
            from_cache = bool(status.get("from_cache") or status.get("revalidated"))
            if from_cache:
                self.stats.from_cache += 1
            if status.get("revalidated"):
                self.stats.revalidated += 1
            return ApiResponse(
                str(response.url),
                response.status_code,
                response.content,
                dict(response.headers),
                from_cache,
                datetime.now(UTC),
            )

        try:
            result = fetch()
        except RetryableHTTPError as exc:
            raise SourceError(
                f"{url}: {exc} (gave up after {self.attempts} attempts)", url=url
            ) from exc
        except httpx.HTTPError as exc:
            raise SourceError(
                f"{url}: {type(exc).__name__}: {exc or 'no detail'} "
                f"(gave up after {self.attempts} attempts)",
                url=url,
            ) from exc
        if result.status >= 400 and result.status not in accept:
            raise SourceError(f"{url}: HTTP {result.status}", url=url)
        return result

    def get_json(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ApiResponse]:
        """GET and decode JSON; a malformed body is evicted from the cache and reported.

        Raises:
            SourceError: as ``get``, or the body is not valid JSON (names the URL).
        """
        response = self.get(path, params)
        try:
            return json.loads(response.content), response
        except ValueError as exc:
            self.forget(self.url_for(path, params))
            raise SourceError(
                f"{response.url}: malformed JSON ({exc}; {len(response.content)} bytes)",
                url=response.url,
            ) from exc


class ApiOptions(TypedDict, total=False):
    """The ``ApiClient`` options a source's client passes through unchanged, so the
    clients do not each repeat ``ApiClient``'s signature."""

    limits: str | tuple[RateLimit, ...] | None
    cache_dir: Path | None
    timeout: float
    attempts: int
    base_wait: float
    transport: httpx.BaseTransport | None


class SourceClient:
    """What the client of every source shares over its ``ApiClient`` objects: the cost of
    its calls, closing them, and use as a context manager."""

    _apis: tuple[ApiClient, ...] = ()

    @property
    def stats(self) -> CallStats:
        """Network calls, answers from the cache, retries and rate-limit waits so far."""
        return sum((api.stats for api in self._apis), CallStats())

    @property
    def requests(self) -> int:
        """Requests that went over the network (cached answers are not counted)."""
        return self.stats.network

    def close(self) -> None:
        for api in self._apis:
            api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def options_from_settings(settings: Settings, limits: str, setting: str) -> ApiOptions:
    """``ApiClient`` options from the settings: a source's rate limits, the HTTP cache,
    the timeout and the retries.

    Raises:
        InputError: ``limits`` cannot be read (the message names ``setting``, the
            environment variable it came from).
    """
    return {
        "limits": parse_limits(limits, setting),
        "cache_dir": http_cache_dir(settings),
        "timeout": settings.http_timeout,
        "attempts": settings.http_retries,
    }


# --------------------------------------------------------------------------- download


def download(
    url: str,
    dest: Path,
    *,
    timeout: float = 60.0,
    attempts: int = 4,
    base_wait: float = 0.5,
    on_progress: Callable[[int, int | None], None] | None = None,
    max_bytes: int | None = None,
) -> str:
    """Stream ``url`` to ``dest``; return the file's sha256.

    ``max_bytes`` bounds what a hostile or broken server can put on the disk: a larger
    declared length is refused before the body is read, a longer body as it arrives.

    Raises:
        SourceError: the server could not be reached or kept failing after retries,
            or answered with a non-retryable HTTP error (the message names the URL).
        InputError: the file is larger than ``max_bytes``.
    """

    def too_large(size: str) -> InputError:
        return InputError(f"{url}: {size} bytes, more than the {max_bytes} allowed")

    @with_retries(attempts, base_wait)
    def fetch() -> str:
        digest = hashlib.sha256()
        with make_client(timeout) as client, client.stream("GET", url) as response:
            raise_for_retry(response)
            if response.status_code >= 400:
                raise SourceError(f"{url}: HTTP {response.status_code}", url=url)
            total = response.headers.get("Content-Length")
            if max_bytes is not None and total is not None and int(total) > max_bytes:
                raise too_large(total)
            done = 0
            with dest.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    done += len(chunk)
                    if max_bytes is not None and done > max_bytes:
                        raise too_large(f"over {max_bytes}")
                    handle.write(chunk)
                    digest.update(chunk)
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
