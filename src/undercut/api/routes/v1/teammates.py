"""``/api/v1/teammates/{driverId}``: head-to-heads against every team-mate."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from undercut.api.deps import WarehouseDep
from undercut.api.routes.v1.common import ReadRouter
from undercut.serving.v1 import teammates as document
from undercut.serving.v1.teammates import HeadToHead

router = ReadRouter(prefix="/teammates", tags=["drivers"])


@router.get("/{driver_id}", response_model=list[HeadToHead])
def teammates(
    driver_id: Annotated[str, Path(max_length=64)], reader: WarehouseDep
) -> list[HeadToHead]:
    """Qualifying and race head-to-heads per season and team."""
    return document.teammates(driver_id, reader)
