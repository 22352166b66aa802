"""``/api/v1/models`` and ``/api/v1/backtest``: the model registry, read-only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from undercut.api.deps import SettingsDep
from undercut.errors import NotFoundError
from undercut.ml.registry import Registry

router = APIRouter(tags=["predictions"])


class ModelVersion(BaseModel):
    """A registered model version's metadata (more keys may follow these)."""

    model_config = ConfigDict(extra="allow")

    version: str
    created_at: str | None = Field(default=None, description="ISO time of registration.")
    kind: str | None = Field(default=None, description="e.g. `lightgbm-lambdarank`.")
    train_from: int | None = Field(default=None, description="First season trained on.")
    trained_until: str | None = Field(default=None, description="`season:round`.")
    training_rows: int | None = Field(default=None, description="Driver-race rows seen.")
    data_snapshot: str | None = Field(default=None, description="Warehouse data version.")
    features: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Feature names by basis (`qualifying`, `pre-qualifying`).",
    )


class ModelScore(BaseModel):
    """Mean metrics of one model over the backtest's races (lower is better except
    `top1_hit` and `spearman`)."""

    model_config = ConfigDict(extra="allow")

    label: str


class SeasonScore(BaseModel):
    model_config = ConfigDict(extra="allow")

    season: int
    model: str
    races: int


class Backtest(BaseModel):
    """The JSON `undercut backtest --json` writes."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_: int = Field(alias="from", description="First season evaluated.")
    to: int = Field(description="Last season evaluated.")
    races: int
    generated_at: str | None = None
    metrics: list[str] = Field(description="Metric names reported per model.")
    models: dict[str, ModelScore] = Field(description="Overall means, by model name.")
    seasons: list[SeasonScore] = Field(description="Means per season and model.")
    per_race: list[dict[str, Any]] = Field(description="Every race's metrics per model.")
    calibration: dict[str, Any] = Field(
        default_factory=dict, description="Reliability curves by model and outcome."
    )


@router.get("/models", response_model=list[ModelVersion])
def models(settings: SettingsDep) -> list[ModelVersion]:
    """Registered model versions, newest first (empty before `undercut train`)."""
    return [ModelVersion.model_validate(meta) for meta in Registry.from_settings(settings).list()]


@router.get("/backtest", response_model=Backtest, response_model_by_alias=True)
def backtest(settings: SettingsDep) -> Backtest:
    """The newest stored backtest: the JSON `undercut backtest --json` writes."""
    result = Registry.from_settings(settings).latest_backtest()
    if result is None:
        raise NotFoundError("no backtest stored; run `undercut backtest --from SEASON`")
    return Backtest.model_validate(result)
