"""End to end with a real Celery worker on the Redis broker: queued after commit, sent by the worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from housing.celery import app
from housing.notify.models import MessageStatus
from housing.notify.services import notify_send

ROOT = Path(settings.BASE_DIR)


def _test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process():
    """A worker subprocess consuming a queue of its own, so no other worker can take our task."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or connection.vendor != "postgresql":
        pytest.fail("This test needs REDIS_URL and PostgreSQL (scripts/test.sh sets both).")
    queue = f"notify-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "housing.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery),
        "-A",
        "housing",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "-l",
        "INFO",
        "--without-heartbeat",
    ]
    command += ["--without-gossip", "--without-mingle", "-n", f"{queue}@%h"]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    # This process only publishes: to the broker, on the worker's own queue.
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield worker
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)  # shown by pytest when the test fails


@pytest.mark.django_db(transaction=True)
def test_message_queued_after_commit_is_sent_by_a_real_worker(citizen, celery_worker_process):
    with transaction.atomic():
        (message,) = notify_send(
            template_code="portal.sms_code", recipient=citizen, context={"code": "135790"}, channels=("sms",)
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status != MessageStatus.PENDING or celery_worker_process.poll() is not None:
            break
        time.sleep(0.3)
    assert celery_worker_process.poll() is None, "the worker died"
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
