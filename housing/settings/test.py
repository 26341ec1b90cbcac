"""Tests: PostgreSQL and Redis from the environment (scripts/test.sh sets them)."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/housing-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Each test's threads and the live server open and close their own connections, as before persistent
# connections: a connection kept across tests would outlive the test database's transactions.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)  # noqa: F405
# Tests see every change at once; portal/tests/test_page_cache.py switches the page cache on where it is tested.
PORTAL_PAGE_CACHE_SECONDS = 0
