"""Silver → gold: discover the models, order them, build, check, publish, record.

The whole build runs in one transaction: a failing model or a failing ``error`` check rolls
back, so the gold tables readers see are always a complete, checked set. Only then is each
gold table written to the lake as ``gold/<name>.parquet`` and the build recorded in
``meta.builds``. A build is skipped when neither silver nor any model's code changed since
the last one (a fingerprint of silver row counts and row hashes plus model code hashes), so
calling it after every incremental update costs a few milliseconds when nothing is new.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from undercut.config import Settings
from undercut.errors import ValidationError, WarehouseError
from undercut.lake import Lake
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult, checks_dir, load_checks, run_check
from undercut.warehouse.models import Model, discover

Step = Callable[[str], None]

_BUILDS_DDL = (
    "create table if not exists meta.builds (build_id varchar, built_at timestamp, "
    "fingerprint varchar, forced boolean, seconds double, models json, warnings integer)"
)


@dataclass
class BuildResult:
    status: str  # "built" | "up_to_date"
    fingerprint: str
    row_counts: dict[str, int] = field(default_factory=dict)
    model_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0


def silver_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Row count and an order-independent sum of row hashes for every silver table."""
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'silver' "
        "order by table_name"
    ).fetchall()]
    if not names:
        raise WarehouseError("silver is empty; run `undercut ingest archive` first")
    parts = [
        f"select '{name}', count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar "
        f"from silver.{name} as t"
        for name in names
    ]
    rows = con.execute(" union all ".join(parts)).fetchall()
    return {str(name): f"{count}:{digest}" for name, count, digest in rows}


def fingerprint(con: duckdb.DuckDBPyConnection, models: list[Model]) -> str:
    """What a gold build is a function of: silver content and the models' code."""
    payload = {
        "silver": silver_fingerprint(con),
        "models": {m.name: m.code_hash() for m in models},
        "checks": {c.name: hashlib.sha256(c.sql.encode()).hexdigest()
                   for c in load_checks(checks_dir("gold"))},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def last_build_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    if not db.table_exists(con, "meta.builds"):
        return None
    row = con.execute(
        "select fingerprint from meta.builds order by built_at desc limit 1"
    ).fetchone()
    return str(row[0]) if row else None


def _build_model(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    try:
        if model.sql is not None:
            con.execute(f"create or replace table gold.{model.name} as {model.sql}")
        else:
            assert model.build is not None
            data = model.build(con)
            con.register("_python_model", data)
            try:
                con.execute(
                    f"create or replace table gold.{model.name} as select * from _python_model"
                )
            finally:
                con.unregister("_python_model")
    except duckdb.Error as exc:
        detail = str(exc).strip().splitlines()[0]
        raise WarehouseError(f"{model.origin}: building gold.{model.name} failed: {detail}") \
            from exc


def _publish(con: duckdb.DuckDBPyConnection, lake: Lake, names: list[str]) -> None:
    for name in names:
        staged = lake.staging_path("gold", f"{name}.parquet")
        quoted = staged.replace("'", "''")
        con.execute(f"copy gold.{name} to '{quoted}' (format parquet)")
        lake.commit_staged(Path(staged), "gold", f"{name}.parquet")


def build_gold(
    settings: Settings, *, force: bool = False, on_step: Step | None = None
) -> BuildResult:
    """Build every gold model from silver, check it, publish it to the lake, record it.

    Safe to call after each incremental update: it returns ``up_to_date`` at once when
    silver and the models are unchanged since the last build (unless ``force``).

    Raises:
        WarehouseError: no warehouse yet, or a model failed to build.
        ValidationError: a gold check of severity ``error`` returned rows.
    """
    started = time.perf_counter()
    step = on_step or (lambda _msg: None)
    with db.open_warehouse(settings) as con:
        step("discovering models")
        models = discover()
        digest = fingerprint(con, models)
        if not force and last_build_fingerprint(con) == digest:
            return BuildResult("up_to_date", digest, seconds=time.perf_counter() - started)

        result = BuildResult("built", digest)
        con.execute("begin transaction")
        try:
            for model in models:
                step(f"building gold.{model.name}")
                began = time.perf_counter()
                _build_model(con, model)
                result.model_seconds[model.name] = time.perf_counter() - began
            step("checking gold")
            checks = [run_check(con, check) for check in load_checks(checks_dir("gold"))]
            errors = [c for c in checks if not c.passed and c.severity == "error"]
            if errors:
                more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
                raise ValidationError(errors[0].describe() + more,
                                      {"checks": [c.as_dict() for c in checks]})
            result.warnings = [c for c in checks if not c.passed]
            for model in models:
                row = con.execute(f"select count(*) from gold.{model.name}").fetchone()
                result.row_counts[model.name] = int(row[0]) if row else 0
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        # Recorded only once published, so a failed Parquet write is retried next time.
        step("writing gold Parquet")
        _publish(con, Lake.from_settings(settings), [m.name for m in models])
        result.seconds = time.perf_counter() - started
        con.execute(_BUILDS_DDL)
        con.execute(
            "insert into meta.builds values (?, ?, ?, ?, ?, ?, ?)",
            [uuid.uuid4().hex, datetime.now(UTC).replace(tzinfo=None), digest, force,
             result.seconds, json.dumps(result.row_counts), len(result.warnings)],
        )
    return result
