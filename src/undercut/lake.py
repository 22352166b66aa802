"""The lake: bronze (verbatim), silver (typed Parquet), gold (modelled Parquet) via fsspec.

Every write is atomic from a reader's point of view: local files are written beside their
target and renamed into place; object stores get a single PUT, which is atomic already.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec
from fsspec.core import url_to_fs

from undercut.config import Settings, is_remote_url

if TYPE_CHECKING:
    import duckdb

LAYERS = ("bronze", "silver", "gold")


class Lake:
    """Paths and atomic writes under one root (local directory or fsspec URL)."""

    def __init__(self, root: str, storage_options: dict[str, Any] | None = None) -> None:
        self.root = root.rstrip("/")
        self.is_remote = is_remote_url(root)
        fs, path = url_to_fs(self.root, **(storage_options or {}))
        self.fs: fsspec.AbstractFileSystem = fs
        self._base = path

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

    def exists(self, *parts: str) -> bool:
        return bool(self.fs.exists(self.path(*parts)))

    def read_bytes(self, *parts: str) -> bytes:
        return bytes(self.fs.cat_file(self.path(*parts)))

    def read_json(self, *parts: str) -> Any:
        return json.loads(self.read_bytes(*parts))

    def write_bytes(self, data: bytes, *parts: str) -> str:
        target = self.path(*parts)
        if self.is_remote:
            self.fs.pipe_file(target, data)
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
            self.fs.put_file(str(local), self.path(*parts))
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
                self.fs.put_file(str(staged), target)
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
        return sorted(Path(p).name for p in self.fs.ls(self.path(*parts), detail=False))
