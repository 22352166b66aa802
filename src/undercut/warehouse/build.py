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

import duckdb
import pyarrow as pa

from undercut.config import Settings
from undercut.errors import ValidationError, WarehouseError
from undercut.lake import Lake
from undercut.warehouse import db
from undercut.warehouse.checks import CheckResult, checks_dir, load_checks, run_check
from undercut.warehouse.tables import GoldTable, discover

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
    partial: dict[str, list[int]] = field(default_factory=dict)  # rebuilt for these seasons


SeasonPrints = dict[str, dict[int | None, str]]


def silver_season_fingerprints(con: duckdb.DuckDBPyConnection) -> SeasonPrints:
    """Row count and an order-independent sum of row hashes per silver table and season
    (key ``None`` for a table without a season column)."""
    columns = con.execute(
        "select table_name, bool_or(column_name = 'season') from information_schema.columns "
        "where table_schema = 'silver' group by table_name order by table_name"
    ).fetchall()
    if not columns:
        raise WarehouseError("silver is empty; run `undercut ingest archive` first")
    parts = [
        f"select '{name}', season::integer, count(*), "
        f"coalesce(sum(hash(t)::hugeint), 0)::varchar from silver.{name} as t group by season"
        if has_season
        else f"select '{name}', null::integer, count(*), "
        f"coalesce(sum(hash(t)::hugeint), 0)::varchar from silver.{name} as t"
        for name, has_season in columns
    ]
    found: SeasonPrints = {str(name): {} for name, _ in columns}
    for name, season, count, digest in con.execute(" union all ".join(parts)).fetchall():
        found[str(name)][season] = f"{count}:{digest}"
    return found


def _totals(seasons: SeasonPrints) -> dict[str, str]:
    totals = {}
    for name, prints in seasons.items():
        counts = [tuple(int(x) for x in p.split(":")) for p in prints.values()]
        totals[name] = f"{sum(c for c, _ in counts)}:{sum(d for _, d in counts)}"
    return totals


def silver_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Row count and an order-independent sum of row hashes for every silver table."""
    return _totals(silver_season_fingerprints(con))


def _previous_seasons(con: duckdb.DuckDBPyConnection) -> SeasonPrints | None:
    if not db.table_exists(con, "meta.silver_seasons"):
        return None
    found: SeasonPrints = {}
    for name, season, fp in con.execute(
        "select table_name, season, fingerprint from meta.silver_seasons"
    ).fetchall():
        found.setdefault(str(name), {})[season] = str(fp)
    return found


def _record_seasons(con: duckdb.DuckDBPyConnection, seasons: SeasonPrints) -> None:
    rows = [(n, s, fp) for n, prints in seasons.items() for s, fp in prints.items()]
    table = pa.table(
        {
            "table_name": pa.array([r[0] for r in rows], pa.string()),
            "season": pa.array([r[1] for r in rows], pa.int32()),
            "fingerprint": pa.array([r[2] for r in rows], pa.string()),
        }
    )
    con.register("_silver_seasons", table)
    try:
        con.execute("create or replace table meta.silver_seasons as select * from _silver_seasons")
    finally:
        con.unregister("_silver_seasons")


def changed_seasons(
    model: GoldTable,
    now: SeasonPrints,
    before: SeasonPrints,
    partial: dict[str, set[int]],
    skipped: set[str],
) -> set[int] | None:
    """The seasons of a ``by_season`` model whose inputs changed since its last build, or
    ``None`` when it must be rebuilt whole (an unkeyed input changed, or a gold input was
    itself rebuilt whole)."""
    seasons: set[int] = set()
    for dependency in model.depends_on:
        layer, _, name = dependency.partition(".")
        if layer == "silver":
            current, previous = now.get(name, {}), before.get(name, {})
            if current == previous:
                continue
            if None in current or None in previous:
                return None
            seasons |= {
                s
                for s in current.keys() | previous.keys()
                if s is not None and current.get(s) != previous.get(s)
            }
        elif name not in skipped:
            if name not in partial:
                return None
            seasons |= partial[name]
    return seasons


def _build_seasons(con: duckdb.DuckDBPyConnection, model: GoldTable, seasons: set[int]) -> None:
    """Replace only the rows of ``seasons`` (DuckDB pushes the season filter down into the
    model's query, so this costs a fraction of the whole table)."""
    if not seasons:
        return
    assert model.sql is not None
    listed = ", ".join(str(int(s)) for s in sorted(seasons))
    body = model.sql.rstrip().rstrip(";")
    try:
        con.execute(f"delete from gold.{model.name} where season in ({listed})")
        con.execute(
            f"insert into gold.{model.name} by name select * from ({body}\n) "
            f"where season in ({listed})"
        )
    except duckdb.Error as exc:
        detail = str(exc).strip().splitlines()[0]
        raise WarehouseError(
            f"{model.origin}: rebuilding seasons {listed} of gold.{model.name} failed: {detail}"
        ) from exc


def model_fingerprints(models: list[GoldTable], silver: dict[str, str]) -> dict[str, str]:
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
    con: duckdb.DuckDBPyConnection, models: list[GoldTable], silver: dict[str, str] | None = None
) -> str:
    """What a gold build is a function of: silver content and the gold tables' code."""
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


def _build_model(con: duckdb.DuckDBPyConnection, model: GoldTable) -> None:
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


def build_gold(
    settings: Settings, *, force: bool = False, on_step: Step | None = None
) -> BuildResult:
    """Build every gold model from silver, check it, publish it to the lake, record it.

    Safe to call after each incremental update: it returns ``up_to_date`` at once when
    silver and the gold tables are unchanged since the last build (unless ``force``).

    Raises:
        WarehouseError: no warehouse yet, or a model failed to build.
        ValidationError: a gold check of severity ``error`` returned rows.
    """
    started = time.perf_counter()
    step = on_step or (lambda _msg: None)
    with db.open_warehouse(settings) as con:
        step("discovering gold tables")
        models = discover()
        seasons_now = silver_season_fingerprints(con)
        silver = _totals(seasons_now)
        digest = fingerprint(con, models, silver)
        if not force and last_build_fingerprint(con) == digest:
            return BuildResult("up_to_date", digest, seconds=time.perf_counter() - started)

        result = BuildResult("built", digest)
        current = model_fingerprints(models, silver)
        previous = {} if force else _previous_models(con)
        seasons_before = None if force else _previous_seasons(con)
        partial: dict[str, set[int]] = {}
        built = {
            str(r[0])
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'gold'"
            ).fetchall()
        }
        con.execute("begin transaction")
        try:
            for model in models:
                fp, code = previous.get(model.name, (None, None))
                exists = model.name in built
                if fp == current[model.name] and exists:
                    result.skipped.append(model.name)
                    continue
                if model.is_python and code != model.code_hash():
                    # Python models may continue from their previous output; not across
                    # a change of their code, nor when forced.
                    con.execute(f"drop table if exists gold.{model.name}")
                seasons = None
                if (
                    model.by_season
                    and exists
                    and seasons_before is not None
                    and code == model.code_hash()
                ):
                    seasons = changed_seasons(
                        model, seasons_now, seasons_before, partial, set(result.skipped)
                    )
                step(f"building gold.{model.name}")
                began = time.perf_counter()
                if seasons is None:
                    _build_model(con, model)
                else:
                    _build_seasons(con, model, seasons)
                    partial[model.name] = seasons
                    result.partial[model.name] = sorted(seasons)
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
            counts = con.execute(
                " union all ".join(
                    f"select '{m.name}', count(*) from gold.{m.name}" for m in models
                )
            ).fetchall()
            result.row_counts = {str(name): int(n) for name, n in counts}
            # Committed only once published: a lake that fails mid-write (a store
            # unreachable) leaves the warehouse, and what is served, as it was.
            step("writing gold Parquet")
            lake = Lake.from_settings(settings)
            lake.publish_tables(
                con,
                "gold",
                [
                    m.name
                    for m in models
                    if m.name in result.rebuilt or not lake.exists("gold", f"{m.name}.parquet")
                ],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        result.seconds = time.perf_counter() - started
        _record_seasons(con, seasons_now)
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
