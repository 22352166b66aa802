from pathlib import Path

import pytest

from undercut.config import PUBLIC_JOLPICA_URL, get_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("UNDERCUT_HOME", "UNDERCUT_JOLPICA_URL", "UNDERCUT_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    settings = get_settings()
    assert settings.home == ".undercut"
    assert settings.local_dir == (tmp_path / ".undercut").resolve()
    assert settings.jolpica_url == PUBLIC_JOLPICA_URL
    assert settings.jolpica_limits == "4/s;500/h"
    assert settings.app_database_url.startswith("sqlite:///")


def test_toml_then_env_then_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "undercut.toml").write_text(
        'home = "from-toml"\njolpica_limits = "none"\nredis_url = "redis://toml:6379/0"\n'
    )
    monkeypatch.delenv("UNDERCUT_HOME", raising=False)
    monkeypatch.delenv("UNDERCUT_REDIS_URL", raising=False)
    assert get_settings().home == "from-toml"
    assert get_settings().jolpica_limits == "none"
    monkeypatch.setenv("UNDERCUT_HOME", "from-env")
    assert get_settings().home == "from-env"
    assert get_settings(home="from-flag").home == "from-flag"
    # an unset flag (None) must not mask the environment
    assert get_settings(home=None).home == "from-env"
    assert get_settings().redis_url == "redis://toml:6379/0"


def test_remote_home_keeps_duckdb_in_a_local_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = get_settings(home="s3://bucket/prefix", cache_dir=str(tmp_path))
    assert settings.home_is_remote
    assert settings.warehouse_path.parent.parent == tmp_path.resolve()
    other = get_settings(home="s3://bucket/other", cache_dir=str(tmp_path))
    assert other.warehouse_path != settings.warehouse_path
