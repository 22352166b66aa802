"""A stand-in for the update step's source: asks the Ergast-compatible API for news.

Registered through ``UNDERCUT_JOB_UPDATE_FUNCTION=support.update_standin:update`` so the
pipeline's update step talks to a local HTTP server in tests whatever updater the build
ships. It makes the request a real updater makes first (the last race) and fails the way
one does when the source is down; it writes nothing.
"""

from __future__ import annotations

from typing import Any

import httpx

from undercut.config import Settings
from undercut.errors import SourceError


def update(
    settings: Settings,
    season: int | None = None,
    rnd: int | None = None,
    base_url: str | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    url = f"{(base_url or settings.jolpica_url).rstrip('/')}/current/last/results.json"
    try:
        response = httpx.get(url, timeout=10)
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: {exc}", url=url) from exc
    if response.status_code != 200:
        raise SourceError(f"{url}: HTTP {response.status_code}", url=url)
    races = response.json()["MRData"]["RaceTable"]["Races"]
    return {"races_seen": len(races), "url": url}
