"""A forecast per weekend stage: which stages have run, what each may see, what is stored."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from support.f1db import mini_tree
from support.homes import copy_home
from undercut.api.app import create_app
from undercut.appdb.base import session_factory
from undercut.appdb.predictions import Prediction
from undercut.cli import main
from undercut.config import Settings
from undercut.errors import InputError
from undercut.features.build import build_features
from undercut.features.entries import find_race
from undercut.features.inputs import FeatureInputs, load_inputs
from undercut.features.stages import (
    PRACTICE_SESSIONS,
    SPRINT,
    SPRINT_QUALIFYING,
    STAGES,
    knows_sprint,
    practice_features,
    stage_columns,
    stage_rows,
    weekend_state,
)
from undercut.ingest.f1db import ingest_f1db
from undercut.ml.evaluate import evaluate_finished
from undercut.ml.predict import predict_race
from undercut.ml.race_logit import ScoreMapping
from undercut.ml.registry import Registry

RACES = ["2025/18-singapore", "2025/04-bahrain", "2024/05-china"]


@pytest.fixture(scope="module")
def weekend(
    predicted: dict, f1db_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The predicted home (a model trained until 2025:17, stored predictions) with F1DB's
    weekends of Singapore 2025, Bahrain 2025 (six regulars sat FP1 out for rookies) and
    China 2024 (a sprint weekend: one practice)."""
    root = tmp_path_factory.mktemp("weekend")
    settings = copy_home(predicted["settings"], root / "home")
    ingest_f1db(settings, str(mini_tree(f1db_dir, root / "f1db", RACES)))
    inputs = load_inputs(settings)
    frame, _ = build_features(inputs)
    return {"settings": settings, "inputs": inputs, "frame": frame}


def _race(frame: pd.DataFrame, season: int, rnd: int) -> pd.DataFrame:
    return frame[(frame["season"] == season) & (frame["round"] == rnd)].set_index("driver_id")


def test_stages_run_follow_the_weekend_format(weekend: dict[str, Any]) -> None:
    inputs = weekend["inputs"]
    sprint_weekend = weekend_state(inputs, find_race(inputs, 2024, 5))
    assert sprint_weekend.completed == (
        "pre-weekend",
        "fp1",
        SPRINT_QUALIFYING,
        SPRINT,
        "qualifying",
        "grid",
    )
    normal = weekend_state(inputs, find_race(inputs, 2025, 18))
    assert normal.completed == ("pre-weekend", "fp1", "fp2", "fp3", "qualifying", "grid")


def _before(inputs: FeatureInputs, season: int, rnd: int, stage: str) -> FeatureInputs:
    """``inputs`` with every session of S:R after ``stage`` removed."""
    race = (inputs.practice["season"] == season) & (inputs.practice["round"] == rnd)
    keep = PRACTICE_SESSIONS.get(stage, PRACTICE_SESSIONS["fp3"])
    practice = inputs.practice[~race | inputs.practice["session"].isin(keep)]
    sq = inputs.sprint_qualifying
    in_race = (sq["season"] == season) & (sq["round"] == rnd)
    if STAGES.index(stage) < STAGES.index(SPRINT_QUALIFYING):
        sq = sq[~in_race]
    return dataclasses.replace(inputs, practice=practice, sprint_qualifying=sq)


@pytest.mark.parametrize(
    ("season", "rnd", "stage"),
    [
        (2025, 18, "fp1"),
        (2025, 18, "fp2"),
        (2025, 18, "fp3"),
        (2025, 4, "fp1"),
        (2024, 5, "fp1"),
        (2024, 5, SPRINT_QUALIFYING),
        (2024, 5, SPRINT),
        (2025, 18, "qualifying"),
        (2024, 5, "grid"),
    ],
)
def test_a_stage_sees_nothing_of_later_sessions(
    weekend: dict[str, Any], season: int, rnd: int, stage: str
) -> None:
    inputs, frame = weekend["inputs"], weekend["frame"]
    base = frame.drop(columns=[c for c in frame if c.startswith(("fp", "sq_"))])
    full = _race(practice_features(base, inputs), season, rnd)
    cut = _race(practice_features(base, _before(inputs, season, rnd, stage)), season, rnd)
    columns = stage_columns(stage)
    assert columns
    pd.testing.assert_frame_equal(full[columns], cut[columns])
    # the sprint's result is hidden before the sprint, shown from it on
    shown = stage_rows(_race(frame, season, rnd), stage)["sprint_position"]
    assert shown.notna().any() == (knows_sprint(stage) and (season, rnd) == (2024, 5))


def test_later_sessions_do_move_the_pace(weekend: dict[str, Any]) -> None:
    singapore = _race(weekend["frame"], 2025, 18)
    assert not singapore["fp1_gap_pct"].equals(singapore["fp3_gap_pct"])
    assert singapore["fp3_gap_pct"].notna().all() and singapore["fp3_gap_pct"].min() == 0.0
    # Albon ran two laps in FP1 and set no time: no pace until FP2
    assert (
        pd.isna(singapore.loc["albon", "fp1_gap_pct"]) and singapore.loc["albon", "fp1_laps"] == 2
    )
    assert singapore.loc["albon", "fp2_gap_pct"] >= 0


def test_a_regular_who_sat_fp1_out_takes_his_rookie_stand_ins_pace(
    weekend: dict[str, Any],
) -> None:
    # Bahrain 2025 FP1: Leclerc's Ferrari was driven by a rookie who never started a race.
    bahrain = _race(weekend["frame"], 2025, 4)
    practice = weekend["inputs"].practice
    fp1 = practice[(practice["season"] == 2025) & (practice["round"] == 4)]
    fp1 = fp1[fp1["session"] == "fp1"]
    rookie = fp1[fp1["driver_id"].isna() & (fp1["constructor_id"] == "ferrari")]
    best = fp1["best_lap_ms"].min()
    expected = 100.0 * (float(rookie["best_lap_ms"].iloc[0]) - best) / best
    assert bahrain.loc["leclerc", "fp1_gap_pct"] == pytest.approx(expected)
    assert pd.isna(bahrain.loc["leclerc", "fp1_laps"])
    assert bahrain.loc["leclerc", "fp2_gap_pct"] < bahrain.loc["leclerc", "fp1_gap_pct"]


def test_predict_per_stage_stores_its_stage(weekend: dict[str, Any]) -> None:
    settings: Settings = weekend["settings"]
    documents = {
        stage: predict_race(settings, 2025, 18, stage=stage)
        for stage in ("pre-weekend", "fp2", "auto")
    }
    assert [d["stage"] for d in documents.values()] == ["pre-weekend", "fp2", "grid"]
    fp2 = documents["fp2"]
    assert fp2["basis"] == "pre-qualifying" and fp2["kind"] == "hindcast"
    assert all(d["grid"] is None for d in fp2["drivers"])
    assert "F1DB" in fp2["attribution"] and "attribution" not in documents["pre-weekend"]
    # with the grid known the weekend's best practice gap is still read
    assert "F1DB" in documents["auto"]["attribution"]
    assert sum(d["p_win"] for d in fp2["drivers"]) == pytest.approx(1.0)
    assert sum(d["p_podium"] for d in fp2["drivers"]) == pytest.approx(3.0)
    # the stage's own pace logit reads its practice columns (this home's model was trained
    # without F1DB, so their weights say nothing here; the backtest measures them)
    meta = Registry.from_settings(settings).meta(fp2["model"]["version"])
    logit = ScoreMapping.from_meta(meta, "pre-qualifying", "fp2").logit
    assert logit is not None and "fp2_gap_pct" in logit.weights
    with session_factory(settings)() as session:
        stored = session.execute(
            select(Prediction.season, Prediction.round, Prediction.basis, Prediction.stage)
        ).all()
    # the newest three, and the two stored before stages existed, labelled by the migration
    assert {(2025, 18, "pre-qualifying", "fp2"), (2025, 18, "qualifying", "grid")} <= set(stored)
    assert all(
        stage == ("grid" if basis == "qualifying" else "pre-weekend")
        for *_, basis, stage in stored
        if stage != "fp2"
    )
    # the weekend timeline on /api/v1, and once the race is scored, each stage's accuracy
    evaluate_finished(settings)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/v1/predictions/2025/18/timeline")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [s["stage"] for s in body["stages"]] == ["pre-weekend", "fp2", "grid"]
    assert "F1DB" in body["attribution"]
    fp2_stage = body["stages"][1]
    assert fp2_stage["drivers"][0] == {
        "driverId": fp2["drivers"][0]["driverId"],
        "code": fp2["drivers"][0]["code"],
        "p_win": fp2["drivers"][0]["p_win"],
        "p_podium": fp2["drivers"][0]["p_podium"],
    }
    assert all(s["accuracy"]["winner_log_loss"] > 0 for s in body["stages"])
    with TestClient(create_app(settings)) as client:
        missing = client.get("/api/v1/predictions/2025/3/timeline")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2024", "5", "--stage", "fp2"], "--stage fp2: race 2024:5 has no fp2 data; stages run"),
        (["2025", "18", "--stage", "fp9"], "--stage 'fp9': unknown stage"),
        (["1955", "1", "--stage", "fp1"], "(F1DB has practice results from 2006 on)"),
    ],
)
def test_a_stage_not_run_or_unknown_is_one_line_exit_2(
    weekend: dict[str, Any], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    home = str(weekend["settings"].local_dir)
    code = main(["predict", *args, "--format", "json", "--home", home])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and message in err and err.count("error:") == 1


def test_cli_json_carries_the_stage(
    weekend: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(weekend["settings"].local_dir)
    code = main(["predict", "2025", "18", "--stage", "fp1", "--format", "json", "--home", home])
    document = json.loads(capsys.readouterr().out)
    assert code == 0 and document["stage"] == "fp1"


def test_race_pages_show_the_timeline_of_a_normal_and_a_sprint_weekend(
    weekend: dict[str, Any],
) -> None:
    import duckdb

    settings: Settings = weekend["settings"]
    for stage in ("pre-weekend", "fp1", "fp3"):
        predict_race(settings, 2025, 18, stage=stage)
    # Austin 2025, a sprint weekend, live: FP1 and sprint qualifying have run (their rows
    # stand in for what the OpenF1 pull brings during the weekend).
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(
            "insert into silver.practice_results by name select * replace (19 as round) "
            "from silver.practice_results where season = 2025 and round = 18 and session = 'fp1'"
        )
        con.execute(
            "insert into silver.sprint_qualifying_results by name "
            "select 'openf1' as source, season, 19 as round, driver_id, position, "
            "best_lap_ms from silver.practice_results "
            "where season = 2025 and round = 18 and session = 'fp2' and driver_id is not null"
        )
    auto = predict_race(settings, 2025, 19)
    assert (auto["stage"], auto["kind"]) == ("sprint-qualifying", "forecast")
    for stage in ("pre-weekend", "fp1"):
        predict_race(settings, 2025, 19, stage=stage)
    with pytest.raises(InputError, match="--stage fp2: race 2025:19 has no fp2 data yet"):
        predict_race(settings, 2025, 19, stage="fp2")
    with TestClient(create_app(settings)) as client:
        pages = {rnd: client.get(f"/races/2025/{rnd}") for rnd in (18, 19)}
    for rnd in (18, 19):
        assert pages[rnd].status_code == 200
        html = pages[rnd].text
        assert "Weekend timeline" in html and 'id="chart-timeline"' in html
        assert "licensed CC BY 4.0" in html
    # (other tests of this module may have stored more stages of 2025:18 on this worker)
    assert re.search(r"each session \(pre-weekend, fp1, [^)]*fp3, grid\)", pages[18].text)
    assert "each session (pre-weekend, fp1, sprint-qualifying)" in pages[19].text
