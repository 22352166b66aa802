"""Settings for every undercut process.

Values come, lowest priority first, from defaults, an optional ``undercut.toml`` in the
working directory, ``UNDERCUT_*`` environment variables, and finally explicit overrides
(the CLI passes its flags as overrides so that flags always win).
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PUBLIC_ARCHIVE_URL = "https://github.com/TracingInsights/RaceData/releases/latest/download/data.zip"
PUBLIC_JOLPICA_URL = "https://api.jolpi.ca/ergast/f1/"
# F1DB (CC BY 4.0): a source archive of its repository, the data under src/data.
PUBLIC_F1DB_URL = "https://github.com/f1db/f1db/archive/refs/heads/main.zip"
# The placeholder earlier versions shipped as the default secret; refused everywhere now.
DEV_SECRET = "undercut-development-secret-change-me"


def is_remote_url(location: str) -> bool:
    """True for fsspec URLs such as ``s3://bucket/prefix`` (anything but a local path)."""
    return "://" in location and not location.startswith("file://")


class Settings(BaseSettings):
    """Runtime configuration; see the README's configuration table for each field."""

    model_config = SettingsConfigDict(
        env_prefix="UNDERCUT_",
        toml_file="undercut.toml",
        extra="ignore",
    )

    home: str = Field(default=".undercut", description="Data home: lake, warehouse, models.")
    database_url: str | None = Field(
        default=None, description="App database; embedded SQLite in the home when unset."
    )
    redis_url: str | None = Field(default=None, description="Redis for limits/caches/queue.")
    jolpica_url: str = Field(default=PUBLIC_JOLPICA_URL)
    jolpica_limits: str = Field(default="4/s;500/h")
    openf1_url: str = Field(default="https://api.openf1.org/v1/")
    openf1_limits: str = Field(default="3/s;30/min")
    openmeteo_url: str = Field(default="https://archive-api.open-meteo.com/v1/")
    openmeteo_forecast_url: str = Field(default="https://api.open-meteo.com/v1/")
    openmeteo_limits: str = Field(default="600/min;5000/h;10000/d")
    archive: str = Field(default=PUBLIC_ARCHIVE_URL)
    f1db: str = Field(
        default=PUBLIC_F1DB_URL,
        description="Default source of `ingest f1db`: an F1DB clone, source zip or URL.",
    )
    # The full public archive unpacks to about 25 MB (lap_times.csv ~20 MB), each file
    # compressed at most ~10:1; these caps are far above that and far below a zip bomb.
    archive_max_member_bytes: int = Field(
        default=512 * 1024 * 1024, gt=0, description="Largest file an archive may unpack to."
    )
    archive_max_total_bytes: int = Field(
        default=1024 * 1024 * 1024, gt=0, description="Largest total an archive may unpack to."
    )
    archive_max_ratio: float = Field(
        default=100.0, gt=1, description="Largest unpacked / compressed size of a zip member."
    )
    cache_dir: str | None = Field(
        default=None, description="Local cache (DuckDB file for a remote home, HTTP cache)."
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs access tokens; required outside development, where each home "
        "otherwise gets a random one of its own.",
    )
    environment: str = Field(default="development")
    log_level: str = Field(default="INFO")
    http_timeout: float = Field(default=30.0)
    http_retries: int = Field(default=4)
    access_token_minutes: int = Field(default=15, description="Lifetime of a JWT access token.")
    refresh_token_days: int = Field(default=14, description="Lifetime of a refresh token.")
    login_max_failures: int = Field(
        default=5, description="Failed logins in a row before an account is locked."
    )
    login_lockout_minutes: int = Field(default=15, description="How long a lock-out lasts.")
    rate_limit: str = Field(
        default="120/minute",
        description="Requests per client (user, or IP when anonymous); `none` disables.",
    )
    rate_limit_authenticated: str | None = Field(
        default=None, description="Limit for signed-in users; defaults to `rate_limit`."
    )
    rate_limit_pages: str = Field(
        default="600/minute",
        description="Requests per client to the dashboard's pages and static files, counted "
        "apart from the API's; `none` disables.",
    )
    max_concurrent_per_client: int = Field(
        default=4,
        description="Requests one client may have in progress per API process (more: 429); "
        "0 disables.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies (addresses or networks, comma-separated, `*` any) whose "
        "X-Forwarded-For and X-Forwarded-Proto name the client: behind a load balancer, its "
        "address, or every client counts as the balancer against the limits.",
    )
    serving_query_timeout: float = Field(
        default=10.0,
        description="Seconds a serving query may run before it is cancelled (503 + "
        "Retry-After); 0 disables.",
    )
    cache_seconds: int = Field(
        default=60, description="Cache-Control max-age and server cache lifetime of reads."
    )
    redis_prefix: str = Field(
        default="undercut:", description="Prefix of every Redis key (several homes, one Redis)."
    )
    cors_origins: str = Field(
        default="*",
        description="Origins whose pages may read /ergast/f1 and /api/v1 from a browser: "
        "`*` (any), a comma-separated list, or `none`; never with credentials.",
    )
    serving_refresh_seconds: float = Field(
        default=1.0, description="How often the API looks for a newer warehouse to serve."
    )
    serving_threads: int = Field(
        default=2,
        ge=1,
        description="Threads per API process that run blocking work (warehouse reads, "
        "app-database sessions); more requests wait their turn in arrival order.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def home_is_remote(self) -> bool:
        return is_remote_url(self.home)

    @cached_property
    def local_dir(self) -> Path:
        """Local directory for files that must be on disk (DuckDB, SQLite, caches).

        For a local home this is the home itself; for an object-store home it is a cache
        directory keyed by the home URL so two remote homes never share a warehouse file.
        """
        if not self.home_is_remote:
            return Path(self.home.removeprefix("file://")).expanduser().resolve()
        base = Path(self.cache_dir or Path.home() / ".cache" / "undercut").expanduser()
        key = hashlib.sha256(self.home.encode()).hexdigest()[:16]
        return (base / key).resolve()

    @property
    def warehouse_path(self) -> Path:
        return self.local_dir / "warehouse.duckdb"

    @property
    def app_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.local_dir / 'app.sqlite'}"


def get_settings(**overrides: Any) -> Settings:
    """Build settings; ``None`` overrides are ignored so unset CLI flags do not mask env."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)


def test_data_dir() -> Path:
    """Where the shared real-data fixtures live (``UNDERCUT_TEST_DATA``)."""
    return Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")).resolve()
