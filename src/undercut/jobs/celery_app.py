"""The Celery app for Celery's own command line: ``celery -A undercut.jobs.celery_app
flower`` (monitoring, with the ``flower`` extra) or ``... inspect active``.

Unlike the rest of undercut this module builds its app when imported, from the
environment (``UNDERCUT_REDIS_URL``, ``UNDERCUT_REDIS_PREFIX``, ``UNDERCUT_JOB_QUEUE``),
because that is how Celery's command line finds an app. Nothing in undercut imports it.
"""

from __future__ import annotations

from undercut.config import get_settings
from undercut.jobs.worker import make_celery

app = make_celery(get_settings())
