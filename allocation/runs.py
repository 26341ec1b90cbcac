"""Services of a ``ProgressRun`` record (生成记录): the task body's bookkeeping and 继续.

The run's own work is a callable taking the record; it reports progress with ``progress_run_beat``
after each committed chunk. Failures are kept on the record (the page shows them and offers 继续).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .common import ProgressRun, RunState


def progress_run_beat(run: ProgressRun, **counts) -> None:
    """A chunk committed: its counts and a fresh heartbeat (what the polling page shows)."""
    type(run).objects.filter(pk=run.pk).update(heartbeat_at=timezone.now(), **counts)


def progress_run_execute(model: type[ProgressRun], run_id: int, body: Callable[[ProgressRun], dict]):
    """The task's body: mark the attempt, run ``body``, keep its outcome (counts) or its error."""
    model.objects.filter(pk=run_id).update(
        state=RunState.RUNNING, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    run = model.objects.get(pk=run_id)
    try:
        counts = body(run) or {}
    except Exception as exc:  # the page shows the failure and offers 继续
        model.objects.filter(pk=run_id).update(
            state=RunState.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    model.objects.filter(pk=run_id).update(state=RunState.DONE, finished_at=timezone.now(), **counts)
    return model.objects.get(pk=run_id)


@transaction.atomic
def progress_run_resume(run: ProgressRun, queue: Callable[[int], None]) -> ProgressRun:
    """继续 a run that failed or whose worker died (中断): the same record, queued again after commit.

    A run still alive (recent heartbeat) or finished is not resumed: that would only run it twice.
    """
    run = type(run).objects.select_for_update().get(pk=run.pk)
    if not run.can_resume:
        raise ValidationError(_("该次生成正在进行或已完成，不需要继续。"))
    run.state, run.error, run.finished_at, run.heartbeat_at = RunState.RUNNING, "", None, timezone.now()
    run.save(update_fields=["state", "error", "finished_at", "heartbeat_at"])
    transaction.on_commit(lambda: queue(run.pk))
    return run
