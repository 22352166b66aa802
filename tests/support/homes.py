"""Writable copies of prepared homes: the session fixtures are shared and read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

from undercut.config import Settings, get_settings


def copy_home(settings: Settings, target: Path) -> Settings:
    """A writable copy of a prepared home, with settings pointing at it."""
    shutil.copytree(settings.local_dir, target)
    return get_settings(home=str(target))
