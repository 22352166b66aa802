"""undercut: Formula 1 history in a local warehouse, analytics, predictions and an API."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from undercut.notebook import Warehouse


def open(home: str | None = None) -> Warehouse:
    """Open the warehouse of a data home for notebook use (read-only).

    Example:
        >>> import undercut
        >>> wh = undercut.open()
        >>> wh.table("gold.driver_summary").head()
    """
    from undercut.notebook import Warehouse

    return Warehouse.open(home)
