"""The pipeline's steps: what each one depends on, when it may be skipped, what it does.

Every step is planned before it runs: ``plan`` reads cheap facts (content hashes of the
archive, the silver fingerprint, the newest result, the next race's qualifying, the current
model version) and returns them as the step's *inputs*, plus a reason to skip when those
inputs are what the last successful run of the step already saw. ``execute`` then does the
work through the owning area's public function and returns *outputs* for the ledger (row
counts, model version, prediction ids). The work itself is atomic in each area (the
warehouse is swapped in whole, gold builds in one transaction, lake writes are atomic), so
a step interrupted at any point leaves the previous state in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from undercut.appdb.base import get_engine
from undercut.config import Settings, is_remote_url
from undercut.errors import InputError
from undercut.jobs import ledger, probes
from undercut.jobs.options import JobOptions


@dataclass
class StepContext:
    settings: Settings
    options: JobOptions
    run_id: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def force(self) -> bool:
        return bool(self.params.get("force"))


@dataclass
class Plan:
    inputs: dict[str, Any]
    skip: str | None = None


@dataclass(frozen=True)
class Step:
    name: str
    summary: str
    plan: Callable[[StepContext], Plan]
    execute: Callable[[StepContext, Plan], dict[str, Any]]
    writes_warehouse: bool = False


def _unchanged(ctx: StepContext, name: str, inputs: dict[str, Any]) -> bool:
    """True when the last successful run of ``name`` saw exactly these inputs."""
    if ctx.force:
        return False
    last = ledger.last_success(ctx.settings, name)
    return last is not None and last.inputs_hash == ledger.inputs_digest(inputs)


def _plain(value: Any) -> Any:
    """Make an area's return value JSON-friendly for the ledger."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _content_digest(spec: str) -> str | None:
    """sha256 over a local archive's files (directory or zip); ``None`` for URLs."""
    if is_remote_url(spec) or spec.startswith(("http://", "https://")):
        return None
    path = Path(spec).expanduser()
    if not path.exists():
        return None
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        digest.update(item.name.encode())
        with item.open("rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):  # type: ignore[misc]
                digest.update(chunk)
    return digest.hexdigest()


# ingest ------------------------------------------------------------------------------


def _plan_ingest(ctx: StepContext) -> Plan:
    spec = ctx.params.get("archive")
    if not spec and probes.warehouse_ready(ctx.settings):
        return Plan({}, skip="warehouse already loaded (pass --archive to load an archive)")
    spec = spec or ctx.settings.archive
    inputs = {"archive": spec, "content_sha256": _content_digest(spec)}
    if (
        inputs["content_sha256"]
        and probes.warehouse_ready(ctx.settings)
        and _unchanged(ctx, "ingest", inputs)
    ):
        return Plan(inputs, skip="archive unchanged since the last ingest")
    return Plan(inputs)


def _execute_ingest(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.ingest.archive import ingest_archive

    result = ingest_archive(ctx.settings, plan.inputs["archive"], force=ctx.force)
    return {
        "status": result.status,
        "content_hash": result.content_hash,
        "origin": result.origin,
        "row_counts": result.row_counts,
        "rows": sum(result.row_counts.values()),
        "warnings": len(result.warnings),
    }


# update ------------------------------------------------------------------------------


def _silver_state(settings: Settings) -> dict[str, Any]:
    from undercut.warehouse.build import silver_fingerprint

    with probes.connect_read_only(settings) as con:
        latest = probes.latest_result(con)
        silver = silver_fingerprint(con)
    digest = ledger.inputs_digest(silver)
    return {
        "latest_result": f"{latest[0]}:{latest[1]}" if latest else None,
        "silver": digest[:16],
        "silver_rows": {k: int(v.split(":")[0]) for k, v in silver.items()},
    }


def _plan_update(ctx: StepContext) -> Plan:
    if not probes.warehouse_ready(ctx.settings):
        return Plan({}, skip="no warehouse yet (the ingest step loads one)")
    state = _silver_state(ctx.settings)
    # The API is the input and only asking it tells whether it changed; the updater is
    # incremental and cheap when nothing is new, so update always runs.
    return Plan(
        {
            "source": ctx.settings.jolpica_url,
            "latest_result": state["latest_result"],
            "silver": state["silver"],
        }
    )


def _execute_update(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.ingest.update import update

    result = update(ctx.settings)
    after = _silver_state(ctx.settings)
    before_rows = plan.inputs.get("silver")
    with probes.connect_read_only(ctx.settings) as con:
        gold = probes.gold_fingerprint(con)  # an updater may rebuild gold itself
    return {
        "result": _plain(result),
        "latest_result": after["latest_result"],
        "silver": after["silver"],
        "changed": after["silver"] != before_rows,
        "row_counts": after["silver_rows"],
        "gold": gold,
    }


# build -------------------------------------------------------------------------------


def _plan_build(ctx: StepContext) -> Plan:
    from undercut.warehouse.build import fingerprint, last_build_fingerprint
    from undercut.warehouse.tables import discover

    if not probes.warehouse_ready(ctx.settings):
        return Plan({}, skip="no warehouse yet (the ingest step loads one)")
    with probes.connect_read_only(ctx.settings) as con:
        digest = fingerprint(con, discover())
        built = last_build_fingerprint(con)
    inputs = {"fingerprint": digest}
    if built == digest and not ctx.force:
        return Plan(inputs, skip="gold is up to date (silver and models unchanged)")
    return Plan(inputs)


def _execute_build(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.warehouse.build import build_gold

    result = build_gold(ctx.settings, force=ctx.force)
    return {
        "status": result.status,
        "fingerprint": result.fingerprint,
        "row_counts": result.row_counts,
        "rows": sum(result.row_counts.values()),
        "warnings": len(result.warnings),
    }


# train -------------------------------------------------------------------------------


def current_model_version(settings: Settings) -> str | None:
    """The registry's newest model version, or ``None`` while the registry is empty."""
    from undercut.ml.registry import Registry

    versions = Registry.from_settings(settings).versions()
    return versions[-1] if versions else None


def _plan_train(ctx: StepContext) -> Plan:
    if not probes.warehouse_ready(ctx.settings):
        return Plan({}, skip="no warehouse yet")
    with probes.connect_read_only(ctx.settings) as con:
        gold = probes.gold_fingerprint(con)
        latest = probes.latest_result(con)
    if gold is None:
        return Plan({}, skip="gold not built yet")
    inputs = {"latest_result": f"{latest[0]}:{latest[1]}" if latest else None}
    last = ledger.last_success(ctx.settings, "train")
    if (
        last is not None
        and not ctx.force
        and last.inputs.get("latest_result") == inputs["latest_result"]
        and last.finished_at is not None
    ):
        age_days = (ledger.utcnow() - last.finished_at).total_seconds() / 86400
        if age_days < ctx.options.model_max_age_days:
            version = last.outputs.get("model_version")
            return Plan(
                inputs, skip=f"no new results since model {version} ({age_days:.1f} days old)"
            )
    inputs["gold"] = gold
    return Plan(inputs)


def _execute_train(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.ml.model import ModelParams
    from undercut.ml.train import train

    params = ModelParams(**ctx.options.model_params) if ctx.options.model_params else None
    return {
        "model_version": train(ctx.settings, params=params),
        "trained_until": plan.inputs.get("latest_result"),
        "params": ctx.options.model_params,
    }


# predict -----------------------------------------------------------------------------


def prediction_ids(settings: Settings, season: int, round_: int, limit: int = 1) -> list[Any]:
    """Ids of the newest stored predictions of a race (predictions table of the app DB)."""
    engine = get_engine(settings)
    if not inspect(engine).has_table("predictions"):
        return []
    with engine.connect() as con:
        rows = con.execute(
            text(
                "select id from predictions where season = :season and round = :round "
                "order by created_at desc, id desc limit :limit"
            ),
            {"season": season, "round": round_, "limit": limit},
        ).fetchall()
    return [row[0] for row in rows]


def _plan_predict(ctx: StepContext) -> Plan:
    if not probes.warehouse_ready(ctx.settings):
        return Plan({}, skip="no warehouse yet")
    with probes.connect_read_only(ctx.settings) as con:
        weekend = probes.next_race(con)
        quali = probes.qualifying_digest(con, weekend.season, weekend.round) if weekend else None
        sessions = probes.weekend_digest(con, weekend.season, weekend.round) if weekend else None
        gold = probes.gold_fingerprint(con)
    if weekend is None:
        return Plan({}, skip="no upcoming race in the calendar")
    version = current_model_version(ctx.settings)
    inputs = {
        "race": weekend.key,
        "basis": "qualifying" if quali else "pre-qualifying",
        "qualifying": quali,
        "weekend_sessions": sessions,
        "model_version": version,
        "gold": gold,
    }
    if version is None:
        return Plan(inputs, skip="no trained model yet")
    if _unchanged(ctx, "predict", inputs):
        return Plan(inputs, skip=f"{weekend.key} already predicted from these inputs")
    return Plan(inputs)


def _execute_predict(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.ml.predict import predict_race

    season, round_ = (int(x) for x in plan.inputs["race"].split(":"))
    document = predict_race(ctx.settings, season, round_)
    return {
        "season": season,
        "round": round_,
        "race": document.get("race"),
        "basis": document.get("basis"),
        "stage": document.get("stage"),
        "model_version": (document.get("model") or {}).get("version"),
        "drivers": len(document.get("drivers") or []),
        "favourites": [
            {"code": d.get("code") or d["driverId"], "p_win": d["p_win"]}
            for d in sorted(document["drivers"], key=lambda d: -float(d["p_win"]))[:3]
        ],
        "prediction_ids": prediction_ids(ctx.settings, season, round_),
    }


# evaluate ----------------------------------------------------------------------------


def _prediction_counts(settings: Settings) -> dict[str, int] | None:
    engine = get_engine(settings)
    if not inspect(engine).has_table("predictions"):
        return None
    counts = {}
    with engine.connect() as con:
        for table in ("predictions", "prediction_accuracy"):
            if inspect(engine).has_table(table):
                counts[table] = int(
                    con.execute(text(f"select count(*) from {table}")).scalar() or 0
                )
    return counts


def _plan_evaluate(ctx: StepContext) -> Plan:
    counts = _prediction_counts(ctx.settings)
    if not counts or not counts.get("predictions"):
        return Plan({}, skip="no stored predictions to evaluate")
    latest = None
    if probes.warehouse_ready(ctx.settings):
        with probes.connect_read_only(ctx.settings) as con:
            found = probes.latest_result(con)
            latest = f"{found[0]}:{found[1]}" if found else None
    inputs = {"latest_result": latest, **counts}
    if _unchanged(ctx, "evaluate", inputs):
        return Plan(inputs, skip="no new results or predictions since the last evaluation")
    return Plan(inputs)


def _execute_evaluate(ctx: StepContext, plan: Plan) -> dict[str, Any]:
    from undercut.ml.evaluate import evaluate_finished

    rows = evaluate_finished(ctx.settings)
    ids = [r["prediction_id"] for r in rows if r.get("prediction_id") is not None]
    return {"evaluated": len(rows), "prediction_ids": ids}


# backtest:<season> -----------------------------------------------------------------

BACKTEST_PREFIX = "backtest:"


def season_of(name: str) -> int:
    """The season of a ``backtest:<season>`` step."""
    value = name.removeprefix(BACKTEST_PREFIX)
    if not value.isdigit():
        raise InputError(f"step {name!r}: expected backtest:<season>")
    return int(value)


def _plan_backtest(ctx: StepContext, season: int) -> Plan:
    gold = None
    if probes.warehouse_ready(ctx.settings):
        with probes.connect_read_only(ctx.settings) as con:
            gold = probes.gold_fingerprint(con)
    return Plan({"season": season, "gold": gold})


def _execute_backtest(ctx: StepContext, plan: Plan, season: int) -> dict[str, Any]:
    from undercut.ml.backtest import run_backtest
    from undercut.ml.model import ModelParams

    params = ModelParams(**ctx.options.model_params) if ctx.options.model_params else None
    result = run_backtest(ctx.settings, season, season, params=params, store=False)
    return {"season": season, "races": result.get("races"), "result": result}


def season_step(name: str) -> Step:
    """The step that backtests one season (walk-forward: seasons are independent)."""
    season = season_of(name)
    return Step(
        name,
        f"backtest season {season}",
        lambda ctx: _plan_backtest(ctx, season),
        lambda ctx, plan: _execute_backtest(ctx, plan, season),
    )


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "ingest",
            "load an Ergast-format archive (first run, or --archive)",
            _plan_ingest,
            _execute_ingest,
            writes_warehouse=True,
        ),
        Step(
            "update",
            "pull new races from the Ergast-compatible API",
            _plan_update,
            _execute_update,
            writes_warehouse=True,
        ),
        Step(
            "build",
            "rebuild gold when silver or the models changed",
            _plan_build,
            _execute_build,
            writes_warehouse=True,
        ),
        Step(
            "train",
            "train a model when new results arrived or the model is stale",
            _plan_train,
            _execute_train,
        ),
        Step(
            "predict",
            "predict the next race after each session (its weekend stage: practice, "
            "sprint qualifying, qualifying)",
            _plan_predict,
            _execute_predict,
        ),
        Step(
            "evaluate",
            "score stored predictions of races that have finished",
            _plan_evaluate,
            _execute_evaluate,
        ),
    )
}
PIPELINE: tuple[str, ...] = tuple(STEPS)


def step_for(name: str) -> Step:
    """The step called ``name``: a pipeline step, or ``backtest:<season>``."""
    if name in STEPS:
        return STEPS[name]
    if name.startswith(BACKTEST_PREFIX):
        return season_step(name)
    raise KeyError(name)
