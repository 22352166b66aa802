"""The dashboard at ``/``: server-rendered pages over the same data as ``/api/v1``."""

from __future__ import annotations

from undercut.web.pages import router

__all__ = ["router"]
