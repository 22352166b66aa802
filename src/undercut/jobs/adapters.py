"""The functions the pipeline's steps call in other areas, looked up when a step runs.

The pipeline orchestrates code it does not own (the API updater, the model trainer). A
step whose function is not installed reports ``unavailable`` instead of failing the run,
so the rest of the pipeline still does its work; a missing *dependency inside* an
installed module is a real error and surfaces as one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


class StepUnavailable(Exception):
    """The code a step needs is not part of this installation."""


def resolve(module: str, *names: str) -> Callable[..., Any]:
    """The first of ``names`` that ``module`` defines, or ``StepUnavailable``."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module == missing or module.startswith(f"{missing}."):
            raise StepUnavailable(f"{module} is not installed") from exc
        raise
    for name in names:
        func = getattr(mod, name, None)
        if callable(func):
            return func  # type: ignore[no-any-return]
    raise StepUnavailable(f"{module} has no {' / '.join(names)}")


def update_function(custom: str | None = None) -> Callable[..., Any]:
    """The incremental API updater (``undercut update``), or ``custom`` (``module:name``)."""
    if custom:
        module, _, name = custom.partition(":")
        return resolve(module, name or "update")
    return resolve(
        "undercut.warehouse.load_api", "update", "update_warehouse", "load_api", "run_update"
    )


def train_function() -> Callable[..., Any]:
    return resolve("undercut.ml.train", "train")


def predict_function() -> Callable[..., Any]:
    return resolve("undercut.ml.predict", "predict_race")


def evaluate_function() -> Callable[..., Any]:
    return resolve("undercut.ml.evaluate", "evaluate_finished")


def backtest_function() -> Callable[..., Any]:
    return resolve("undercut.ml.backtest", "run_backtest")
