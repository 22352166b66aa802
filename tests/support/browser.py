"""Headless Chromium for end-to-end tests: Debian's browser, screenshots, chart checks."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("UNDERCUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
AXE_VERSION = "4.11.4"
# axe's violations per impact, by page and width, of every page checked in this process;
# written to ``ARTIFACTS / "axe.json"`` by ``write_axe_counts``
AXE_COUNTS: dict[str, dict[str, dict[str, int]]] = {}
IMPACTS = ("critical", "serious", "moderate", "minor")
# the widths every page is checked at, with their viewport heights: a phone and a desktop
WIDTHS = {390: 844, 1280: 900}
CACHE = Path(os.environ.get("UNDERCUT_TEST_CACHE") or Path.home() / ".cache" / "undercut-tests")


class AxeMissing(RuntimeError):
    """axe-core is not in the cache and npm could not install it."""


def axe_core() -> Path:
    """``axe.min.js`` of axe-core ``AXE_VERSION``, installed by npm on first use."""
    prefix = CACHE / f"axe-core-{AXE_VERSION}"
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise AxeMissing("npm not found, so axe-core cannot be installed (apt-get install -y npm)")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-save",
            "--no-audit",
            "--no-fund",
            f"axe-core@{AXE_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or not script.exists():
        raise AxeMissing(f"npm install axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-500:]}")
    return script


def drawn(page: Any) -> int:
    """Wait until plotly has drawn every chart of the page; returns how many there are."""
    total = int(page.locator(".chart").count())
    if total:
        page.wait_for_function(
            "n => document.querySelectorAll('.chart[data-rendered]').length >= n",
            arg=total,
        )
    assert page.locator(".chart[data-rendered] svg.main-svg").count() >= total
    return total


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under ``test-artifacts/dashboard/``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_chart(page: Any, chart_id: str | None = None) -> int:
    """Wait until plotly has drawn a chart (its SVG is in the page); returns the number of
    drawn charts."""
    selector = f"#{chart_id}" if chart_id else ".chart"
    page.wait_for_selector(f"{selector}[data-rendered='true'] svg.main-svg", state="attached")
    return int(page.locator(".chart[data-rendered='true'] svg.main-svg").count())


def check_page(
    page: Any, url: str, name: str, width: int, axe_script: Path, status: int = 200
) -> dict[str, int]:
    """The checks every dashboard page passes at every width: it answers ``status`` with a
    heading, draws every chart, does not scroll sideways, logs no console error and has
    no serious or critical axe-core violation. Screenshots ``<name>-<width>.png`` and
    records axe's counts per impact in ``AXE_COUNTS``; returns those counts."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(url)
    assert response is not None and response.status == status, url
    assert page.locator("h1").first.inner_text().strip()
    drawn(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px"
    shot(page, f"{name}-{width}")
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    counts = dict.fromkeys(IMPACTS, 0)
    for v in violations:
        counts[v["impact"] or "minor"] += 1
    AXE_COUNTS.setdefault(name, {})[str(width)] = counts
    grave = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert grave == [], f"{url} at {width}px"
    # the browser reports the page's own status when it is not 200: that one is expected
    expected = f"status of {status}"
    assert [e for e in errors if status == 200 or expected not in e] == []
    return counts


def write_axe_counts() -> Path:
    """``axe.json``: the counts of every page checked so far, by this test process and the
    others (each adds its pages to the file under a lock, rather than the last to finish
    writing only its own)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "axe.json"
    with (ARTIFACTS / "axe.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counts = json.loads(path.read_text()) if path.exists() else {}
        for page, widths in AXE_COUNTS.items():
            counts.setdefault(page, {}).update(widths)
        path.write_text(json.dumps(counts, indent=2, sort_keys=True))
    return path
