"""Failures outside undercut's own checks still end in one line and the contract's exit
code: a warehouse locked by another process, an app database that cannot be reached."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from support.jobs import BIN, cli_env
from undercut.cli import main
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")


def test_build_while_another_process_holds_the_warehouse_says_so_in_one_line(
    built_settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(built_settings.local_dir, home)
    warehouse = home / built_settings.warehouse_path.name
    holder = duckdb.connect(str(warehouse))  # this process writes it, as a build would
    try:
        build = subprocess.run(
            [str(BIN / "undercut"), "build", "--force"],
            env=cli_env(home),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        holder.close()
    err = build.stderr.strip()
    assert build.returncode == 1, err
    assert len(err.splitlines()) == 1, err
    assert f"{warehouse} is in use by another process (pid {os.getpid()})" in err
    assert "Traceback" not in err


def test_serve_with_the_database_unreachable_names_it_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNDERCUT_DATABASE_URL", "postgresql://undercut:s3cret@127.0.0.1:1/app")
    code = main(["serve", "--home", str(tmp_path / "home"), "--port", "0"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1, err
    assert "postgresql://undercut:***@127.0.0.1:1/app" in err and "cannot be reached" in err
    assert "s3cret" not in err and "Traceback" not in err
