"""deploy/monitoring checked by the real tools: Debian's promtool validates the scrape
config and the rules and runs the rules' unit tests; the Grafana files are consistent."""

from __future__ import annotations

import json
import subprocess

import yaml

from support.monitoring import DASHBOARD, MONITORING, binary, dashboard_queries


def _promtool(*args: str) -> str:
    done = subprocess.run(
        [binary("promtool"), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_promtool_accepts_the_scrape_config() -> None:
    assert "SUCCESS" in _promtool("check", "config", str(MONITORING / "prometheus.yml"))


def test_promtool_accepts_the_rules() -> None:
    rules = sorted((MONITORING / "rules").glob("*.yml"))
    assert rules
    out = _promtool("check", "rules", *map(str, rules))
    assert "SUCCESS" in out


def test_the_rules_pass_their_unit_tests() -> None:
    tests = sorted((MONITORING / "tests").glob("*.yml"))
    assert tests
    assert "SUCCESS" in _promtool("test", "rules", *map(str, tests))


def test_every_alert_rule_has_a_unit_test() -> None:
    rules = yaml.safe_load((MONITORING / "rules" / "undercut.rules.yml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    tested = {
        case["alertname"]
        for path in (MONITORING / "tests").glob("*.yml")
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts and alerts == tested


def test_the_dashboard_reads_the_provisioned_data_source() -> None:
    board = json.loads(DASHBOARD.read_text())
    source = yaml.safe_load(
        (MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"][0]
    titles = [p["title"] for p in board["panels"]]
    assert len(titles) == len(set(titles)) and board["uid"]
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        assert panel["targets"], panel["title"]
    wanted = ("request", "latency", "cache hit", "rate-limited", "queue", "freshness", "accuracy")
    for word in wanted:
        assert any(word in title.lower() for title in titles), word
    assert all(expr.strip() for _, expr in dashboard_queries())
