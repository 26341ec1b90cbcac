"""/healthz (the process answers) and /readyz (database, cache and broker answer).

The suite runs with REDIS_URL set and tasks eager: /readyz must still reach the real broker.
A dependency that is down is simulated by pointing its setting at a closed port on 127.0.0.1.
"""

from __future__ import annotations

import socket

import pytest
from django.conf import settings


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: bind to get a free one, then close it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_configured():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The suite runs with REDIS_URL set (scripts/test.sh); readiness needs a real broker.")


def test_healthz_answers_ok_in_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_cache_and_broker_ok(client, redis_configured):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
def test_readyz_reaches_the_broker_even_when_tasks_run_eagerly(client, settings, closed_port):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_an_unreachable_cache(client, settings, closed_port, redis_configured):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"].startswith("error")
    assert checks["database"] == "ok"
    assert checks["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_without_a_broker_in_demo_mode_checks_only_what_exists(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
