"""Celery application. Tasks are thin wrappers around services (see CONVENTIONS)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.local")

app = Celery("housing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
