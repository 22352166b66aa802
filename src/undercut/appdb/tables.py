"""Imports every module that declares app-database tables, so ``Base.metadata`` is whole."""

from __future__ import annotations

from undercut.appdb import ledger, predictions, users
from undercut.appdb.base import Base

__all__ = ["Base", "ledger", "predictions", "users"]
