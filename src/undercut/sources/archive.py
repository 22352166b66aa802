"""Reading an Ergast-format CSV archive from a directory, a ``.zip`` or an http(s) URL.

Whatever the origin, the result is a local directory of CSV files plus their checksums,
so the loader never cares where the archive came from.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from undercut.errors import ArchiveError, SourceError

MARKER_FILE = "races.csv"
KEPT_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    path: Path
    sha256: str
    bytes: int


@dataclass(frozen=True)
class ArchiveSource:
    """A local, readable copy of an archive."""

    origin: str
    directory: Path
    files: dict[str, ArchiveFile]

    @property
    def content_hash(self) -> str:
        """One hash for the whole archive: changes iff any file's content or name does."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(f"{name}\0{self.files[name].sha256}\n".encode())
        return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find_data_dir(root: Path, origin: str) -> Path:
    """The folder holding ``races.csv``: the root itself or any sub-folder of it."""
    if (root / MARKER_FILE).is_file():
        return root
    found = sorted(root.rglob(MARKER_FILE), key=lambda p: len(p.parts))
    if not found:
        raise ArchiveError(f"{origin}: no {MARKER_FILE} found; not an Ergast-format archive")
    return found[0].parent


def _extract_zip(path: Path, workdir: Path, origin: str) -> Path:
    if not zipfile.is_zipfile(path):
        raise ArchiveError(f"{origin}: not a zip file (or truncated beyond repair)")
    target = workdir / "extracted"
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(KEPT_SUFFIXES)]
            if not members:
                raise ArchiveError(f"{origin}: the zip holds no CSV files")
            for member in members:
                if member.is_dir() or ".." in Path(member.filename).parts:
                    continue
                archive.extract(member, target)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ArchiveError(f"{origin}: corrupt or truncated zip ({exc})") from exc
    return _find_data_dir(target, origin)


def open_archive(
    spec: str,
    workdir: Path,
    *,
    on_download: Callable[[int, int | None], None] | None = None,
    timeout: float = 60.0,
    attempts: int = 4,
) -> ArchiveSource:
    """Make ``spec`` (directory, zip path or URL) available as local files under ``workdir``.

    Raises:
        ArchiveError: the source does not exist or is not an Ergast-format archive.
        SourceError: a URL could not be downloaded.
    """
    if spec.startswith(("http://", "https://")):
        from undercut.sources import http  # imported lazily: it costs start-up time

        local = workdir / "archive.zip"
        try:
            http.download(spec, local, timeout=timeout, attempts=attempts, on_progress=on_download)
        except SourceError as exc:
            if "HTTP 4" in str(exc):
                raise ArchiveError(str(exc)) from exc
            raise
        directory = _extract_zip(local, workdir, spec)
    else:
        path = Path(spec).expanduser()
        if not path.exists():
            raise ArchiveError(f"{spec}: no such file or directory")
        directory = (
            _find_data_dir(path, spec) if path.is_dir() else _extract_zip(path, workdir, spec)
        )
    files = {
        p.name: ArchiveFile(p.name, p, _sha256(p), p.stat().st_size)
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name.endswith(KEPT_SUFFIXES)
    }
    return ArchiveSource(origin=spec, directory=directory, files=files)
