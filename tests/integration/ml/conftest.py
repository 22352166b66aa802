"""Fixtures of the prediction tests: features of the real history, and a home with a small
model trained once per session (few trees, a short window: fast, still a real model)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from support.homes import copy_home
from undercut.config import Settings
from undercut.features.build import build_features
from undercut.features.inputs import FeatureInputs, load_inputs
from undercut.ml.model import ModelParams
from undercut.ml.train import train

SMALL = ModelParams(min_season=2016, n_estimators=40, learning_rate=0.1)
TRAINED_UNTIL = "2025:17"


@pytest.fixture(scope="session")
def ml_inputs(built_settings: Settings) -> FeatureInputs:
    return load_inputs(built_settings)


@pytest.fixture(scope="session")
def ml_frame(ml_inputs: FeatureInputs) -> pd.DataFrame:
    return build_features(ml_inputs)[0]


@pytest.fixture(scope="session")
def trained_home(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the built home with one model version trained until 2025:17."""
    settings = copy_home(built_settings, tmp_path_factory.mktemp("trained") / "home")
    train(settings, TRAINED_UNTIL, params=SMALL)
    return settings


@pytest.fixture(scope="session")
def retrained_home(trained_home: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The trained home plus a newer version trained on every finished race, the archive's
    last (2025:18) included: the model that must not predict 2025:18."""
    settings = copy_home(trained_home, tmp_path_factory.mktemp("retrained") / "home")
    train(settings, params=SMALL)
    return settings


@pytest.fixture(scope="session")
def small_params() -> ModelParams:
    return SMALL


@pytest.fixture
def own_app_db(trained_home: Settings, tmp_path: Path) -> Settings:
    """The trained home with an app database of this test's own."""
    return trained_home.model_copy(update={"database_url": f"sqlite:///{tmp_path}/app.sqlite"})
