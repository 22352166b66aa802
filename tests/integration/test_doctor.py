"""`undercut doctor` and the configuration of object-store homes: a provider whose driver
is not installed names the extra to install; a store, app database or Redis that is down
is named and exits 1; and neither the CLI's messages nor the service's JSON logs ever
repeat a credential from the provider's environment."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.jobs import free_port
from support.object_stores import AZURITE_KEY, PROVIDERS, ObjectStore, running_store
from undercut.cli import main

SRC = Path(__file__).parents[2] / "src"
DRIVERS = {"s3": ("s3://bucket/f1", "s3fs"), "gcs": ("gs://bucket/f1", "gcsfs")}
DRIVERS["azure"] = ("az://container/f1", "adlfs")


@pytest.fixture(scope="module", params=PROVIDERS)
def stopped_store(request: pytest.FixtureRequest) -> Iterator[tuple[ObjectStore, str]]:
    """An emulator with a home on it, then killed: an unreachable store."""
    with running_store(request.param) as store:
        with store.exported():
            home = store.new_home()
        store.stop()
        yield store, home


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main(["doctor", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _secrets(store: ObjectStore) -> list[str]:
    """The credential values the provider's environment holds for the emulator."""
    values = [v for k, v in store.environment.items() if "SECRET" in k or "CONNECTION" in k]
    if store.provider == "azure":
        values.append(values[0].split("AccountKey=")[1].split(";")[0])
    return values


def test_doctor_on_a_healthy_local_home(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, report, _ = _doctor(capsys, "--home", str(tmp_path / "home"))
    assert code == 0
    assert report["status"] == "ok"
    assert list(report["checks"]) == ["lake", "lake_write", "disk", "app_database"]
    assert report["checks"]["lake"]["provider"] == "local"
    assert report["checks"]["disk"]["free_bytes"] > 0
    assert report["checks"]["app_database"]["dialect"] == "sqlite"


def test_doctor_names_redis_down(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    code, report, err = _doctor(capsys, "--home", str(tmp_path / "home"))
    assert code == 1
    assert report["checks"]["redis"]["status"] == "down"
    assert report["checks"]["lake"]["status"] == "ok"
    assert err.strip() == "down: redis"


def test_doctor_names_a_store_that_is_down(
    stopped_store: tuple[ObjectStore, str], capsys: pytest.CaptureFixture
) -> None:
    store, home = stopped_store
    with store.exported():
        capsys.readouterr()
        code = main(["doctor", "--home", home, "--timeout", "3"])
        out, err = capsys.readouterr()
    assert code == 1
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["lake"].startswith("down")
    assert home in lines["lake"]
    assert lines["lake_write"].startswith("down")
    assert lines["app_database"].startswith("ok")
    assert err.strip() == "down: lake, lake_write"
    for secret in _secrets(store):
        assert secret not in out + err


@pytest.mark.parametrize("provider", ["s3", "azure"])
def test_a_store_error_never_repeats_a_secret(provider: str, tmp_path: Path) -> None:
    """`undercut doctor` waiting out the SDK's retries against a store that is down (S3),
    or refused by it (Azure, a wrong account key): the store's own error, one line, exit
    1, and nothing of the credentials in the output or the logs."""
    with running_store(provider) as store, store.exported():
        home = store.new_home()
        environment = store.environment
        if provider == "azure":
            wrong = base64.b64encode(b"not the account key of devstoreaccount1").decode()
            environment["AZURE_STORAGE_CONNECTION_STRING"] = environment[
                "AZURE_STORAGE_CONNECTION_STRING"
            ].replace(AZURITE_KEY, wrong)
            secrets = [environment["AZURE_STORAGE_CONNECTION_STRING"], wrong]
        else:
            store.stop()
            secrets = [environment["AWS_SECRET_ACCESS_KEY"]]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("UNDERCUT_")},
            **environment,
            "UNDERCUT_HOME": home,
            "UNDERCUT_CACHE_DIR": str(tmp_path / "cache"),
            "UNDERCUT_LOG_LEVEL": "DEBUG",
            "PYTHONPATH": str(SRC),
        }
        done = subprocess.run(
            [sys.executable, "-m", "undercut", "doctor", "--timeout", "120"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == "down: lake, lake_write"
    lake = next(line for line in done.stdout.splitlines() if line.startswith("lake "))
    assert f"lake {home}: reaching the store failed (" in lake
    for secret in secrets:
        assert secret not in done.stdout + done.stderr


def test_the_service_logs_no_secret(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    """The API over an Azure home (credentials in a connection string), logging JSON at
    DEBUG: no request or health check writes the key."""
    from undercut.api.app import create_app
    from undercut.api.observability import configure_logging
    from undercut.config import get_settings

    with running_store("azure") as store, store.exported():
        settings = get_settings(
            home=store.new_home(), cache_dir=str(tmp_path / "cache"), log_level="DEBUG"
        )
        configure_logging("DEBUG")
        try:
            with TestClient(create_app(settings)) as client:
                client.get("/health")
                client.get("/api/v1/drivers/hamilton")
                client.get("/health/live")
        finally:
            configure_logging("INFO")
        out, err = capfd.readouterr()
        assert '"event"' in out + err  # the JSON log lines were written
        for secret in _secrets(store):
            assert secret not in out + err


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_missing_driver_names_the_extra(provider: str, tmp_path: Path) -> None:
    """Without the provider's package the command says which extra installs it (exit 2)."""
    home, package = DRIVERS[provider]
    blocked = tmp_path / "blocked" / package
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text(f"raise ImportError('No module named {package}')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNDERCUT_")}
    env.update(
        PYTHONPATH=f"{blocked.parent}{os.pathsep}{SRC}",
        UNDERCUT_HOME=home,
        UNDERCUT_CACHE_DIR=str(tmp_path / "cache"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "undercut", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    extra = {"s3": "s3", "gcs": "gcs", "azure": "azure"}[provider]
    assert done.stderr.strip().splitlines() == [
        f"error: UNDERCUT_HOME {home}: {_title(provider)} needs the {package} package; "
        f"pip install 'undercut[{extra}]'"
    ]


def test_an_unknown_storage_is_bad_input(capsys: pytest.CaptureFixture) -> None:
    assert main(["doctor", "--home", "ftp2://host/f1"]) == 2
    assert "unknown storage ftp2://" in capsys.readouterr().err


def _title(provider: str) -> str:
    from undercut.lake import PROVIDERS as KNOWN

    return next(p.title for p in KNOWN.values() if p.name == provider)
