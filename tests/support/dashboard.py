"""A data home with a model, stored predictions and a backtest, and a real server over it.

Building one takes a small model (recent seasons, few trees) so the dashboard has
something to show in well under a minute: a prediction of the next race, a prediction of
the last race already scored against its result, and a one-season backtest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from support.homes import copy_home
from undercut.config import Settings

SMALL_MODEL = {"min_season": 2018, "n_estimators": 30}


def predicted_home(built: Settings, target: Path) -> dict[str, Any]:
    """Copy a built home, train, predict the last and the next race, score, backtest.

    Returns the settings and what was made (version, the two races, the prediction).
    """
    from undercut.ml.backtest import run_backtest
    from undercut.ml.evaluate import evaluate_finished
    from undercut.ml.model import ModelParams
    from undercut.ml.predict import predict_race
    from undercut.ml.train import train
    from undercut.serving.sql import query
    from undercut.serving.store import attach_readonly

    settings = copy_home(built, target)
    with attach_readonly(settings) as con:
        last = con.execute(query("last_race")).fetchone()
        upcoming = con.execute(query("next_race")).fetchone()
    assert last is not None and upcoming is not None
    last_race, next_race = (int(last[0]), int(last[1])), (int(upcoming[0]), int(upcoming[1]))
    params = ModelParams(**SMALL_MODEL)
    before_last = f"{last_race[0]}:{last_race[1] - 1}"
    version = train(settings, until=before_last, params=params)
    predict_race(settings, *last_race)
    evaluate_finished(settings)
    prediction = predict_race(settings, *next_race)
    run_backtest(settings, last_race[0], last_race[0], params=params)
    return {
        "settings": settings,
        "version": version,
        "last_race": last_race,
        "next_race": next_race,
        "prediction": prediction,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """``undercut serve`` in a child process on 127.0.0.1 and a free port."""

    def __init__(self, settings: Settings, log: Path, env: dict[str, str] | None = None) -> None:
        """``env``: variables set for the server on top of the defaults below (no rate
        limit, no bound on requests in progress, no Redis, the home's own app database)."""
        self.settings = settings
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LiveServer:
        src = Path(__file__).resolve().parents[2] / "src"
        env = {
            **os.environ,
            "UNDERCUT_RATE_LIMIT": "none",
            "UNDERCUT_RATE_LIMIT_PAGES": "none",
            "UNDERCUT_MAX_CONCURRENT_PER_CLIENT": "0",  # a browser fetches several at once
            "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
        }
        env.pop("UNDERCUT_REDIS_URL", None)
        env.pop("UNDERCUT_DATABASE_URL", None)
        env.update(self.env)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from undercut.cli import run; run()",
                    "serve",
                    "--workers",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--home",
                    str(self.settings.home),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code < 600:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def __exit__(self, *_: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
