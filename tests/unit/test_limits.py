"""The one grammar of rate limits, read by the HTTP client (``UNDERCUT_*_LIMITS``) and the
API (``UNDERCUT_RATE_LIMIT``)."""

from __future__ import annotations

import pytest

from undercut.api.ratelimit import RateLimitMiddleware
from undercut.config import get_settings
from undercut.errors import InputError
from undercut.limits import RateLimit, parse_limits
from undercut.sources.http import ApiClient


@pytest.mark.parametrize(
    ("spec", "limits"),
    [
        ("4/s;500/h", (RateLimit(4, 1), RateLimit(500, 3600))),
        ("30/minute", (RateLimit(30, 60),)),
        ("30/min", (RateLimit(30, 60),)),
        ("30/m", (RateLimit(30, 60),)),
        ("10/sec", (RateLimit(10, 1),)),
        ("10/second", (RateLimit(10, 1),)),
        ("5/hours", (RateLimit(5, 3600),)),
        ("5/hour", (RateLimit(5, 3600),)),
        ("1000/day", (RateLimit(1000, 86400),)),
        ("1000/d", (RateLimit(1000, 86400),)),
        ("1000/5m", (RateLimit(1000, 300),)),
        ("10/5min, 2/0.5s", (RateLimit(10, 300), RateLimit(2, 0.5))),
        (" 3/S ; 30/Min ", (RateLimit(3, 1), RateLimit(30, 60))),
        ("none", ()),
        ("None", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_one_grammar_reads_every_spelling(spec: str | None, limits: tuple[RateLimit, ...]) -> None:
    assert parse_limits(spec) == limits


@pytest.mark.parametrize(
    "spec", ["fast", "4 per second", "10/fortnight", "-1/s", "0/s", "/s", "0/s/x", "4/s;;x"]
)
def test_unreadable_limits_name_the_setting(spec: str) -> None:
    with pytest.raises(InputError, match=r"UNDERCUT_X_LIMITS: cannot read"):
        parse_limits(spec, setting="UNDERCUT_X_LIMITS")


def test_limits_print_as_they_are_written() -> None:
    assert ";".join(map(str, parse_limits("4/s;30/minute;500/h;1/d"))) == "4/s;30/min;500/h;1/d"
    assert str(RateLimit(10, 300)) == "10/300s"


@pytest.mark.parametrize("spec", ["30/minute", "4/s;500/h", "2/sec;100/day"])
def test_client_and_server_accept_the_same_specs(spec: str) -> None:
    with ApiClient("http://127.0.0.1:1/", limits=spec) as client:
        client_rules = client.limiter.limits
    settings = get_settings(home="/nonexistent", rate_limit=spec)
    server = RateLimitMiddleware(lambda *_: None, settings=settings, counter=None)  # type: ignore[arg-type]
    assert client_rules == server.anonymous == parse_limits(spec)
