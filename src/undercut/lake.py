"""The lake: bronze (verbatim), silver (typed Parquet), gold (modelled Parquet) via fsspec.

Every write is atomic from a reader's point of view: local files are written beside their
target and renamed into place; object stores get a single PUT, which is atomic already.

A home may be a local directory or an object store (``PROVIDERS``): each store's fsspec
driver is an optional extra and reads its credentials from its SDK's usual environment.
A store that fails (unreachable, refusing) raises ``StorageError`` with one line that never
repeats a secret from that environment.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec
from fsspec.core import url_to_fs

from undercut.config import Settings, is_remote_url
from undercut.errors import InputError, StorageError

if TYPE_CHECKING:
    import duckdb

LAYERS = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class Provider:
    """An object store a home may live on: its name, fsspec driver and install extra."""

    name: str
    title: str
    package: str
    extra: str


_S3 = Provider("s3", "Amazon S3", "s3fs", "s3")
_GCS = Provider("gcs", "Google Cloud Storage", "gcsfs", "gcs")
_AZURE = Provider("azure", "Azure Blob Storage", "adlfs", "azure")
LOCAL = Provider("local", "local disk", "", "")
PROVIDERS: dict[str, Provider] = {
    "s3": _S3,
    "s3a": _S3,
    "gs": _GCS,
    "gcs": _GCS,
    "az": _AZURE,
    "abfs": _AZURE,
    "abfss": _AZURE,
}

# What each SDK reads its secrets from: their values never reach a message or a log line.
SECRET_ENV = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_CLIENT_SECRET",
)
_SECRET_FIELDS = re.compile(r"(AccountKey|SharedAccessSignature|sig|Signature)=[^;&\s]+", re.I)


def provider_of(root: str) -> Provider:
    """The provider of a home: ``LOCAL`` for a directory, one of ``PROVIDERS``, or any
    other fsspec protocol (``memory://``) as itself."""
    if not is_remote_url(root):
        return LOCAL
    protocol = root.split("://", 1)[0].lower()
    return PROVIDERS.get(protocol) or Provider(protocol, f"{protocol}://", "", "")


# The drivers' own loggers: their retries and tracebacks would repeat (at length) what
# StorageError says in one line.
SDK_LOGGERS = ("gcsfs", "s3fs", "adlfs", "azure", "aiobotocore", "botocore", "google")


def _quiet_sdk_loggers() -> None:
    """Silence the drivers' loggers unless the user has configured them."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.CRITICAL)


def redact(text: str) -> str:
    """``text`` without the values of the SDKs' secret variables or signed URL parameters."""
    for name in SECRET_ENV:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return _SECRET_FIELDS.sub(lambda m: f"{m.group(1)}=***", text)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return redact(f"{type(exc).__name__}: {line}" if line else type(exc).__name__)


class Lake:
    """Paths and atomic writes under one root (local directory or fsspec URL)."""

    def __init__(self, root: str, storage_options: dict[str, Any] | None = None) -> None:
        self.root = root.rstrip("/")
        self.is_remote = is_remote_url(root)
        self.provider = provider_of(self.root)
        try:
            fs, path = url_to_fs(self.root, **(storage_options or {}))
        except ImportError as exc:
            p = self.provider
            if not p.extra:
                raise InputError(f"UNDERCUT_HOME {self.root}: {_one_line(exc)}") from exc
            raise InputError(
                f"UNDERCUT_HOME {self.root}: {p.title} needs the {p.package} package; "
                f"pip install 'undercut[{p.extra}]'"
            ) from exc
        except (ValueError, TypeError) as exc:
            if "protocol not known" in str(exc).lower():
                known = ", ".join(f"{name}://" for name in PROVIDERS)
                raise InputError(
                    f"UNDERCUT_HOME {self.root}: unknown storage {self.provider.name}://; "
                    f"use a directory or {known}"
                ) from exc
            raise InputError(f"UNDERCUT_HOME {self.root}: {_one_line(exc)}") from exc
        self.fs: fsspec.AbstractFileSystem = fs
        self._base = path
        if self.is_remote:
            _quiet_sdk_loggers()

    @classmethod
    def from_settings(cls, settings: Settings) -> Lake:
        root = settings.home if settings.home_is_remote else str(settings.local_dir)
        return cls(root)

    def path(self, *parts: str) -> str:
        """Filesystem path (no protocol) of a lake object, for use with ``self.fs``."""
        return "/".join([self._base, *parts])

    def url(self, *parts: str) -> str:
        """Full URL (with protocol for remote lakes) of a lake object."""
        return "/".join([self.root, *parts])

    @contextmanager
    def _storage(self, doing: str, *parts: str) -> Iterator[None]:
        """Turn a store's own failure into one ``StorageError`` line naming the object;
        a missing file stays ``FileNotFoundError`` (an answer, not a failure)."""
        try:
            yield
        except (FileNotFoundError, StorageError, InputError):
            raise
        except Exception as exc:
            raise StorageError(
                f"lake {self.url(*parts)}: {doing} failed ({_one_line(exc)})"
            ) from exc

    def _call(self, doing: str, parts: tuple[str, ...], fn: Callable[[], Any]) -> Any:
        with self._storage(doing, *parts):
            return fn()

    def exists(self, *parts: str) -> bool:
        return bool(self._call("checking", parts, lambda: self.fs.exists(self.path(*parts))))

    def read_bytes(self, *parts: str) -> bytes:
        return bytes(self._call("reading", parts, lambda: self.fs.cat_file(self.path(*parts))))

    def read_json(self, *parts: str) -> Any:
        return json.loads(self.read_bytes(*parts))

    def write_bytes(self, data: bytes, *parts: str) -> str:
        target = self.path(*parts)
        if self.is_remote:
            self._call("writing", parts, lambda: self.fs.pipe_file(target, data))
            return target
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=Path(target).parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def write_json(self, obj: Any, *parts: str) -> str:
        data = json.dumps(obj, indent=2, sort_keys=True, default=str).encode()
        return self.write_bytes(data, *parts)

    def put_file(self, local: Path, *parts: str) -> str:
        """Copy a local file into the lake atomically (the local file is left in place)."""
        if self.is_remote:
            self._call("writing", parts, lambda: self.fs.put_file(str(local), self.path(*parts)))
            return self.path(*parts)
        staged = Path(self.staging_path(*parts))
        shutil.copyfile(local, staged)
        return self.commit_staged(staged, *parts)

    def staging_path(self, *parts: str) -> str:
        """A local path where a writer may produce a file before ``commit_staged``.

        For a local lake it is beside the target (so the final rename is atomic); for a
        remote lake it is a temp file that ``commit_staged`` uploads.
        """
        if self.is_remote:
            return str(Path(tempfile.mkdtemp(prefix="undercut-")) / parts[-1])
        target = Path(self.path(*parts))
        target.parent.mkdir(parents=True, exist_ok=True)
        return str(target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}"))

    def commit_staged(self, staged: Path, *parts: str) -> str:
        """Move a file produced at ``staging_path`` to its place in the lake."""
        target = self.path(*parts)
        try:
            if self.is_remote:
                self._call("writing", parts, lambda: self.fs.put_file(str(staged), target))
            else:
                os.replace(staged, target)
        finally:
            Path(staged).unlink(missing_ok=True)
        return target

    def publish_tables(
        self,
        con: duckdb.DuckDBPyConnection,
        layer: str,
        names: Iterable[str],
        *,
        schema: str | None = None,
    ) -> list[str]:
        """Write each table ``<schema>.<name>`` of ``con`` to ``<layer>/<name>.parquet``.

        The one way a table reaches the lake as Parquet, so that every layer is written
        alike: each file is produced at ``staging_path`` and committed whole, so a reader
        sees the previous file or the new one, never a partial one, and a failed write
        leaves nothing behind. ``schema`` defaults to ``layer`` (``wh.silver`` when the
        warehouse is attached under another name).
        """
        written = []
        for name in names:
            staged = Path(self.staging_path(layer, f"{name}.parquet"))
            quoted = str(staged).replace("'", "''")
            try:
                con.execute(f"copy {schema or layer}.{name} to '{quoted}' (format parquet)")
                written.append(self.commit_staged(staged, layer, f"{name}.parquet"))
            finally:
                staged.unlink(missing_ok=True)
                if self.is_remote:
                    staged.parent.rmdir()  # the temporary directory staging_path made
        return written

    def ls(self, *parts: str) -> list[str]:
        if not self.exists(*parts):
            return []
        found = self._call("listing", parts, lambda: self.fs.ls(self.path(*parts), detail=False))
        return sorted(Path(p).name for p in found)

    def check_reachable(self) -> None:
        """List the bucket (container, directory) the lake lives in.

        Raises:
            StorageError: the store cannot be reached, refuses, or the bucket is missing.
        """
        if not self.is_remote:
            root = Path(self._base)
            while not root.exists():
                root = root.parent
            if not os.access(root, os.W_OK | os.X_OK):
                raise StorageError(f"lake {self.root}: {root} is not writable")
            return
        bucket = self._base.split("/", 1)[0]
        try:
            self._call("reaching the store", (), lambda: self.fs.ls(bucket, detail=False))
        except FileNotFoundError as exc:
            raise StorageError(f"lake {self.root}: bucket {bucket} does not exist") from exc

    def remove(self, *parts: str) -> None:
        """Delete one object (a missing one is fine)."""
        try:
            self._call("deleting", parts, lambda: self.fs.rm_file(self.path(*parts)))
        except FileNotFoundError:
            return
