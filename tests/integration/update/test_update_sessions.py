"""`undercut update --sessions`: results from the Ergast-compatible API, then the session
timing (OpenF1) and race weather (Open-Meteo) of the finished races, then gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.ergast_replay import files_replay
from support.homes import copy_home, warehouse_rows
from support.httpserver import LocalServer, Reply
from support.replay import ARCHIVE_BY_LATITUDE, openf1_replay, openmeteo_replay
from undercut.cli import main
from undercut.config import Settings


def _weather_everywhere(path: str, headers: dict[str, str]) -> Reply:
    """Bahrain's recorded hours answer the circuits that have no fixture of their own: the
    races outside the recorded window get warnings, the two recorded races real rows."""
    reply = openmeteo_replay()(path, headers)
    if reply.status == 400:
        bahrain = next(iter(ARCHIVE_BY_LATITUDE))
        return openmeteo_replay()(f"/v1/archive?latitude={bahrain}", headers)
    return reply


def test_update_with_sessions_pulls_timing_and_weather_then_rebuilds_gold(
    loaded_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = copy_home(loaded_settings, tmp_path / "home")
    with (
        LocalServer(fallback=files_replay()) as ergast,
        LocalServer(fallback=openf1_replay()) as openf1,
        LocalServer(fallback=_weather_everywhere) as meteo,
    ):
        for name, value in {
            "UNDERCUT_JOLPICA_LIMITS": "none",
            "UNDERCUT_OPENF1_URL": f"{openf1.url}/v1/",
            "UNDERCUT_OPENF1_LIMITS": "none",
            "UNDERCUT_OPENMETEO_URL": f"{meteo.url}/v1/",
            "UNDERCUT_OPENMETEO_LIMITS": "none",
        }.items():
            monkeypatch.setenv(name, value)
        args = ["update", "--season", "2023", "--sessions", "--home", str(home.home)]
        code = main([*args, "--base-url", f"{ergast.url}/ergast/f1/"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert "sessions: 3 fetched" in captured.err  # the two races and Bahrain's first practice
        assert "gold rebuilt" in captured.err
        # Bahrain and Jeddah 2023 have OpenF1 fixtures: their laps reach gold.
        pace = warehouse_rows(
            home,
            "select distinct round from gold.race_pace where season = 2023 and source = 'openf1' "
            "order by round",
        )
        assert pace == [(1,), (2,)]
        weather = warehouse_rows(
            home, "select count(*) from silver.race_weather where season = 2023"
        )
        assert weather[0][0] >= 2

        # a second run right after finds nothing missing
        assert main([*args, "--base-url", f"{ergast.url}/ergast/f1/"]) == 0
        assert "sessions: 0 fetched" in capsys.readouterr().err
