"""The service's commands: `users create`, `serve --get`, `publish`, and the JSON logs."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from support.jobs import cli_env, free_port, kill_group, start_cli, wait_for
from undercut.api import security
from undercut.api.observability import configure_logging
from undercut.appdb.base import session_factory
from undercut.cli import main
from undercut.config import Settings, get_settings

pytestmark = pytest.mark.xdist_group("built_home")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`serve` configures process-wide logging; put it back for the next tests."""
    config = structlog.get_config()
    root = logging.getLogger("undercut")
    handlers, level, propagate = root.handlers[:], root.level, root.propagate
    yield
    structlog.configure(**config)
    root.handlers[:], root.level, root.propagate = handlers, level, propagate


def _run(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_users_create_reads_the_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "home")
    args = ["users", "create", "ada", "--role", "admin", "--home", home]
    assert _run(monkeypatch, args, "a-long-password\n") == 0
    assert "created admin 'ada'" in capsys.readouterr().err
    settings = get_settings(home=home)
    with session_factory(settings)() as session:
        pair = security.login(settings, session, "ada", "a-long-password")
        assert security.principal_for(settings, session, pair.access_token).is_admin

    assert _run(monkeypatch, args, "another-password\n") == 2
    assert "already exists" in capsys.readouterr().err
    assert _run(monkeypatch, ["users", "create", "bob", "--home", home], "short\n") == 2
    assert "password: must be at least 8 characters" in capsys.readouterr().err
    bad_role = ["users", "create", "bob", "--role", "root", "--home", home]
    assert _run(monkeypatch, bad_role, "a-long-password\n") == 2


def test_serve_get_answers_one_request_on_stdout(
    built_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    home = str(built_settings.local_dir)
    args = ["serve", "--home", home, "--get", "/api/v1/standings/2023/drivers"]
    assert _run(monkeypatch, args) == 0
    out, err = capsys.readouterr()
    standings = json.loads(out)
    assert (standings["season"], standings["after_round"]) == (2023, 22)
    assert set(standings["drivers"][0]) == {"position", "driverId", "points", "wins"}
    access = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert access and access[-1]["event"] == "request" and access[-1]["status"] == 200
    assert access[-1]["level"] == "info" and len(access[-1]["request_id"]) == 32

    assert _run(monkeypatch, ["serve", "--home", home, "--get", "/api/v1/drivers/nobody"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "not_found"


def test_serve_refuses_the_placeholder_secret_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNDERCUT_ENVIRONMENT", "production")
    assert _run(monkeypatch, ["serve", "--home", str(tmp_path), "--get", "/health"]) == 2
    assert "UNDERCUT_SECRET_KEY" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_says_in_one_line_that_its_port_is_taken(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: str,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        args = ["serve", "--home", str(tmp_path), "--port", str(port), "--workers", workers]
        assert _run(monkeypatch, args) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}: another program holds the port" in err
    assert "serving " not in err and "Traceback" not in err


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("localhost", False)])
def test_serve_warns_when_development_listens_beyond_loopback(
    tmp_path: Path, host: str, warned: bool
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    env = cli_env(tmp_path / "home", UNDERCUT_RATE_LIMIT="none")
    server = start_cli(["serve", "--workers", "1", "--host", host, "--port", str(port)], env, log)
    try:
        wait_for(lambda: "serving " in log.read_text(), 90, "undercut serve to start")
    finally:
        kill_group(server)  # the warning is what is tested here, not a graceful stop
    lines = log.read_text().splitlines()
    plain = [line for line in lines if line.startswith("WARNING: development mode")]
    logged = [
        json.loads(line)
        for line in lines
        if line.startswith("{") and "development mode listening" in line
    ]
    assert bool(plain) == bool(logged) == warned, lines
    if warned:
        assert f"listening on {host}" in plain[0] and logged[0]["level"] == "warning"


def test_publish_needs_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, ["publish", "--home", str(tmp_path)]) == 2
    assert "UNDERCUT_DATABASE_URL" in capsys.readouterr().err


def test_publish_copies_the_warehouse_into_postgresql(
    built_settings: Settings,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import psycopg

    monkeypatch.setenv("UNDERCUT_DATABASE_URL", postgres_url)
    assert _run(monkeypatch, ["publish", "--home", str(built_settings.local_dir)]) == 0
    assert "published" in capsys.readouterr().err
    with psycopg.connect(postgres_url) as conn:
        wins = conn.execute(
            "select count(*) from silver.race_results where driver_id = 'max_verstappen' "
            "and position = 1 and season = 2023"
        ).fetchone()
    assert wins == (19,)


def test_logs_are_json_lines_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    structlog.get_logger("undercut.access").info("request", request_id="abc", status=200)
    logging.getLogger("undercut.api").warning("stdlib %s", "too")
    logging.getLogger("undercut.api").debug("hidden")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["event"] == "request" and lines[0]["request_id"] == "abc"
    assert lines[0]["level"] == "info" and lines[0]["timestamp"].endswith("Z")
    assert lines[1]["event"] == "stdlib too" and lines[1]["level"] == "warning"
    assert len(lines) == 2
