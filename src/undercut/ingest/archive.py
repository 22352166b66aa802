"""Archive → bronze → silver → warehouse, atomically and idempotently.

The new warehouse is built beside the current one and swapped in only after every file
parsed, every value typed and every ``error`` check passed, so a broken archive never
damages a good warehouse. An archive whose content hash matches the last one loaded is
recognised and nothing is rewritten.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from undercut.config import Settings
from undercut.errors import ArchiveError, ValidationError
from undercut.lake import Lake
from undercut.sources.archive import ArchiveLimits, ArchiveSource, open_archive
from undercut.sources.archive_tables import DURATION, MAX_LINE_BYTES, TABLES, ArchiveTable
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult, checks_dir, load_checks, run_check

Step = Callable[[str], None]


@dataclass
class IngestResult:
    status: str  # "loaded" | "up_to_date"
    content_hash: str
    origin: str
    row_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    report_path: str | None = None
    seconds: float = 0.0


INGEST_STEPS = 7


def last_loaded_hash(warehouse: Path) -> str | None:
    """Content hash of the archive the current warehouse was built from, if any."""
    if not warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(
            "select content_hash from meta.ingests order by loaded_at desc limit 1"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


# Control characters (C0, DEL, C1) have no place in any field of the archive: a NUL inside
# a name breaks PostgreSQL and every consumer downstream. In text, line ends are allowed.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_CR = re.compile(r"\r(?!\n)")
_BLOCK_BYTES = 4 << 20  # read at a time (extended to the end of its last line)


def _control_in_text(text: str) -> re.Match[str] | None:
    """The first control character of ``text`` that is not part of a line end."""
    return _CONTROL_IN_TEXT.search(text) or (_LONE_CR.search(text) if "\r" in text else None)


def _control_error(name: str, header: list[str], number: int, fields: list[str]) -> ArchiveError:
    """The error for a control character in the row starting on line ``number``."""
    for index, value in enumerate(fields):
        found = _CONTROL.search(value)
        if found:
            column = f"column '{header[index]}'" if index < len(header) else f"field {index + 1}"
            return ArchiveError(
                f"{name} line {number}, {column}: control character "
                f"U+{ord(found.group()):04X} in {value!r}"
            )
    return ArchiveError(f"{name} line {number}: a control character")


def _decoded(name: str, raw: bytes, number: int, encoding: str = "utf-8") -> str:
    """``raw`` (whole lines, the first numbered ``number``) as text, or the line and
    column of its first byte that is not UTF-8, of its first line over ``MAX_LINE_BYTES``."""
    lengths = [len(line) for line in raw.split(b"\n")]
    if max(lengths) > MAX_LINE_BYTES:
        where = number + lengths.index(max(lengths))
        raise ArchiveError(f"{name} line {where}: longer than {MAX_LINE_BYTES} bytes")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        where = number + raw.count(b"\n", 0, exc.start)
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArchiveError(
            f"{name} line {where}, column {column}: invalid UTF-8 byte 0x{raw[exc.start]:02x}"
        ) from exc


def _lines(name: str, header: list[str], handle: BinaryIO, end: dict[str, bool]) -> Iterator[str]:
    """The lines after the header, read in blocks of whole lines, each block checked for
    line length, UTF-8 and control characters at once; ``end["open"]`` tells whether the
    line just given lacks its newline (only the file's last line can)."""
    number = 2
    while raw := handle.read(_BLOCK_BYTES):
        if not raw.endswith(b"\n"):
            raw += handle.readline(MAX_LINE_BYTES + 1)
        text = _decoded(name, raw, number)
        found = _control_in_text(text)
        if found:
            line = number + text.count("\n", 0, found.start())
            body = text.split("\n")[line - number].removesuffix("\r")
            raise _control_error(name, header, line, next(csv.reader([body]), [body]))
        for piece in io.StringIO(text, newline="\n"):
            end["open"] = not piece.endswith("\n")
            yield piece
        number += text.count("\n")


def _refuse_bad_row(name: str, header: list[str], shortest: int, handle: BinaryIO) -> None:
    """Find and refuse the first row whose shape is wrong (the slow path of ``_scan_csv``)."""
    end = {"open": False}
    reader = csv.reader(_lines(name, header, handle, end), strict=True)
    blank = 0
    number = 2
    for row in reader:
        if reader.line_num + 1 != number:  # a line break inside a quoted field
            raise _control_error(name, header, number, row)
        fields = len(row)
        if not row:
            blank = blank or number
        elif blank:
            raise ArchiveError(f"{name} line {blank}: an empty line between rows")
        elif fields < len(header) and end["open"]:
            raise ArchiveError(
                f"{name} line {number}: the file ends inside a row ({fields} of "
                f"{len(header)} fields, no final newline); truncated?"
            )
        elif fields > len(header) or fields < shortest:
            may_stop = (
                f"; a row may stop after {header[shortest - 1]!r}" if shortest < len(header) else ""
            )
            raise ArchiveError(
                f"{name} line {number}: {fields} fields, the header has {len(header)}{may_stop}"
            )
        number = reader.line_num + 2


def _scan_csv(table: ArchiveTable, path: Path) -> list[str]:
    """Read the file, streaming, and refuse what DuckDB would accept silently.

    Checked here, where a precise line and column can be named: UTF-8, the line length
    (``MAX_LINE_BYTES``, so a one-line bomb never reaches memory), control characters in
    any field, and the number of fields of every row: a row may stop early only before
    the columns its table's ``row_may_omit`` names (``races.csv`` has such rows), and a
    file that ends inside a short row without a final newline is truncated. Row shapes are counted
    at C speed; only a file with a suspect shape is read again to name the row. Returns
    the header.
    """
    name = table.file_name
    with path.open("rb") as handle:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        first = _decoded(name, raw, 1, "utf-8-sig")
        header = [h.strip() for h in next(csv.reader([first]), [])]
        if not header:
            raise ArchiveError(f"{name}: empty file (no header line)")
        if _control_in_text(first):
            raise _control_error(name, [], 1, header)
        missing = [c for c in table.required_columns() if c not in header]
        if missing:
            raise ArchiveError(
                f"{name} line 1: header lacks column(s) {', '.join(map(repr, missing))}"
            )
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            raise ArchiveError(f"{name} line 1: duplicated header column(s) {duplicated}")
        shortest = len(header)
        while shortest > 1 and header[shortest - 1] in table.row_may_omit:
            shortest -= 1
        end = {"open": False}
        reader = csv.reader(_lines(name, header, handle, end), strict=True)
        try:
            shapes = Counter(map(len, reader))
            if (
                reader.line_num != shapes.total()
                or end["open"]
                or any(not shortest <= fields <= len(header) for fields in shapes)
            ):
                handle.seek(len(raw))
                _refuse_bad_row(name, header, shortest, handle)
        except csv.Error as exc:
            raise ArchiveError(f"{name} line {reader.line_num + 1}: not valid CSV ({exc})") from exc
    return header


def _stage_table(
    con: duckdb.DuckDBPyConnection, table: ArchiveTable, path: Path | None
) -> list[str]:
    """Load one CSV as text (``archive_raw``), then type it (``archive``).

    Returns the header columns the file has that the declared layout does not (kept in
    bronze, ignored here).
    """
    name = table.name
    header = _scan_csv(table, path) if path else []
    if path:
        columns = {h: "VARCHAR" for h in header}
        try:
            con.execute(
                f"create table archive_raw.{name} as "
                "select (row_number() over ()) + 1 as _line, * from read_csv(?, header = true, "
                "columns = ?, auto_detect = false, delim = ',', nullstr = ['\\N', ''], "
                "null_padding = true, quote = '\"', escape = '\"', encoding = 'utf-8', "
                "parallel = false)",
                [str(path), columns],
            )
        except duckdb.Error as exc:
            detail = str(exc).strip().splitlines()[0]
            raise ArchiveError(f"{table.file_name}: cannot be parsed as CSV: {detail}") from exc
    present = set(header)
    selects = ["_line" if path else "null::bigint as _line"]
    bad_checks = []
    for column, kind in table.columns.items():
        target = "VARCHAR" if kind == DURATION else kind
        if column not in present:
            selects.append(f'null::{target} as "{column}"')
            continue
        selects.append(
            f'try_cast(trim("{column}") as {target}) as "{column}"'
            if target != "VARCHAR"
            else f'"{column}"'
        )
        if kind == DURATION:
            bad = f'"{column}" is not null and duration_ms("{column}") is null'
        elif target != "VARCHAR":
            bad = f'"{column}" is not null and try_cast(trim("{column}") as {target}) is null'
        else:
            continue
        bad_checks.append((column, kind, bad))
    if path and bad_checks:
        probes = ", ".join(f"min(_line) filter (where {bad})" for _, _, bad in bad_checks)
        row = con.execute(f"select {probes} from archive_raw.{name}").fetchone()
        assert row is not None
        failures = [
            (line, col, kind) for line, (col, kind, _) in zip(row, bad_checks, strict=True) if line
        ]
        if failures:
            line, column, kind = min(failures)
            value = con.execute(
                f'select "{column}" from archive_raw.{name} where _line = ?', [line]
            ).fetchone()
            raise ArchiveError(
                f"{table.file_name} line {line}, column '{column}': {value[0]!r} "  # type: ignore[index]
                f"is not a valid {kind.lower()}"
            )
    source = f"archive_raw.{name}" if path else "(select 1) as empty where false"
    con.execute(f"create table archive.{name} as select {', '.join(selects)} from {source}")
    return [h for h in header if h not in table.columns]


def _generic_checks(con: duckdb.DuckDBPyConnection, table: ArchiveTable) -> list[CheckResult]:
    """Primary keys, required values, foreign keys and minimum row counts from the layout."""
    results: list[CheckResult] = []
    name, file = table.name, table.file_name

    def collect(
        check: str, column: str, message: str, sql: str, params: list[Any] | None = None
    ) -> None:
        rows = con.execute(sql, params or []).fetchall()
        samples = [{"line": r[0], "value": r[1]} for r in rows[:5]]
        count = len(rows)
        results.append(
            CheckResult(f"{name}_{check}_{column}", "error", file, column, message, count, samples)
        )

    if table.primary_key:
        key = ", ".join(f'"{c}"' for c in table.primary_key)
        collect(
            "primary_key",
            "/".join(table.primary_key),
            "duplicated primary key",
            f"select max(_line), concat_ws('/', {key}) from archive.{name} "
            f"group by {key} having count(*) > 1 order by 1",
        )
    for column in table.not_null:
        collect(
            "not_null",
            column,
            "a required value is missing",
            f'select _line, null from archive.{name} where "{column}" is null order by 1',
        )
    for column, parent in table.foreign_keys.items():
        collect(
            "foreign_key",
            column,
            f"refers to a {parent[:-1]} that {parent}.csv lacks",
            f'select c._line, c."{column}" from archive.{name} as c '
            f'where c."{column}" is not null and not exists (select 1 from archive.{parent}'
            f' as p where p."{column}" = c."{column}") order by 1',
        )
    # Bounds: one pass for every column's extremes; the rows only where one is out.
    bounds = table.bounds()
    values = {
        c: f'duration_ms("{c}")' if table.columns[c] == DURATION else f'"{c}"' for c in bounds
    }
    extremes = con.execute(
        f"select 1, {', '.join(f'min({v}), max({v})' for v in values.values())} from archive.{name}"
    ).fetchone()
    assert extremes is not None
    for index, (column, (low, high)) in enumerate(bounds.items()):
        least, most = extremes[2 * index + 1], extremes[2 * index + 2]
        unit = " ms" if table.columns[column] == DURATION else ""
        message = f"outside {_number(low)} .. {_number(high)}{unit}"
        if least is None or low <= least <= most <= high:
            results.append(CheckResult(f"{name}_range_{column}", "error", file, column, message, 0))
            continue
        value = values[column]
        collect(
            "range",
            column,
            message,
            f"select _line, {value} from archive.{name} "
            f"where {value} is not null and not ({value} between ? and ?) order by 1",
            [low, high],
        )
    return results


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _silver_tables() -> list[str]:
    return db.sql_folder("silver").names()


def _write_bronze(lake: Lake, source: ArchiveSource, row_counts: dict[str, int]) -> str:
    prefix = ("bronze", "archive", source.content_hash[:16])
    if lake.exists(*prefix, "manifest.json"):
        return lake.url(*prefix)
    for item in source.files.values():
        lake.put_file(item.path, *prefix, "files", item.name)
    manifest = {
        "source": source.origin,
        "content_hash": source.content_hash,
        "retrieved_at": datetime.now(UTC).isoformat(),
        "files": {
            item.name: {
                "sha256": item.sha256,
                "bytes": item.bytes,
                "rows": row_counts.get(item.name.removesuffix(".csv")),
            }
            for item in source.files.values()
        },
    }
    lake.write_json(manifest, *prefix, "manifest.json")
    return lake.url(*prefix)


def ingest_archive(
    settings: Settings,
    source_spec: str | None = None,
    *,
    on_step: Step | None = None,
    on_download: Callable[[int, int | None], None] | None = None,
    force: bool = False,
) -> IngestResult:
    """Load an Ergast-format archive into the lake and a fresh warehouse.

    Raises:
        ArchiveError: the archive is unreadable or lacks a required table/column.
        ValidationError: a check of severity ``error`` failed (report attached).
        SourceError: a URL could not be downloaded.
    """
    started = time.perf_counter()
    step = on_step or (lambda _msg: None)
    spec = source_spec or settings.archive
    lake = Lake.from_settings(settings)
    local = settings.local_dir
    local.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="undercut-ingest-", dir=local) as work:
        step(f"reading {spec}")
        source = open_archive(
            spec,
            Path(work),
            on_download=on_download,
            timeout=settings.http_timeout,
            attempts=settings.http_retries,
            limits=ArchiveLimits.from_settings(settings),
        )
        content_hash = source.content_hash
        if not force and last_loaded_hash(settings.warehouse_path) == content_hash:
            return IngestResult(
                "up_to_date", content_hash, spec, seconds=time.perf_counter() - started
            )

        missing = [t.file_name for t in TABLES if t.required and t.file_name not in source.files]
        if missing:
            raise ArchiveError(f"{spec}: missing required table(s): {', '.join(missing)}")

        new_db = local / f".warehouse-{uuid.uuid4().hex}.duckdb"
        try:
            result = _build_warehouse(new_db, settings, lake, source, step)
            result.seconds = time.perf_counter() - started
            os.replace(new_db, settings.warehouse_path)
        finally:
            new_db.unlink(missing_ok=True)
            Path(f"{new_db}.wal").unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


def _build_warehouse(
    new_db: Path, settings: Settings, lake: Lake, source: ArchiveSource, step: Step
) -> IngestResult:
    # Staging lives in memory; only silver and lineage are written to the new file.
    con = duckdb.connect()
    db.install_macros(con)
    try:
        quoted_db = str(new_db).replace("'", "''")
        con.execute(f"attach '{quoted_db}' as wh")
        for schema in db.SCHEMAS:
            con.execute(f"create schema wh.{schema}")
        con.execute("create schema archive_raw; create schema archive")
        step("parsing and typing tables")
        extra_columns: dict[str, list[str]] = {}
        for table in TABLES:
            item = source.files.get(table.file_name)
            extra = _stage_table(con, table, item.path if item else None)
            if extra:
                extra_columns[table.file_name] = extra

        step("validating")
        results: list[CheckResult] = []
        row_counts: dict[str, int] = {}
        for table in TABLES:
            count = con.execute(f"select count(*) from archive.{table.name}").fetchone()
            row_counts[table.name] = int(count[0]) if count else 0
            if table.file_name in source.files and row_counts[table.name] < table.min_rows:
                raise ArchiveError(f"{table.file_name}: no data rows (only a header)")
            results.extend(_generic_checks(con, table))
        results.extend(run_check(con, check) for check in load_checks(checks_dir("archive")))
        errors = [r for r in results if not r.passed and r.severity == "error"]
        warnings = [r for r in results if not r.passed and r.severity == "warning"]
        report: dict[str, Any] = {
            "source": source.origin,
            "content_hash": source.content_hash,
            "checked_at": datetime.now(UTC).isoformat(),
            "row_counts": row_counts,
            "ignored_columns": extra_columns,
            "checks": [r.as_dict() for r in results],
            "errors": len(errors),
            "warnings": len(warnings),
        }
        report_path = lake.write_json(report, "reports", "ingest-latest.json")
        if errors:
            more = f" (+{len(errors) - 1} more, see {report_path})" if len(errors) > 1 else ""
            raise ValidationError(errors[0].describe() + more, report)

        step("building silver tables")
        silver_counts: dict[str, int] = {}
        silver = db.sql_folder("silver")
        for name in _silver_tables():
            con.execute(f"create table wh.silver.{name} as {silver.read(name)}")
            count = con.execute(f"select count(*) from wh.silver.{name}").fetchone()
            silver_counts[name] = int(count[0]) if count else 0

        step("recording lineage")
        con.execute(
            "create table wh.meta.ingests (content_hash varchar, source varchar, "
            "loaded_at timestamp, row_counts json, warnings integer)"
        )
        con.execute(
            "insert into wh.meta.ingests values (?, ?, ?, ?, ?)",
            [
                source.content_hash,
                source.origin,
                datetime.now(UTC).replace(tzinfo=None),
                silver_counts,
                len(warnings),
            ],
        )

        step("writing silver Parquet")
        lake.publish_tables(con, "silver", silver_counts, schema="wh.silver")

        step("writing bronze")
        _write_bronze(lake, source, row_counts)
        con.execute("detach wh")
    finally:
        con.close()
    step("swapping in the new warehouse")
    return IngestResult(
        "loaded", source.content_hash, source.origin, silver_counts, warnings, report_path
    )
