from pathlib import Path

from undercut.config import get_settings
from undercut.sources.archive import ArchiveLimits, open_archive

LIMITS = ArchiveLimits.from_settings(get_settings())


def _write_min_archive(directory: Path) -> None:
    directory.mkdir(parents=True)
    (directory / "races.csv").write_text("raceId,year\n1,2020\n")
    (directory / "status.csv").write_text("statusId,status\n1,Finished\n")


def test_content_hash_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    _write_min_archive(tmp_path / "a")
    first = open_archive(str(tmp_path / "a"), tmp_path, limits=LIMITS).content_hash
    again = open_archive(str(tmp_path / "a"), tmp_path, limits=LIMITS).content_hash
    assert first == again
    (tmp_path / "a" / "status.csv").write_text("statusId,status\n1,Finished\n2,Engine\n")
    assert open_archive(str(tmp_path / "a"), tmp_path, limits=LIMITS).content_hash != first


def test_finds_csvs_in_a_subfolder(tmp_path: Path) -> None:
    _write_min_archive(tmp_path / "root" / "data" / "csv")
    source = open_archive(str(tmp_path / "root"), tmp_path, limits=LIMITS)
    assert source.directory == tmp_path / "root" / "data" / "csv"
    assert set(source.files) == {"races.csv", "status.csv"}
