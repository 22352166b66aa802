"""`undercut predict` on a real race from a real (small) model, through ONNX Runtime."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from support.homes import copy_home
from undercut.cli import main
from undercut.config import Settings
from undercut.features.build import race_features
from undercut.features.entries import PRE_QUALIFYING, QUALIFYING
from undercut.features.inputs import load_inputs
from undercut.ml.calibrate import Temperatures, race_probabilities
from undercut.ml.model import ModelParams
from undercut.ml.predict import onnx_scores
from undercut.ml.race_logit import RaceLogit, blend
from undercut.ml.registry import Registry
from undercut.ml.train import train

# one worker trains the session's model once for every module of this folder
pytestmark = pytest.mark.xdist_group("ml")

KEYS = {"season", "round", "race", "kind", "model", "basis", "stage", "drivers"}
DRIVER_KEYS = {
    "driverId",
    "code",
    "constructorId",
    "grid",
    "p_win",
    "p_podium",
    "p_points",
    "expected_position",
}


def _predict(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["predict", *args, "--home", str(settings.home), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def _sums(document: dict) -> tuple[float, float, float]:
    drivers = document["drivers"]
    return (
        sum(d["p_win"] for d in drivers),
        sum(d["p_podium"] for d in drivers),
        sum(d["p_points"] for d in drivers),
    )


def test_predict_json_shape_for_a_real_race(
    own_app_db: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", own_app_db.database_url)
    document = _predict(own_app_db, capsys, "2025", "18")
    assert set(document) == KEYS
    assert (document["season"], document["round"]) == (2025, 18)
    assert document["race"] == "Singapore Grand Prix"
    assert document["basis"] == QUALIFYING
    assert document["model"]["trained_until"] == "2025:17"
    assert document["model"]["version"] == Registry.from_settings(own_app_db).latest()
    drivers = document["drivers"]
    assert len(drivers) == 20
    assert all(set(d) == DRIVER_KEYS for d in drivers)
    win, podium, points = _sums(document)
    assert win == pytest.approx(1.0, abs=1e-9)
    assert podium == pytest.approx(3.0, abs=1e-9)
    assert points == pytest.approx(10.0, abs=1e-9)
    # Russell took pole in Singapore 2025; the grid is the one actually set
    pole = next(d for d in drivers if d["grid"] == 1)
    assert (pole["driverId"], pole["code"], pole["constructorId"]) == ("russell", "RUS", "mercedes")
    assert sorted(d["grid"] for d in drivers) == list(range(1, 21))
    assert [d["p_win"] for d in drivers] == sorted((d["p_win"] for d in drivers), reverse=True)
    assert all(d["p_win"] <= d["p_podium"] <= d["p_points"] for d in drivers)


def test_predict_is_stored_with_version_and_inputs(
    own_app_db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from undercut.appdb.base import session_factory
    from undercut.appdb.predictions import Prediction, latest_prediction
    from undercut.lake import Lake
    from undercut.ml.predict import predict_race

    document = predict_race(own_app_db, 2025, 18)
    with session_factory(own_app_db)() as session:
        assert latest_prediction(session, 2025, 18) == document
        row = session.query(Prediction).one()
    assert row.model_version == document["model"]["version"]
    assert row.basis == QUALIFYING and len(row.input_hash) == 64
    snapshot = Lake.from_settings(own_app_db).read_json(
        "predictions", "inputs", f"{row.input_hash}.json"
    )
    assert {r["driver_id"] for r in snapshot["rows"]} == {
        d["driverId"] for d in document["drivers"]
    }
    assert {"grid_slot", "driver_elo", "quali_gap_pct"} <= set(snapshot["rows"][0])


def test_table_and_csv_formats(
    trained_home: Settings,
    own_app_db: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", own_app_db.database_url)
    home = str(trained_home.home)
    assert main(["predict", "2025", "18", "--home", home, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "driverId,code,constructorId,grid,p_win,p_podium,p_points,expected_position"
    )
    assert len(lines) == 21
    assert main(["predict", "2025", "18", "--home", home]) == 0
    out = capsys.readouterr().out
    assert "Singapore Grand Prix" in out and "russell" in out and "basis qualifying" in out


def test_no_qualifying_yet_falls_back_to_pre_qualifying(
    own_app_db: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", own_app_db.database_url)
    document = _predict(own_app_db, capsys, "2025", "19")
    assert document["race"] == "United States Grand Prix"
    assert document["basis"] == PRE_QUALIFYING
    assert all(d["grid"] is None for d in document["drivers"])
    # the entry list is that of the latest race run (Singapore 2025: 20 starters)
    assert len(document["drivers"]) == 20
    win, podium, points = _sums(document)
    assert (win, podium, points) == pytest.approx((1.0, 3.0, 10.0), abs=1e-9)


def test_next_is_the_first_race_without_results(
    own_app_db: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", own_app_db.database_url)
    document = _predict(own_app_db, capsys, "--next")
    # the archive ends with 2025 round 18 (Singapore): Austin is next
    assert (document["season"], document["round"]) == (2025, 19)
    assert document["race"] == "United States Grand Prix"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["2025", "30"], 2, "race 2025:30 does not exist"),
        (["2025", "18", "--next"], 2, "not both"),
        ([], 2, "--next or --last"),
        (["--next", "--last"], 2, "--next or --last, not both"),
        (["2025", "18", "--last"], 2, "SEASON ROUND or --last, not both"),
        (["2031", "1"], 2, "season 2031 has no data"),
        (["1949", "1"], 2, "season 1949 has no data"),
        (["2025", "18", "--model", "20990101-000000-nope"], 2, "not in the registry"),
        (["2025", "18", "--format", "xml"], 2, ""),
        (["twenty", "18"], 2, ""),
    ],
)
def test_bad_inputs(
    trained_home: Settings,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    assert main(["predict", *args, "--home", str(trained_home.home)]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_empty_registry_says_run_train(
    built_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["predict", "2025", "18", "--home", str(built_settings.home)]) == 1
    err = capsys.readouterr().err
    assert "no model in the registry" in err and "undercut train" in err
    assert len(err.strip().splitlines()) == 1


def test_onnx_scores_match_lightgbm(trained_home: Settings) -> None:
    registry = Registry.from_settings(trained_home)
    version = registry.latest()
    meta = registry.meta(version)
    inputs = load_inputs(trained_home)
    for season, rnd in ((2025, 18), (2024, 1), (2021, 22)):
        rows = race_features(inputs, season, rnd)[0]
        for which in (QUALIFYING, PRE_QUALIFYING):
            features = meta["features"][which]
            booster = lgb.Booster(model_str=registry.model_file(version, which, "txt").decode())
            native = booster.predict(rows[features].to_numpy(dtype=np.float32))
            onnx = onnx_scores(registry, version, which, rows, features)
            np.testing.assert_allclose(onnx, native, rtol=1e-4, atol=1e-4)
            assert np.std(native) > 0


def test_pit_lane_starters_rookies_and_missing_times(
    trained_home: Settings, ml_frame: pd.DataFrame
) -> None:
    recent = ml_frame[ml_frame["season"] >= 2018]
    pit = recent[recent["grid"] == 0]
    assert len(pit) > 10  # real pit-lane starts exist in the data
    assert (pit["is_pit_lane"] == 1).all()
    assert (pit["grid_slot"] == pit["field_size"]).all()
    rookies = recent[recent["is_rookie"] == 1]
    assert {"piastri", "antonelli", "bortoleto"} <= set(rookies["driver_id"])
    assert rookies["driver_finish_3"].isna().all()
    no_time = recent[recent["grid"].notna() & recent["quali_gap_pct"].isna()]
    assert len(no_time) > 0

    registry = Registry.from_settings(trained_home)
    version = registry.latest()
    meta = registry.meta(version)
    features = meta["features"][QUALIFYING]
    temperatures = Temperatures(**meta["temperatures"][QUALIFYING])
    logit = RaceLogit.from_dict(meta["logit"][QUALIFYING])
    races = [*pit["race_idx"].unique()[:4], *no_time["race_idx"].unique()[:4], 202501]
    for race_idx in races:
        rows = ml_frame[ml_frame["race_idx"] == race_idx]
        scores = onnx_scores(registry, version, QUALIFYING, rows, features)
        assert np.isfinite(scores).all()
        probs = race_probabilities(scores, temperatures, seed=int(race_idx))
        n = len(rows)
        assert probs.p_win.sum() == pytest.approx(1.0)
        assert probs.p_podium.sum() == pytest.approx(min(3, n))
        assert probs.p_points.sum() == pytest.approx(min(10, n))
        # the pace logit fills what is missing (no time, no history) with the field's worst
        both = blend(probs, logit.probabilities(rows, seed=int(race_idx)), meta["blend"])
        assert np.isfinite(both.expected_position).all()
        assert both.p_win.sum() == pytest.approx(1.0)
        assert both.p_podium.sum() == pytest.approx(min(3, n))
        assert (both.p_win <= both.p_podium + 1e-12).all()
    # a pit-lane starter is predicted behind the same car starting on the front row
    race = pit[pit["season"] >= 2021].iloc[0]
    rows = ml_frame[ml_frame["race_idx"] == race["race_idx"]].copy()
    front = rows.copy()
    at = front["driver_id"] == race["driver_id"]
    front.loc[at, ["grid", "grid_slot", "is_pit_lane", "grid_rank_rel"]] = [1, 1, 0, 0.05]
    back = onnx_scores(registry, version, QUALIFYING, rows, features)[at.to_numpy()]
    ahead = onnx_scores(registry, version, QUALIFYING, front, features)[at.to_numpy()]
    assert ahead[0] > back[0]


def test_a_finished_race_is_a_hindcast_by_a_model_trained_before_it(
    retrained_home: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", f"sqlite:///{tmp_path}/app.sqlite")
    registry = Registry.from_settings(retrained_home)
    before, newest = registry.versions()
    assert registry.meta(newest)["trained_until"] == "2025:18"
    # Singapore 2025 has its result loaded: the newest model saw it, so it may not predict it
    document = _predict(retrained_home, capsys, "2025", "18")
    assert document["model"] == {"version": before, "trained_until": "2025:17"}
    assert document["kind"] == "hindcast"
    # the next race has no result: the newest model forecasts it
    document = _predict(retrained_home, capsys, "2025", "19")
    assert document["model"] == {"version": newest, "trained_until": "2025:18"}
    assert document["kind"] == "forecast"
    # the table says it too
    home = str(retrained_home.home)
    assert main(["predict", "2025", "18", "--home", home]) == 0
    assert "hindcast" in capsys.readouterr().out


def test_a_model_that_saw_the_race_is_refused(
    retrained_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = Registry.from_settings(retrained_home).latest()
    home = str(retrained_home.home)
    assert main(["predict", "2025", "18", "--model", newest, "--home", home]) == 2
    err = capsys.readouterr().err
    assert f"model {newest} was trained on races up to 2025:18" in err
    assert "undercut train --until 2025:17" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_no_model_trained_before_a_finished_race_names_the_train_command_or_trains_one(
    built_settings: Settings,
    small_params: ModelParams,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = copy_home(built_settings, tmp_path / "home")
    train(settings, "2025:18", params=small_params)
    assert main(["predict", "2025", "1", "--home", str(settings.home)]) == 1
    err = capsys.readouterr().err
    assert "no model trained before race 2025:1" in err
    assert "undercut train --until 2024:24" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

    # --last --train: the newest finished race, by a model trained first on the races before
    [full] = Registry.from_settings(settings).versions()
    document = _predict(settings, capsys, "--last", "--train", "--since", "2021")
    assert (document["season"], document["round"], document["kind"]) == (2025, 18, "hindcast")
    registry = Registry.from_settings(settings)
    assert registry.versions()[0] == full and len(registry.versions()) == 2
    assert document["model"] == {"version": registry.latest(), "trained_until": "2025:17"}
    assert registry.meta(registry.latest())["train_from"] == 2021
    # with a model from before the race now registered, nothing is trained again
    again = _predict(settings, capsys, "--last", "--train")
    assert again["model"] == document["model"] and len(registry.versions()) == 2
