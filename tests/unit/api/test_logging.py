"""Log lines go to the stderr of the moment they are written, not the one logging was
configured with: a stream replaced and closed since (a test's captured output, a
daemon's redirected stderr) must never turn a request into an error."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from undercut.api.observability import configure_logging


def test_logging_follows_stderr_after_the_configured_stream_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("INFO")
    first.close()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    try:
        structlog.get_logger("undercut.access").info("request", status=200)
        logging.getLogger("undercut.api").warning("stdlib line")
    finally:
        monkeypatch.undo()
        configure_logging("INFO")
    lines = [json.loads(line) for line in second.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["request", "stdlib line"]
