from pathlib import Path

import pytest

from support.httpserver import LocalServer, Reply
from undercut.errors import InputError, SourceError
from undercut.sources.http import download, parse_retry_after


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_download_retries_5xx_then_succeeds(tmp_path: Path) -> None:
    routes = {"/f": [Reply(503), Reply(200, b"payload")]}
    with LocalServer(routes) as server:
        digest = download(f"{server.url}/f", tmp_path / "f", base_wait=0.01)
    assert (tmp_path / "f").read_bytes() == b"payload"
    assert len(digest) == 64
    assert len(server.requests) == 2


def test_download_honours_retry_after(tmp_path: Path) -> None:
    routes = {"/f": [Reply(429, headers={"Retry-After": "0"}), Reply(200, b"ok")]}
    with LocalServer(routes) as server:
        download(f"{server.url}/f", tmp_path / "f", base_wait=5.0)
    assert len(server.requests) == 2


def test_download_404_is_not_retried(tmp_path: Path) -> None:
    with LocalServer({}) as server, pytest.raises(SourceError, match="HTTP 404"):
        download(f"{server.url}/missing.zip", tmp_path / "f", base_wait=0.01)
    assert len(server.requests) == 1


def test_download_gives_up_after_attempts(tmp_path: Path) -> None:
    with LocalServer({"/f": [Reply(500)]}) as server, pytest.raises(SourceError, match="/f"):
        download(f"{server.url}/f", tmp_path / "f", attempts=3, base_wait=0.01)
    assert len(server.requests) == 3


def test_download_sends_undercut_user_agent(tmp_path: Path) -> None:
    with LocalServer({"/f": [Reply(200, b"x")]}) as server:
        download(f"{server.url}/f", tmp_path / "f")
    assert server.requests[0][1]["user-agent"].startswith("undercut/")


def test_download_refuses_a_declared_size_over_the_cap_before_reading(tmp_path: Path) -> None:
    body = b"z" * 5000
    with (
        LocalServer({"/big.zip": [Reply(200, body)]}) as server,
        pytest.raises(InputError, match=r"big\.zip: 5000 bytes, more than the 1000 allowed"),
    ):
        download(f"{server.url}/big.zip", tmp_path / "f", max_bytes=1000, base_wait=0.01)
    assert len(server.requests) == 1  # not retried


def test_download_stops_a_body_longer_than_the_cap(tmp_path: Path) -> None:
    # a server that understates its size: a chunked body behind a small Content-Length,
    # so only counting the bytes as they arrive can stop it
    data = b"z" * 300_000
    framed = b"%x\r\n" % len(data) + data + b"\r\n0\r\n\r\n"
    headers = {"Transfer-Encoding": "chunked", "Content-Length": "10"}
    with (
        LocalServer({"/f": [Reply(200, framed, headers)]}) as server,
        pytest.raises(InputError, match="over 100000 bytes, more than the 100000 allowed"),
    ):
        download(f"{server.url}/f", tmp_path / "f", max_bytes=100_000, base_wait=0.01)
    assert (tmp_path / "f").stat().st_size <= 100_000
