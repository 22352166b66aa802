"""The model registry, on the lake (so it works the same on a local home and on ``s3://``).

Layout::

    models/<version>/model.txt            LightGBM booster, after-qualifying basis
    models/<version>/model.onnx           the same booster exported to ONNX
    models/<version>/model-prequali.txt   booster using only pre-qualifying features
    models/<version>/model-prequali.onnx
    models/<version>/meta.json            features, temperatures, training window,
                                          data snapshot hash, calibration metrics, params
    models/backtests/latest.json          the latest backtest (served by the API)

Versions are ``YYYYMMDD-HHMMSS-<snapshot hash>``: they sort in training order, and the
hash names the data the version was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from undercut.config import Settings
from undercut.errors import ModelError, NotFoundError
from undercut.features.entries import PRE_QUALIFYING, QUALIFYING, parse_race, race_index
from undercut.lake import Lake

ROOT = "models"
BACKTESTS = "backtests"
META = "meta.json"
FILE_STEMS = {QUALIFYING: "model", PRE_QUALIFYING: "model-prequali"}


@dataclass
class Registry:
    lake: Lake

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        return cls(Lake.from_settings(settings))

    def versions(self) -> list[str]:
        """Registered versions, oldest first (a version exists once its meta is written)."""
        names = [name for name in self.lake.ls(ROOT) if name != BACKTESTS]
        return sorted(name for name in names if self.lake.exists(ROOT, name, META))

    def latest(self) -> str:
        versions = self.versions()
        if not versions:
            raise ModelError(
                f"no model in the registry ({self.lake.url(ROOT)}); run `undercut train` first"
            )
        return versions[-1]

    def resolve(self, version: str | None) -> str:
        """The given version (checked) or the latest one."""
        if version is None:
            return self.latest()
        if not self.lake.exists(ROOT, version, META):
            known = ", ".join(self.versions()[-5:]) or "none; run `undercut train`"
            raise NotFoundError(f"model version {version!r} not in the registry (latest: {known})")
        return version

    def newest_before(self, season: int, rnd: int) -> str | None:
        """The newest version trained only on races before ``season:rnd`` (None if none).

        A race whose result is loaded may only be predicted by such a version: any later
        one has seen that result.
        """
        for version in reversed(self.versions()):
            if not trained_on(self.meta(version), season, rnd):
                return version
        return None

    def meta(self, version: str) -> dict[str, Any]:
        return dict(self.lake.read_json(ROOT, version, META))

    def list(self) -> list[dict[str, Any]]:
        """Every version's metadata, newest first (what ``GET /api/v1/models`` lists)."""
        return [self.meta(version) for version in reversed(self.versions())]

    def read_file(self, version: str, name: str) -> bytes:
        return self.lake.read_bytes(ROOT, version, name)

    def model_file(self, version: str, basis: str, kind: str) -> bytes:
        """``kind`` is ``txt`` (LightGBM) or ``onnx``."""
        return self.read_file(version, f"{FILE_STEMS[basis]}.{kind}")

    def save(self, version: str, files: dict[str, bytes], meta: dict[str, Any]) -> None:
        """Write the model files first and the meta last: a half-written version is invisible."""
        for name, data in files.items():
            self.lake.write_bytes(data, ROOT, version, name)
        self.lake.write_json(meta, ROOT, version, META)

    def save_backtest(self, result: dict[str, Any]) -> None:
        self.lake.write_json(result, ROOT, BACKTESTS, "latest.json")

    def latest_backtest(self) -> dict[str, Any] | None:
        if not self.lake.exists(ROOT, BACKTESTS, "latest.json"):
            return None
        return dict(self.lake.read_json(ROOT, BACKTESTS, "latest.json"))


def trained_on(meta: dict[str, Any], season: int, rnd: int) -> bool:
    """Whether a version's training window reaches race ``season:rnd`` (it saw its result)."""
    return race_index(*parse_race(meta["trained_until"])) >= race_index(season, rnd)


def list_versions(settings: Settings) -> list[dict[str, Any]]:
    return Registry.from_settings(settings).list()


def latest_version(settings: Settings) -> str:
    return Registry.from_settings(settings).latest()


def latest_backtest(settings: Settings) -> dict[str, Any] | None:
    return Registry.from_settings(settings).latest_backtest()
