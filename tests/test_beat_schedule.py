"""Every periodic job in the one beat schedule names a Celery task that exists (a typo would make beat
send a job nobody runs, silently)."""

from __future__ import annotations

from django.conf import settings

from housing.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    missing = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    missing = {name: task for name, task in missing.items() if task not in registered}
    assert not missing
