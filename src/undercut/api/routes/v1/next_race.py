"""``/api/v1/next-race``: the first race of the calendar without results."""

from __future__ import annotations

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import ReadRouter
from undercut.serving.v1 import next_race as document
from undercut.serving.v1.next_race import NextRace

router = ReadRouter(tags=["races"])


@router.get("/next-race", response_model=NextRace)
def next_race(reader: WarehouseDep) -> NextRace:
    """The next race to be run (404 when every scheduled race has results)."""
    return document.next_race(reader)
