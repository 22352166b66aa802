"""`make demo`'s commands, as the Makefile spells them, leave a ledger that tells how the
demo's prediction came to be."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.jobs import BIN, cli_env

MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"
SMALL_MODEL = json.dumps({"min_season": 2021, "n_estimators": 20})


def demo_commands(archive: Path) -> list[tuple[list[str], bool]]:
    """The `undercut` lines of the demo target (without `serve`), variables expanded;
    each with whether make would ignore its failure (a leading ``-``)."""
    text = MAKEFILE.read_text()
    values = dict(re.findall(r"^(\w+) \?= (.*)$", text, re.MULTILINE))
    values.update({"BIN": str(BIN), "UNDERCUT_ARCHIVE": str(archive)})
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert recipe, "Makefile has no demo target"
    commands = []
    for line in recipe.group(1).splitlines():
        line = line.strip()
        tolerant = line.startswith("-")
        expanded = re.sub(r"\$\((\w+)\)", lambda m: values[m.group(1)], line.lstrip("-@"))
        args = shlex.split(expanded)
        if Path(args[0]).name == "undercut" and args[1] != "serve":
            commands.append((args, tolerant))
    return commands


def _json(args: list[str], env: dict[str, str]) -> Any:
    out = subprocess.run(
        [str(BIN / "undercut"), *args, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_make_demo_is_recorded_in_the_ledger(archive_dir: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", UNDERCUT_JOB_MODEL_PARAMS=SMALL_MODEL)
    commands = demo_commands(archive_dir)
    for args, tolerant in commands:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
        assert tolerant or done.returncode == 0, f"{shlex.join(args)}\n{done.stderr[-3000:]}"
    listed = _json(["runs"], env)
    steps = {s["name"]: s["status"] for run in listed["items"] for s in run["steps"]}
    assert steps["ingest"] == steps["build"] == steps["train"] == "succeeded", listed
    assert steps["backtest:2025"] == "succeeded"
    predict = next(s for run in listed["items"] for s in run["steps"] if s["name"] == "predict")
    assert predict["status"] == "succeeded", predict
    race = f"{predict['outputs']['season']}:{predict['outputs']['round']}"
    lineage = _json(["runs", "--lineage", race], env)
    assert lineage["reason"] is None
    assert [s["name"] for s in lineage["steps"]] == ["predict", "train", "build", "ingest"]
    assert lineage["data"]["sources"]["ingest"]["inputs"]["archive"] == str(archive_dir)
