"""/healthz: the process answers. /readyz: the database, the cache and the broker answer."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

BROKER_TIMEOUT_SECONDS = 2


@never_cache
def healthz(request):
    """Liveness: answers as long as the process serves requests; touches no dependency."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz", "1", 5)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return the value just written")


def _check_broker() -> None:
    # Only the demo's in-memory transport has nothing to reach. A configured broker is checked even
    # when tasks run eagerly (the test suite): eager mode is a choice about *where* tasks run, and a
    # beat or a worker on another host still needs the broker this process points at.
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url or broker_url.startswith("memory://"):
        return
    from housing.celery import app

    # The URL is passed explicitly: Celery caches its configuration on first use, and readiness must
    # reflect the settings in force now. No retries: a probe answers in seconds, not after back-offs.
    with app.connection_for_write(broker_url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=0)


@never_cache
def readyz(request):
    """Readiness: 200 when the database, the cache and the broker all answer, else 503 naming the failure."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # any failure means not ready; the reason goes in the body
            checks[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
