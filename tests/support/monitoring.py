"""Debian's Prometheus binaries, a Prometheus server for tests, and /metrics parsing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from support.jobs import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "undercut.json"
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")
# PromQL words that look like metric names but are functions, keywords or labels' values.
_NOT_METRICS = {
    "sum",
    "rate",
    "irate",
    "increase",
    "histogram_quantile",
    "by",
    "without",
    "on",
    "ignoring",
    "and",
    "or",
    "unless",
    "max",
    "min",
    "avg",
    "count",
    "le",
    "time",
    "clamp_min",
    "topk",
    "bool",
    "offset",
    "group_left",
    "group_right",
}


def binary(name: str) -> str:
    """The path of ``promtool`` / ``prometheus`` from Debian's package; skips (fails with
    ``UNDERCUT_REQUIRE_TEST_DATA=1``) when it is not installed."""
    found = shutil.which(name)
    if found is None:
        message = f"PROMETHEUS MISSING: {name} not found (apt-get install -y prometheus)"
        if os.environ.get("UNDERCUT_REQUIRE_TEST_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def samples(text: str) -> dict[str, float]:
    """Every sample of a Prometheus text exposition: ``name{labels}`` -> value."""
    found = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


def total(text: str, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(
        value
        for key, value in samples(text).items()
        if key.partition("{")[0] == name and all(w in key for w in wanted)
    )


def exported_names(text: str) -> set[str]:
    """Metric names a /metrics page declares (``# TYPE``) or has samples of, with the
    series names a counter or histogram expands to."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            names.add(name)
            if kind == "counter":
                names.add(name.removesuffix("_total") + "_total")
            if kind == "histogram":
                names.update(f"{name}_{suffix}" for suffix in ("bucket", "sum", "count"))
    return names | {key.partition("{")[0] for key in samples(text)}


def dashboard_queries(path: Path = DASHBOARD) -> Iterator[tuple[str, str]]:
    """``(panel title, PromQL)`` of every target of every panel (rows included)."""
    board = json.loads(path.read_text())

    def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))

    for panel in panels(board["panels"]):
        for target in panel.get("targets", []):
            yield panel.get("title", "?"), target["expr"]


def metric_names_in(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not functions, labels or strings)."""
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_labels = re.sub(r"\{[^}]*\}", "", without_strings)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    without_groupings = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", without_ranges)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_groupings))
    return {w for w in words - _NOT_METRICS if not w.startswith("$")}


class PrometheusServer:
    """Debian's ``prometheus`` on a free port scraping ``targets`` every second, with the
    repository's alert rules and a storage directory under ``workdir``."""

    def __init__(self, workdir: Path, targets: list[str]) -> None:
        self.workdir = workdir
        self.targets = targets
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def config(self) -> Path:
        """The repository's prometheus.yml with these targets and absolute rule paths."""
        config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
        config["global"].update({"scrape_interval": "1s", "evaluation_interval": "1s"})
        config["rule_files"] = [str(MONITORING / rule) for rule in config["rule_files"]]
        for job in config["scrape_configs"]:
            for group in job["static_configs"]:
                group["targets"] = self.targets
        path = self.workdir / "prometheus.yml"
        path.write_text(yaml.safe_dump(config))
        return path

    def __enter__(self) -> PrometheusServer:
        exe = binary("prometheus")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.config()
        log = (self.workdir / "prometheus.log").open("wb")
        self.process = subprocess.Popen(
            [
                exe,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, 60, "prometheus to be ready", every=0.2)
        return self

    def _ready(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        return (self.workdir / "prometheus.log").read_text()[-3000:]

    def api(self, path: str) -> Any:
        response = httpx.get(f"{self.url}/api/v1/{path}", timeout=5)
        response.raise_for_status()
        return response.json()["data"]

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
