"""``/api/v1/models`` and ``/api/v1/backtest``: the model registry, read-only."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from undercut.api.deps import SettingsDep
from undercut.config import Settings
from undercut.errors import ModelError, NotFoundError

router = APIRouter(tags=["predictions"])


class ModelVersion(BaseModel):
    version: str
    trained_until: str | None = Field(default=None, description="`season:round`.")

    model_config = {"extra": "allow"}


def _registry(settings: Settings) -> Any:
    try:
        from undercut.ml.registry import Registry  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ModelError("the model registry is not installed in this build") from exc
    return Registry.from_settings(settings)


def _call(obj: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        method = getattr(obj, name, None)
        if callable(method):
            return method()
    raise ModelError(f"the model registry offers none of {', '.join(names)}")


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    if isinstance(item, BaseModel):
        return item.model_dump()
    if isinstance(item, str):
        return {"version": item}
    return dict(vars(item))


@router.get("/models", response_model=list[ModelVersion])
def models(settings: SettingsDep) -> list[ModelVersion]:
    """Registered model versions, oldest first (empty before `undercut train`)."""
    items = _call(_registry(settings), ("versions", "list_versions"))
    return [ModelVersion.model_validate(_as_dict(item)) for item in items]


@router.get("/backtest", responses={404: {}})
def backtest(settings: SettingsDep) -> dict[str, Any]:
    """The newest stored backtest: the JSON `undercut backtest --json` writes."""
    result = _call(_registry(settings), ("latest_backtest", "load_backtest"))
    if result is None:
        raise NotFoundError("no backtest stored; run `undercut backtest --from SEASON`")
    return dict(result)
