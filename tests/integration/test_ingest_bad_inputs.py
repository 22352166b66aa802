"""Broken archives fail with one precise line, exit code 2, and the old warehouse intact."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from support.httpserver import LocalServer, Reply
from support.jobs import BIN, cli_env, zip_archive
from undercut.cli import main
from undercut.config import get_settings
from undercut.errors import ArchiveError, ValidationError
from undercut.ingest.archive import ingest_archive


def _replace_line(path: Path, line_no: int, new: str) -> None:
    lines = path.read_text().split("\n")
    lines[line_no - 1] = new
    path.write_text("\n".join(lines))


def _rename_header_column(path: Path, old: str, new: str) -> None:
    lines = path.read_text().split("\n")
    lines[0] = lines[0].replace(old, new)
    path.write_text("\n".join(lines))


def _non_utf8(path: Path) -> None:
    data = path.read_bytes().split(b"\n")
    data[4] = data[4].replace(b"e", b"\xe9", 1)  # a Latin-1 "é" inside line 5
    path.write_bytes(b"\n".join(data))


def _duplicate_pk(path: Path) -> None:
    lines = path.read_text().split("\n")
    lines.insert(3, lines[1])
    path.write_text("\n".join(lines))


def _set_field(path: Path, line_no: int, column: str, value: str) -> None:
    lines = path.read_text().split("\n")
    header = lines[0].split(",")
    fields = lines[line_no - 1].split(",")
    fields[header.index(column)] = value
    lines[line_no - 1] = ",".join(fields)
    path.write_text("\n".join(lines))


def _truncate_last_line(path: Path, fields: int) -> None:
    """End the file inside its last row, at a field boundary, without a final newline."""
    lines = path.read_text().rstrip("\n").split("\n")
    lines[-1] = ",".join(lines[-1].split(",")[:fields])
    path.write_text("\n".join(lines))


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


def _unknown_race(path: Path) -> None:
    lines = path.read_text().split("\n")
    fields = lines[9].split(",")
    fields[1] = "99999"
    lines[9] = ",".join(fields)
    path.write_text("\n".join(lines))


BREAKAGES: dict[str, tuple[Callable[[Path], None], type[Exception], str]] = {
    "missing_table": (
        lambda a: (a / "results.csv").unlink(),
        ArchiveError,
        "missing required table.*results.csv",
    ),
    "missing_header_column": (
        lambda a: _rename_header_column(a / "results.csv", "statusId", "status_id"),
        ArchiveError,
        r"results.csv line 1: header lacks column\(s\) 'statusId'",
    ),
    "non_utf8": (
        lambda a: _non_utf8(a / "drivers.csv"),
        ArchiveError,
        r"drivers.csv line 5, column \d+: invalid UTF-8 byte 0xe9",
    ),
    "bad_value": (
        lambda a: _replace_line(
            a / "races.csv", 3, '2,2009,2,2,"Malaysian","2009-13-45","09:00:00",""'
        ),
        ArchiveError,
        r"races.csv line 3, column 'date': '2009-13-45'",
    ),
    "duplicated_primary_key": (
        lambda a: _duplicate_pk(a / "results.csv"),
        ValidationError,
        r"results.csv line 4, column 'resultId': duplicated primary key",
    ),
    "unknown_race": (
        lambda a: _unknown_race(a / "results.csv"),
        ValidationError,
        r"results.csv line 10, column 'raceId': refers to a race that races.csv "
        r"lacks \(value 99999\)",
    ),
    "empty_file": (
        lambda a: (a / "qualifying.csv").write_bytes(b""),
        ArchiveError,
        r"qualifying.csv: empty file",
    ),
    "header_only": (
        lambda a: (a / "status.csv").write_text("statusId,status\n"),
        ArchiveError,
        r"status.csv: no data rows",
    ),
    "negative_points": (
        lambda a: _replace_line(
            a / "results.csv",
            2,
            "1,18,1,1,22,1,1,1,1,-10,58,1:34:50.616,5690616,39,2,1:27.452,218.3,1",
        ),
        ValidationError,
        r"results.csv line 2, column 'points'",
    ),
    "nul_byte": (
        lambda a: (a / "circuits.csv").write_bytes(
            (a / "circuits.csv").read_bytes().replace(b"Albert Park", b"Al\x00bert Park", 1)
        ),
        ArchiveError,
        r"circuits.csv line 2, column 'name': control character U\+0000 in 'Al\\x00bert Park",
    ),
    "line_break_in_field": (
        lambda a: (a / "drivers.csv").write_bytes(
            (a / "drivers.csv").read_bytes().replace(b'"Hamilton"', b'"Hamil\nton"', 1)
        ),
        ArchiveError,
        r"drivers.csv line 2, column 'surname': control character U\+000A in 'Hamil\\nton'",
    ),
    "endless_qualifying_lap": (
        lambda a: _set_field(a / "qualifying.csv", 2, "q1", "99999:26.572"),
        ArchiveError,
        r"qualifying.csv line 2, column 'q1': '99999:26.572' is not a valid duration",
    ),
    "truncated_last_row": (
        lambda a: _truncate_last_line(a / "races.csv", 6),
        ArchiveError,
        r"races.csv line 1150: the file ends inside a row \(6 of 18 fields",
    ),
    "truncated_row_with_newline": (
        lambda a: (_truncate_last_line(a / "races.csv", 7), _append(a / "races.csv", b"\n")),
        ArchiveError,
        r"races.csv line 1150: 7 fields, the header has 18; a row may stop after 'url'",
    ),
    "short_row": (
        lambda a: _replace_line(a / "results.csv", 5, "4,18,4,4,5,11,4,4,4,5"),
        ArchiveError,
        r"results.csv line 5: 10 fields, the header has 18",
    ),
    "long_row": (
        lambda a: _replace_line(
            a / "qualifying.csv", 3, "2,18,9,2,4,2,1:26.103,1:25.315,1:26.869,9"
        ),
        ArchiveError,
        r"qualifying.csv line 3: 10 fields, the header has 9",
    ),
}


def _setting(file: str, line_no: int, column: str, value: str) -> Callable[[Path], None]:
    return lambda archive: _set_field(archive / file, line_no, column, value)


# Values outside a column's physical bounds: (file, line, column, value, the refusal).
OUT_OF_RANGE = [
    ("results.csv", 2, "laps", "5800000", r"outside 0 \.\. 1000 \(value 5800000\)"),
    ("results.csv", 3, "points", "1e308", r"outside 0 \.\. 10000 \(value 1e\+308\)"),
    ("results.csv", 4, "grid", "2147483647", "outside 0 .. 1000"),
    ("driver_standings.csv", 4, "points", "nan", "outside"),
    ("circuits.csv", 3, "lat", "inf", r"outside -90 \.\. 90"),
    ("seasons.csv", 2, "year", "99999", "outside"),
    ("qualifying.csv", 2, "q1", "30:00:00.000", r"outside 0 \.\. 86400000 ms \(value 108000000\)"),
]
BREAKAGES.update(
    {
        f"out_of_range_{column}_in_{file.removesuffix('.csv')}": (
            _setting(file, line, column, value),
            ValidationError,
            rf"{file} line {line}, column '{column}': {refusal}",
        )
        for file, line, column, value, refusal in OUT_OF_RANGE
    }
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _loaded_state(home: Path) -> dict[str, str]:
    """Digest of the warehouse and of every bronze and silver file: what a refused ingest
    must leave alone."""
    files = [
        home / "warehouse.duckdb",
        *(home / "bronze").rglob("*"),
        *(home / "silver").rglob("*"),
    ]
    return {str(p.relative_to(home)): _digest(p) for p in files if p.is_file()}


@pytest.fixture(scope="module")
def good_home(archive_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("good-home")
    ingest_archive(get_settings(home=str(home)), str(archive_dir))
    return home


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_archive_is_rejected_and_warehouse_kept(
    case: str, archive_copy: Path, good_home: Path, tmp_path: Path
) -> None:
    breaker, error, pattern = BREAKAGES[case]
    breaker(archive_copy)
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    settings = get_settings(home=str(home))
    before = _loaded_state(home)
    assert any(name.startswith("silver/") for name in before)
    with pytest.raises(error, match=pattern):
        ingest_archive(settings, str(archive_copy))
    assert _loaded_state(home) == before
    assert not list(home.glob(".warehouse-*")), "temporary warehouse left behind"


@pytest.mark.parametrize(
    "case", ["unknown_race", "nul_byte", "truncated_last_row", "out_of_range_points_in_results"]
)
def test_cli_reports_one_line_and_exit_2(
    case: str, archive_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, _, pattern = BREAKAGES[case]
    breaker(archive_copy)
    code = main(["ingest", "archive", "--source", str(archive_copy), "--home", str(tmp_path / "h")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert re.search(pattern, err), err
    assert "Traceback" not in err


def test_truncated_zip(archive_dir: Path, tmp_path: Path) -> None:
    zipped = Path(shutil.make_archive(str(tmp_path / "data"), "zip", archive_dir))
    data = zipped.read_bytes()
    zipped.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match=r"not a zip file|corrupt or truncated"):
        ingest_archive(get_settings(home=str(tmp_path / "h")), str(zipped))


def test_zip_with_corrupted_member(archive_dir: Path, tmp_path: Path) -> None:
    zipped = Path(shutil.make_archive(str(tmp_path / "data"), "zip", archive_dir))
    data = bytearray(zipped.read_bytes())
    data[2000:2100] = b"\x00" * 100  # damage the compressed body, keep the directory
    zipped.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match=r"corrupt or truncated|not a zip"):
        ingest_archive(get_settings(home=str(tmp_path / "h")), str(zipped))


def test_nonexistent_path(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no such file or directory"):
        ingest_archive(get_settings(home=str(tmp_path / "h")), str(tmp_path / "nope"))


def test_url_source(archive_dir: Path, tmp_path: Path) -> None:
    staging = tmp_path / "zip-src" / "data"
    shutil.copytree(archive_dir, staging)
    body = Path(
        shutil.make_archive(str(tmp_path / "data"), "zip", tmp_path / "zip-src")
    ).read_bytes()
    routes = {"/data.zip": [Reply(503), Reply(200, body, {"Content-Type": "application/zip"})]}
    settings = get_settings(home=str(tmp_path / "h"), http_retries=3)
    with LocalServer(routes) as server:
        result = ingest_archive(settings, f"{server.url}/data.zip")
        assert result.row_counts["race_results"] == 27118
        again = ingest_archive(settings, f"{server.url}/data.zip")
    assert again.status == "up_to_date"


def test_url_404_and_non_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    routes = {"/page.zip": [Reply(200, b"<html>not a zip</html>")]}
    with LocalServer(routes) as server:
        home = str(tmp_path / "h")
        assert (
            main(["ingest", "archive", "--source", f"{server.url}/gone.zip", "--home", home]) == 2
        )
        assert "gone.zip: HTTP 404" in capsys.readouterr().err
        assert (
            main(["ingest", "archive", "--source", f"{server.url}/page.zip", "--home", home]) == 2
        )
        assert "page.zip: not a zip file" in capsys.readouterr().err


def test_url_larger_than_the_total_cap_is_refused_before_download(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_ARCHIVE_MAX_TOTAL_BYTES", "1000")
    routes = {"/huge.zip": [Reply(200, b"P" * 50_000)]}
    home = tmp_path / "h"
    with LocalServer(routes) as server:
        code = main(
            ["ingest", "archive", "--source", f"{server.url}/huge.zip", "--home", str(home)]
        )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "huge.zip: 50000 bytes, more than the 1000 allowed" in err
    assert "UNDERCUT_ARCHIVE_MAX_TOTAL_BYTES" in err
    assert not (home / "bronze").exists()


# --- oversized archives: refused before they reach memory or the lake --------------------
_MIB = 1 << 20
_MEASURED = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _zip_bomb(archive_dir: Path, target: Path, unpacked_mib: int) -> Path:
    """The real archive plus a one-line ``lap_times.csv`` of ``unpacked_mib`` MiB of zeros,
    compressed about 1000:1, written in blocks so the test itself stays light."""
    zip_archive(archive_dir, target)
    block = b"0" * _MIB
    with (
        zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("data/lap_times.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"raceId,driverId,lap,position,time,milliseconds\n")
        for _ in range(unpacked_mib):
            member.write(block)
    return target


@pytest.mark.parametrize(
    ("limits", "refusal"),
    [
        ({}, r"data/lap_times.csv unpacks \d+ times its compressed size, more than 100"),
        (
            {"UNDERCUT_ARCHIVE_MAX_MEMBER_BYTES": "50000000", "UNDERCUT_ARCHIVE_MAX_RATIO": "1e9"},
            r"data/lap_times.csv is \d+ bytes unpacked, more than 50000000",
        ),
    ],
    ids=["default_ratio", "member_size"],
)
def test_zip_bomb_is_refused_in_small_memory(
    archive_dir: Path, tmp_path: Path, limits: dict[str, str], refusal: str
) -> None:
    bomb = _zip_bomb(archive_dir, tmp_path / "bomb.zip", unpacked_mib=300)
    assert bomb.stat().st_size < 3 * _MIB
    home = tmp_path / "home"
    command = [str(BIN / "undercut"), "ingest", "archive", "--source", str(bomb)]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *command],
        env=cli_env(home, **limits),
        capture_output=True,
        text=True,
        check=True,
    )
    *stderr, last = done.stdout.strip().splitlines()
    code, max_rss_kib = (int(x) for x in last.split())
    print(
        f"zip bomb ({'default' if not limits else 'low cap'}): peak RSS {max_rss_kib // 1024} MiB"
    )
    assert code == 2
    assert len(stderr) == 1, stderr
    assert re.search(refusal, stderr[0]), stderr[0]
    assert max_rss_kib < 500 * 1024
    assert not (home / "bronze").exists()
    assert not [p for p in home.rglob("*") if p.is_file() and p.stat().st_size > _MIB]


def test_zip_over_total_cap_is_refused(archive_dir: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "data.zip"
    zip_archive(archive_dir, zipped)
    settings = get_settings(home=str(tmp_path / "h"), archive_max_total_bytes=3_000_000)
    with pytest.raises(ArchiveError, match=r"data/\w+\.csv takes the unpacked archive past "):
        ingest_archive(settings, str(zipped))
    assert not (tmp_path / "h" / "bronze").exists()


def test_directory_file_over_member_cap_is_refused(archive_copy: Path, tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path / "h"), archive_max_member_bytes=1_000_000)
    with pytest.raises(
        ArchiveError, match=r"results.csv is 1641324 bytes unpacked, more than 1000000"
    ):
        ingest_archive(settings, str(archive_copy))


def test_overlong_line_is_refused_unread(archive_copy: Path, tmp_path: Path) -> None:
    with (archive_copy / "lap_times.csv").open("wb") as handle:
        handle.write(b"raceId,driverId,lap,position,time,milliseconds\n")
        handle.write(b"1," * (3 * _MIB))
    with pytest.raises(ArchiveError, match=r"lap_times.csv line 2: longer than 1048576 bytes"):
        ingest_archive(get_settings(home=str(tmp_path / "h")), str(archive_copy))
