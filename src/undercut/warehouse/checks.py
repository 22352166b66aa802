"""Data checks written as queries that return the violating rows (0 rows = pass).

Each check is a ``.sql`` file whose header comments declare ``severity`` (error or
warning), the ``file``/``table`` and ``column`` it speaks about and a ``message``. A check
returns ``line`` (or any locating column) and ``value`` for every violation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from undercut.sql import SqlFolder, header

SAMPLE_ROWS = 5


@dataclass
class CheckResult:
    name: str
    severity: str
    where: str
    column: str
    message: str
    failures: int
    samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failures == 0

    def describe(self) -> str:
        """One line naming file, line and column: what a user needs to fix it."""
        if not self.samples:
            return f"{self.where}: {self.message}"
        first = self.samples[0]
        located = f"{self.where} line {first['line']}" if "line" in first else self.where
        column = f", column '{self.column}'" if self.column else ""
        value = f" (value {first['value']!r})" if "value" in first else ""
        more = f" [{self.failures} rows]" if self.failures > 1 else ""
        return f"{located}{column}: {self.message}{value}{more}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    where: str
    column: str
    message: str
    sql: str

    @classmethod
    def from_file(cls, path: Path) -> Check:
        text = SqlFolder(path.parent).read(path.stem)
        meta = header(text)
        severity = meta.get("severity", "error")
        if severity not in {"error", "warning"}:
            raise ValueError(f"{path}: severity must be error or warning, not {severity!r}")
        return cls(
            name=path.stem,
            severity=severity,
            where=meta.get("file") or meta.get("table") or path.stem,
            column=meta.get("column", ""),
            message=meta.get("message", path.stem.replace("_", " ")),
            sql=text,
        )


def run_check(con: duckdb.DuckDBPyConnection, check: Check) -> CheckResult:
    cursor = con.execute(check.sql)
    columns = [d[0] for d in cursor.description or []]
    rows = cursor.fetchall()
    samples = [dict(zip(columns, row, strict=True)) for row in rows[:SAMPLE_ROWS]]
    return CheckResult(
        check.name, check.severity, check.where, check.column, check.message, len(rows), samples
    )


def load_checks(directory: Path) -> list[Check]:
    return [Check.from_file(p) for p in sorted(directory.glob("*.sql"))]


def checks_dir(layer: str) -> Path:
    return Path(__file__).parent / "checks" / layer
