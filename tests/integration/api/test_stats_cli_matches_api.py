"""`undercut stats … --format json` and `/api/v1` give the same documents."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from undercut.cli import main
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


@pytest.mark.parametrize(
    "command, path",
    [
        (["driver", "hamilton"], "/api/v1/drivers/hamilton"),
        (["driver", "max_verstappen"], "/api/v1/drivers/max_verstappen"),
        (["constructor", "ferrari"], "/api/v1/constructors/ferrari"),
        (["standings", "2023"], "/api/v1/standings/2023/drivers"),
        (["standings", "2021", "--round", "10"], "/api/v1/standings/2021/drivers?round=10"),
    ],
)
def test_cli_json_equals_api(
    client: TestClient,
    built_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    path: str,
) -> None:
    capsys.readouterr()
    code = main(["stats", *command, "--format", "json", "--home", built_settings.home])
    out, err = capsys.readouterr()
    assert code == 0, err
    response = client.get(path)
    assert response.status_code == 200
    assert json.loads(out) == response.json()
