"""Object-store emulators on 127.0.0.1, one process each: moto's server (S3), Azurite
(Azure Blob) and gcp-storage-emulator (Google Cloud Storage).

Each emulator is a real server in its own process, so a test can stop it by PID mid-run.
``ObjectStore.environment`` is what a user would export for that provider (the SDK's own
variables, pointed at the emulator); nothing inside undercut is told about the emulator.

Azurite comes from the npm registry (``npm install -g azurite``, done by ``.ci/run``); when
``azurite-blob`` is missing the test is skipped, or fails with UNDERCUT_REQUIRE_TEST_DATA=1.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.jobs import free_port

PROVIDERS = ("s3", "azure", "gcs")
BIN = Path(sys.executable).parent
# Azurite's documented development account (public, the same on every machine).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
TOOLS_CACHE = Path.home() / ".cache" / "undercut-test-tools"
PROTOCOLS = {"s3": "s3", "azure": "az", "gcs": "gs"}


def emulator_missing(message: str) -> None:
    if os.environ.get("UNDERCUT_REQUIRE_TEST_DATA") == "1":
        pytest.fail(f"EMULATOR MISSING: {message}")
    pytest.skip(f"EMULATOR MISSING: {message}")


def _azurite() -> str:
    found = shutil.which("azurite-blob") or shutil.which(
        "azurite-blob", path=str(TOOLS_CACHE / "node_modules" / ".bin")
    )
    if not found:
        emulator_missing("azurite-blob not on PATH (npm install -g azurite; .ci/run does it)")
    return str(found)


def _command(provider: str, port: int) -> list[str]:
    if provider == "s3":
        if not (BIN / "moto_server").exists():
            emulator_missing("moto_server not installed (pip install -e '.[dev]')")
        return [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    if provider == "gcs":
        if not (BIN / "gcp-storage-emulator").exists():
            emulator_missing("gcp-storage-emulator not installed (pip install -e '.[dev]')")
        return [
            str(BIN / "gcp-storage-emulator"),
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--in-memory",
            "--quiet",
        ]
    return [
        _azurite(),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--inMemoryPersistence",
        "--skipApiVersionCheck",
        "--loose",
        "--silent",
        "--disableTelemetry",
    ]


def _environment(provider: str, endpoint: str) -> dict[str, str]:
    """What a user of that provider exports (credentials in the SDK's own variables)."""
    if provider == "s3":
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing-secret-key",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
        }
    if provider == "gcs":
        return {"STORAGE_EMULATOR_HOST": endpoint}
    return {
        "AZURE_STORAGE_CONNECTION_STRING": (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
        )
    }


# Variables of other configurations that would send a provider's SDK elsewhere.
_CLEARED = ("AWS_PROFILE", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY")


def clear_fs_caches() -> None:
    """fsspec keeps one client per set of options, not per environment: forget them."""
    import fsspec

    for protocol in ("s3", "gs", "az", "abfs"):
        try:
            fsspec.get_filesystem_class(protocol).clear_instance_cache()
        except (ImportError, ValueError):
            continue


@dataclass
class ObjectStore:
    """One running emulator."""

    provider: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    buckets: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def environment(self) -> dict[str, str]:
        return _environment(self.provider, self.endpoint)

    @contextmanager
    def exported(self) -> Iterator[dict[str, str]]:
        """The provider's variables set in this process (and fsspec's clients forgotten)."""
        with pytest.MonkeyPatch.context() as patch:
            for name in _CLEARED:
                patch.delenv(name, raising=False)
            for name, value in self.environment.items():
                patch.setenv(name, value)
            clear_fs_caches()
            try:
                yield self.environment
            finally:
                clear_fs_caches()

    def fs(self):  # type: ignore[no-untyped-def]
        """A filesystem of the test's own on the emulator (call inside ``exported``)."""
        from fsspec.core import url_to_fs

        return url_to_fs(f"{PROTOCOLS[self.provider]}://x")[0]

    def new_home(self, prefix: str = "f1") -> str:
        """A fresh bucket (container) and the home URL on it (call inside ``exported``)."""
        bucket = f"lake-{uuid.uuid4().hex[:12]}"
        self.fs().mkdir(bucket)
        self.buckets.append(bucket)
        return f"{PROTOCOLS[self.provider]}://{bucket}/{prefix}"

    def keys(self, home: str) -> list[str]:
        """Every object under a home, relative to it (call inside ``exported``)."""
        base = home.split("://", 1)[1]
        fs = self.fs()
        fs.invalidate_cache()
        return sorted(path.removeprefix(base + "/") for path in fs.find(base))

    def stop(self) -> None:
        """Kill the emulator by its PID (what an unreachable store looks like)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """A new, empty emulator on the same port, with the buckets made before."""
        self.stop()
        self.process = _spawn(self.provider, self.port, self.workdir)
        clear_fs_caches()
        for bucket in self.buckets:
            self.fs().mkdir(bucket)

    @contextmanager
    def stopped_when_staged(self, staging: Path) -> Iterator[threading.Event]:
        """Kill the emulator as soon as a Parquet file is staged for upload in
        ``staging`` (the temporary directory): the store goes away mid-write. The event
        is set once it has been killed."""
        killed = threading.Event()
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                if any(staging.glob("undercut-*/*.parquet")):
                    self.stop()
                    killed.set()
                    return
                time.sleep(0.002)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield killed
        finally:
            done.set()
            watcher.join(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _spawn(provider: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    """Start an emulator and wait until it listens."""
    log_path = workdir / "emulator.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            _command(provider, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not _listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            output = log_path.read_text(errors="replace")[-2000:]
            raise AssertionError(f"the {provider} emulator did not start: {output}")
        time.sleep(0.1)
    return process


@contextmanager
def running_store(provider: str) -> Iterator[ObjectStore]:
    """Start one emulator on a free port; stopped (by PID) on exit."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix=f"undercut-{provider}-"))
    try:
        store = ObjectStore(provider, port, _spawn(provider, port, workdir), workdir)
        try:
            yield store
        finally:
            store.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
