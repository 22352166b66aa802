"""`undercut train`: versions in the registry, `--model`, and bad training inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support.homes import copy_home
from undercut.cli import main
from undercut.config import Settings
from undercut.ml.registry import Registry

# one worker trains the session's model once for every module of this folder
pytestmark = pytest.mark.xdist_group("ml")


def test_train_registers_a_new_version_and_model_picks_one(
    trained_home: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = copy_home(trained_home, tmp_path / "home")
    home = str(settings.home)
    registry = Registry.from_settings(settings)
    [first] = registry.versions()
    assert main(["train", "--since", "2019", "--until", "2024:24", "--home", home]) == 0
    captured = capsys.readouterr()
    second = captured.out.strip()
    assert "registered model" in captured.err and second in captured.err
    assert registry.versions() == [first, second]
    assert registry.latest() == second
    meta = registry.meta(second)
    assert meta["version"] == second and re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{8}", second)
    assert (meta["train_from"], meta["trained_until"]) == (2019, "2024:24")
    assert len(meta["data_snapshot"]) == 64 and second.endswith(meta["data_snapshot"][:8])
    assert "grid_slot" in meta["features"]["qualifying"]
    assert "grid_slot" not in meta["features"]["pre-qualifying"]
    assert set(meta["calibration_metrics"]["qualifying"]) >= {"winner_log_loss", "top1_hit"}
    for name in ("model.txt", "model.onnx", "model-prequali.txt", "model-prequali.onnx"):
        assert len(registry.read_file(second, name)) > 1000

    monkeypatch.setenv("UNDERCUT_DATABASE_URL", f"sqlite:///{tmp_path}/app.sqlite")
    assert main(["predict", "2025", "18", "--home", home, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == {
        "version": second,
        "trained_until": "2024:24",
    }
    assert (
        main(["predict", "2025", "18", "--home", home, "--format", "json", "--model", first]) == 0
    )
    assert json.loads(capsys.readouterr().out)["model"] == {
        "version": first,
        "trained_until": "2025:17",
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--until", "last"], 2, "--until 'last': expected SEASON:ROUND"),
        (["--until", "1940:1"], 2, "no finished race up to then"),
        (["--since", "2024", "--until", "2025:3"], 1, "need more than 2"),
    ],
)
def test_train_bad_inputs(
    built_settings: Settings,
    args: list[str],
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", *args, "--home", str(built_settings.home)]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert Registry.from_settings(built_settings).versions() == []


def test_train_without_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--home", str(tmp_path / "empty")]) == 1
    assert "run `undercut ingest archive` first" in capsys.readouterr().err


def test_api_lists_the_registered_models(own_app_db: Settings) -> None:
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    [version] = Registry.from_settings(own_app_db).versions()
    with TestClient(create_app(own_app_db)) as client:
        response = client.get("/api/v1/models")
    assert response.status_code == 200, response.text
    [model] = response.json()
    assert model["version"] == version and model["trained_until"] == "2025:17"
    assert "grid_slot" in model["features"]["qualifying"]
    assert "grid_slot" not in model["features"]["pre-qualifying"]
