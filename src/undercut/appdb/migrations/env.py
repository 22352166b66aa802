"""Alembic environment: runs migrations on the engine of the configured app database."""

from __future__ import annotations

from alembic import context

from undercut.appdb.base import get_engine
from undercut.appdb.tables import Base
from undercut.config import get_settings

settings = context.config.attributes.get("settings") or get_settings()
engine = get_engine(settings)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
