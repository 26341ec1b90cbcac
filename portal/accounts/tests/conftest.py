"""Each test gets its own cache namespace (the counters live in Redis, shared by parallel workers)."""

from __future__ import annotations

import uuid

import pytest

from housing.notify.services import notify_templates_sync


@pytest.fixture(autouse=True)
def own_cache_namespace(settings):
    settings.PORTAL_ACCOUNTS_CACHE_PREFIX = f"test-portal-accounts-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def sms_templates(db):
    notify_templates_sync()


@pytest.fixture
def captcha_test_mode(settings, monkeypatch):
    """django-simple-captcha's test mode (the answer "passed" is accepted), only where a test asks.
    The library reads the setting once at import, so its module copy is patched too."""
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
