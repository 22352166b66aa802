"""The dashboard at ``/``: server-rendered pages over the same data as ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
