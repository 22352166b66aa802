"""Schema migrations of the app database (Alembic), run programmatically.

Each concern (auth, predictions, run ledger) owns an independent migration branch rooted
at its own first revision, so ``upgrade`` targets ``heads``: every branch to its newest.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from undercut.appdb.base import get_engine
from undercut.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings) -> None:
    """Bring the app database to the newest schema (idempotent)."""
    get_engine(settings)  # creates the home directory for the embedded database
    command.upgrade(alembic_config(settings), "heads")
