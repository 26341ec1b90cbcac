"""Celery entry points of 补贴发放 (scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def subsidy_due_run_task(period: str, project_code: str, actor_id: int | None = None) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from .services import subsidy_due_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return subsidy_due_run(period=period, project_code=project_code, actor=actor)


@shared_task(acks_late=True)
def subsidy_due_run_record_task(run_id: int) -> dict[str, int | str]:
    """One run started from the page (or resumed with 继续): progress on its record; idempotent."""
    from .services import subsidy_due_run_execute

    run = subsidy_due_run_execute(run_id=run_id)
    return {"period": run.period, "created": run.created, "held": run.held}


@shared_task(acks_late=True)
def subsidy_due_run_monthly() -> dict[str, dict[str, int]]:
    """Daily (beat): this month's due rows of every monthly project; for a quarterly project the current
    quarter's, once its last month has begun (paid after the quarter). Idempotent."""
    from django.utils import timezone

    from ..contracts.models import Contract, ContractKind
    from .services import payment_cycle_of, subsidy_due_run

    today = timezone.localdate()
    projects = (
        Contract.objects.filter(kind=ContractKind.RENT_SUBSIDY)
        .values_list("registry_entry__project_code", flat=True)
        .distinct()
    )
    results = {}
    for code in projects:
        if payment_cycle_of(code) == "quarterly":
            if today.month % 3:
                continue
            period = f"{today.year}-Q{(today.month + 2) // 3}"
        else:
            period = today.strftime("%Y-%m")
        results[code] = subsidy_due_run(period=period, project_code=code, actor=None)
    return results
