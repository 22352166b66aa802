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
from pathlib import Path, PurePosixPath

from undercut.config import Settings
from undercut.errors import ArchiveError, InputError, SourceError

MARKER_FILE = "races.csv"
KEPT_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class DataLayout:
    """What a source tree looks like: the file that marks its data folder (a path
    relative to it), the suffixes of the files kept from a zip, and what it is called."""

    marker: str
    suffixes: tuple[str, ...]
    kind: str


ERGAST_LAYOUT = DataLayout(MARKER_FILE, KEPT_SUFFIXES, "an Ergast-format archive")


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


def _find_data_dir(
    root: Path, origin: str, marker: str = MARKER_FILE, kind: str = "an Ergast-format archive"
) -> Path:
    """The folder holding ``marker`` (a relative file path): the root or any sub-folder."""
    if (root / marker).is_file():
        return root
    found = sorted(root.rglob(marker), key=lambda p: len(p.parts))
    if not found:
        raise ArchiveError(f"{origin}: no {marker} found; not {kind}")
    folder = found[0]
    for _ in Path(marker).parts:
        folder = folder.parent
    return folder


@dataclass(frozen=True)
class ArchiveLimits:
    """How large an archive may unpack, per file and in total, and (zips) how much larger
    than it was compressed: a zip bomb is refused before it reaches the disk or memory."""

    max_member_bytes: int
    max_total_bytes: int
    max_ratio: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveLimits:
        return cls(
            settings.archive_max_member_bytes,
            settings.archive_max_total_bytes,
            settings.archive_max_ratio,
        )


# Below this size a member is too small to be a bomb, whatever it compresses to.
_RATIO_FLOOR = 1 << 20


def check_sizes(origin: str, sizes: dict[str, int], limits: ArchiveLimits) -> None:
    """Refuse a file over the per-file cap, or the file that takes the total over its cap."""
    total = 0
    for name, size in sizes.items():
        if size > limits.max_member_bytes:
            raise ArchiveError(
                f"{origin}: {name} is {size} bytes unpacked, more than "
                f"{limits.max_member_bytes} (UNDERCUT_ARCHIVE_MAX_MEMBER_BYTES)"
            )
        total += size
        if total > limits.max_total_bytes:
            raise ArchiveError(
                f"{origin}: {name} takes the unpacked archive past {limits.max_total_bytes} "
                "bytes (UNDERCUT_ARCHIVE_MAX_TOTAL_BYTES)"
            )


def _extract_zip(
    path: Path,
    workdir: Path,
    origin: str,
    limits: ArchiveLimits,
    layout: DataLayout | None = None,
) -> Path:
    """Unpack the members ``layout`` keeps (CSV/JSON), streaming, within ``limits``.

    The declared sizes are checked before anything is unpacked; the bytes actually
    written are counted as well, so a member that lies about its size is still stopped.
    """
    layout = layout or ERGAST_LAYOUT
    if not zipfile.is_zipfile(path):
        raise ArchiveError(f"{origin}: not a zip file (or truncated beyond repair)")
    target = workdir / "extracted"
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if m.filename.endswith(layout.suffixes)
                and not m.is_dir()
                and ".." not in PurePosixPath(m.filename).parts
            ]
            if not members:
                raise ArchiveError(f"{origin}: the zip holds no {layout.suffixes[0]} files")
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
                    raise ArchiveError(
                        f"{origin}: {member.filename} unpacks {ratio:.0f} times its compressed "
                        f"size, more than {limits.max_ratio:g} (UNDERCUT_ARCHIVE_MAX_RATIO)"
                    )
            check_sizes(origin, {m.filename: m.file_size for m in members}, limits)
            written: dict[str, int] = {}
            for member in members:
                local = target.joinpath(*PurePosixPath(member.filename.lstrip("/")).parts)
                local.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, local.open("wb") as sink:
                    while block := source.read(1 << 20):
                        written[member.filename] = written.get(member.filename, 0) + len(block)
                        check_sizes(origin, written, limits)
                        sink.write(block)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ArchiveError(f"{origin}: corrupt or truncated zip ({exc})") from exc
    return _find_data_dir(target, origin, layout.marker, layout.kind)


def local_copy(
    spec: str,
    workdir: Path,
    *,
    layout: DataLayout,
    limits: ArchiveLimits,
    on_download: Callable[[int, int | None], None] | None = None,
    timeout: float = 60.0,
    attempts: int = 4,
) -> Path:
    """The local folder holding ``layout``'s data for ``spec`` (directory, zip path or URL).

    A URL is downloaded (at most ``limits.max_total_bytes``) and unpacked, a zip unpacked,
    both under ``workdir``; a directory is searched in place. The folder returned is the
    one holding ``layout.marker``, however deep the source nests it.

    Raises:
        ArchiveError: the source does not exist, lacks the marker, or is too large.
        SourceError: a URL could not be downloaded.
    """
    if spec.startswith(("http://", "https://")):
        from undercut.sources import http  # imported lazily: it costs start-up time

        local = workdir / "archive.zip"
        try:
            http.download(
                spec,
                local,
                timeout=timeout,
                attempts=attempts,
                on_progress=on_download,
                max_bytes=limits.max_total_bytes,  # a zip is never larger than what it unpacks to
            )
        except InputError as exc:
            local.unlink(missing_ok=True)
            raise ArchiveError(f"{exc} (UNDERCUT_ARCHIVE_MAX_TOTAL_BYTES)") from exc
        except SourceError as exc:
            if "HTTP 4" in str(exc):
                raise ArchiveError(str(exc)) from exc
            raise
        return _extract_zip(local, workdir, spec, limits, layout)
    path = Path(spec).expanduser()
    if not path.exists():
        raise ArchiveError(f"{spec}: no such file or directory")
    if path.is_dir():
        return _find_data_dir(path, spec, layout.marker, layout.kind)
    return _extract_zip(path, workdir, spec, limits, layout)


def file_entry(name: str, path: Path) -> ArchiveFile:
    """``path`` with its checksum and size, named ``name`` in the source."""
    return ArchiveFile(name, path, _sha256(path), path.stat().st_size)


def open_archive(
    spec: str,
    workdir: Path,
    *,
    on_download: Callable[[int, int | None], None] | None = None,
    timeout: float = 60.0,
    attempts: int = 4,
    limits: ArchiveLimits,
) -> ArchiveSource:
    """Make ``spec`` (directory, zip path or URL) available as local files under ``workdir``.

    Raises:
        ArchiveError: the source does not exist, is not an Ergast-format archive, or is
            larger than ``limits`` allow.
        SourceError: a URL could not be downloaded.
    """
    directory = local_copy(
        spec,
        workdir,
        layout=ERGAST_LAYOUT,
        limits=limits,
        on_download=on_download,
        timeout=timeout,
        attempts=attempts,
    )
    kept = [
        p for p in sorted(directory.iterdir()) if p.is_file() and p.name.endswith(KEPT_SUFFIXES)
    ]
    check_sizes(spec, {p.name: p.stat().st_size for p in kept}, limits)
    files = {p.name: file_entry(p.name, p) for p in kept}
    return ArchiveSource(origin=spec, directory=directory, files=files)
