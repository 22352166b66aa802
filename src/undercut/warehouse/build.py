"""Silver → gold: discover the models, order them, build, check, publish, record.

The whole build runs in one transaction: a failing model or a failing ``error`` check rolls
back, so the gold tables readers see are always a complete, checked set. Only then is each
gold table written to the lake as ``gold/<name>.parquet`` and the build recorded in
``meta.builds``. A build is skipped when neither silver nor any model's code changed since
the last one (a fingerprint of silver row counts and row hashes plus model code hashes), so
calling it after every incremental update costs a few milliseconds when nothing is new.

Builds are incremental per model: each model's fingerprint covers its code, the silver
tables it reads and the fingerprints of the gold models it reads (``meta.gold_models``
keeps the last one built), so only models downstream of what changed are rebuilt and
re-published; the Elo models also continue from the races they already rated. ``--force``
rebuilds every model from scratch.
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
_MODELS_DDL = (
    "create table if not exists meta.gold_models (name varchar primary key, "
    "fingerprint varchar, code_hash varchar, built_at timestamp, seconds double)"
)


@dataclass
class BuildResult:
    status: str  # "built" | "up_to_date"
    fingerprint: str
    row_counts: dict[str, int] = field(default_factory=dict)
    model_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def silver_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Row count and an order-independent sum of row hashes for every silver table."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'silver' "
            "order by table_name"
        ).fetchall()
    ]
    if not names:
        raise WarehouseError("silver is empty; run `undercut ingest archive` first")
    parts = [
        f"select '{name}', count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar "
        f"from silver.{name} as t"
        for name in names
    ]
    rows = con.execute(" union all ".join(parts)).fetchall()
    return {str(name): f"{count}:{digest}" for name, count, digest in rows}


def model_fingerprints(models: list[Model], silver: dict[str, str]) -> dict[str, str]:
    """Per model (in build order): its code, the silver tables it reads, and the
    fingerprints of the gold models it reads — equal means its output would be equal."""
    found: dict[str, str] = {}
    for model in models:
        payload = {
            "code": model.code_hash(),
            "silver": {
                d: silver.get(d.partition(".")[2], "absent")
                for d in sorted(model.depends_on)
                if d.startswith("silver.")
            },
            "gold": {d: found[d] for d in sorted(model.gold_dependencies)},
        }
        found[model.name] = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return found


def _previous_models(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    if not db.table_exists(con, "meta.gold_models"):
        return {}
    rows = con.execute("select name, fingerprint, code_hash from meta.gold_models").fetchall()
    return {str(name): (str(fp), str(code)) for name, fp, code in rows}


def fingerprint(
    con: duckdb.DuckDBPyConnection, models: list[Model], silver: dict[str, str] | None = None
) -> str:
    """What a gold build is a function of: silver content and the models' code."""
    payload = {
        "silver": silver if silver is not None else silver_fingerprint(con),
        "models": {m.name: m.code_hash() for m in models},
        "checks": {
            c.name: hashlib.sha256(c.sql.encode()).hexdigest()
            for c in load_checks(checks_dir("gold"))
        },
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
        raise WarehouseError(
            f"{model.origin}: building gold.{model.name} failed: {detail}"
        ) from exc


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
        silver = silver_fingerprint(con)
        digest = fingerprint(con, models, silver)
        if not force and last_build_fingerprint(con) == digest:
            return BuildResult("up_to_date", digest, seconds=time.perf_counter() - started)

        result = BuildResult("built", digest)
        current = model_fingerprints(models, silver)
        previous = {} if force else _previous_models(con)
        con.execute("begin transaction")
        try:
            for model in models:
                fp, code = previous.get(model.name, (None, None))
                if fp == current[model.name] and db.table_exists(con, f"gold.{model.name}"):
                    result.skipped.append(model.name)
                    continue
                if model.is_python and code != model.code_hash():
                    # Python models may continue from their previous output; not across
                    # a change of their code, nor when forced.
                    con.execute(f"drop table if exists gold.{model.name}")
                step(f"building gold.{model.name}")
                began = time.perf_counter()
                _build_model(con, model)
                result.model_seconds[model.name] = time.perf_counter() - began
                result.rebuilt.append(model.name)
            step("checking gold")
            checks = [run_check(con, check) for check in load_checks(checks_dir("gold"))]
            errors = [c for c in checks if not c.passed and c.severity == "error"]
            if errors:
                more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
                raise ValidationError(
                    errors[0].describe() + more, {"checks": [c.as_dict() for c in checks]}
                )
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
        lake = Lake.from_settings(settings)
        _publish(
            con,
            lake,
            [
                m.name
                for m in models
                if m.name in result.rebuilt or not lake.exists("gold", f"{m.name}.parquet")
            ],
        )
        result.seconds = time.perf_counter() - started
        con.execute(_MODELS_DDL)
        now = datetime.now(UTC).replace(tzinfo=None)
        for model in models:
            if model.name in result.rebuilt:
                con.execute(
                    "insert or replace into meta.gold_models values (?, ?, ?, ?, ?)",
                    [
                        model.name,
                        current[model.name],
                        model.code_hash(),
                        now,
                        result.model_seconds[model.name],
                    ],
                )
        con.execute(_BUILDS_DDL)
        con.execute(
            "insert into meta.builds values (?, ?, ?, ?, ?, ?, ?)",
            [
                uuid.uuid4().hex,
                datetime.now(UTC).replace(tzinfo=None),
                digest,
                force,
                result.seconds,
                json.dumps(result.row_counts),
                len(result.warnings),
            ],
        )
    return result
